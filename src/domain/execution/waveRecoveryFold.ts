/** How a retry and a skip change a failed wave (the fold's part of them). */
import type { WaveRetryRequested } from './events';
import type { ServerState, WaveState } from './state';

/** A server to relaunch starts over: what the failed launch left (its status, instance, reason) is in the events. */
const relaunched = (server: ServerState, retry: number, at: string): ServerState => {
  const { recoveryInstanceId: _instance, failureReason: _reason, launchTime: _launch, ...rest } = server;
  return { ...rest, launchStatus: 'NOT_STARTED', retry, updatedAt: at };
};

/**
 * The wave goes back to PENDING for its next claim, in a new round whose jobs launch only the servers the
 * retry names: the earlier round's jobs are done (the events keep them), and its start attempts no longer count.
 */
export const retriedWave = (wave: WaveState, event: WaveRetryRequested): WaveState => {
  const {
    jobs: _jobs,
    drsJobStatus: _jobStatus,
    capacityWaits: _waits,
    waitingForCapacitySince: _since,
    startRequestedAt: _claim,
    endTime: _end,
    failureReason: _failure,
    ...rest
  } = wave;
  const retried = new Set(event.data.serverIds);
  return {
    ...rest,
    status: 'PENDING',
    startAttempts: 0,
    jobs: [],
    retryRound: event.data.retry,
    servers: wave.servers.map((server) => (retried.has(server.serverId) ? relaunched(server, event.data.retry, event.occurredAt) : server)),
  };
};

export const skippedWave = (wave: WaveState): WaveState => ({ ...wave, status: 'SKIPPED' });
