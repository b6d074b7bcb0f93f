import { type EventOf, waveCounters } from '../src/domain/execution';
import { verifiedActor } from './approvalView';
import type { ExecutionView, ServerExecutionView, WaveView } from './executionView';

const countersOf = (wave: WaveView, servers: readonly ServerExecutionView[]): WaveView => ({
  ...wave,
  ...waveCounters(
    servers
      .filter((server) => server.waveNumber === wave.waveNumber)
      .map((server) => ({ serverId: server.serverId, launchStatus: server.status })),
  ),
});

/** Like the domain: the retried servers start over, the wave waits for its next claim with a new round of jobs. */
export const retriedView = (view: ExecutionView, event: EventOf<'WaveRetryRequested'>): ExecutionView => {
  const { waveNumber, serverIds, jobCount } = event.data;
  const retried = new Set(serverIds);
  const serverExecutions = view.serverExecutions.map((server): ServerExecutionView => {
    if (server.waveNumber !== waveNumber || !retried.has(server.serverId)) return server;
    const { recoveryInstanceId: _instance, failureReason: _reason, launchTime: _launch, ...rest } = server;
    return { ...rest, status: 'NOT_STARTED', retries: (server.retries ?? 0) + 1 };
  });
  const waveStatuses = view.waveStatuses.map((wave): WaveView => {
    if (wave.waveNumber !== waveNumber) return wave;
    const {
      failureReason: _failure,
      endTime: _end,
      drsJobIds: _ids,
      drsJobParts: _parts,
      drsJobStatuses: _statuses,
      drsJobStatus: _status,
      ...rest
    } = wave;
    return countersOf(
      { ...rest, status: 'PENDING', jobCount, drsJobIds: [], drsJobParts: [], drsJobStatuses: [], retries: (wave.retries ?? 0) + 1 },
      serverExecutions,
    );
  });
  return { ...view, serverExecutions, waveStatuses };
};

/** A skipped wave keeps what it launched; the skip, its reason and its actor are shown with it. */
export const skippedView = (view: ExecutionView, event: EventOf<'WaveSkipped'>): ExecutionView => ({
  ...view,
  waveStatuses: view.waveStatuses.map((wave) =>
    wave.waveNumber === event.data.waveNumber
      ? {
          ...wave,
          status: 'SKIPPED',
          skipped: { by: event.data.skippedBy, at: event.occurredAt, reason: event.data.reason, ...verifiedActor(event.data.identity) },
        }
      : wave,
  ),
});
