/**
 * The observation policy: how what DRS reports of a wave's jobs becomes the ledger's news (only what changed,
 * never a step back, its texts bounded) and, once every server is settled or every job is done, the wave's
 * outcome.
 */
import { boundText } from '../text';
import type { ObserveWave } from './commands';
import type { EventRecorder } from './eventRecorder';
import { MAX_FAILURE_REASON_BYTES, MAX_HOSTNAME_BYTES, type ServerObservation } from './events';
import { SNAPSHOT_REASON_BYTES } from './snapshot';
import { jobCount, jobsOf, type ServerState, type StartedExecution, type WaveState } from './state';
import { type DrsJobStatus, isFinalLaunchStatus, type LaunchStatus, SYSTEM_ACTOR } from './vocabulary';
import { advanceAtBoundary, failWave } from './waveBoundary';

/** How much of each server's reason a wave's failure reason quotes, and how many servers it names. */
const QUOTED_REASON_BYTES = SNAPSHOT_REASON_BYTES;
export const QUOTED_SERVERS = 5;
/** DRS only moves forward: a job PENDING -> STARTED -> COMPLETED, a launch PENDING -> IN_PROGRESS -> an outcome. */
const JOB_PROGRESS: Record<DrsJobStatus, number> = { PENDING: 0, STARTED: 1, COMPLETED: 2 };
const LAUNCH_PROGRESS: Record<LaunchStatus, number> = { PENDING: 0, IN_PROGRESS: 1, LAUNCHED: 2, FAILED: 2, TERMINATED: 3 };

/**
 * An observation behind what the ledger already holds was read before a newer one was recorded (two
 * drivers read DRS, the later reader appended first): it changes nothing, or the ledger would go backwards.
 */
export const isStale = (wave: WaveState, command: ObserveWave): boolean => {
  const job = observedJob(wave, command);
  if (job && JOB_PROGRESS[command.drsJobStatus] < JOB_PROGRESS[job.drsJobStatus]) return true;
  const known = new Map(wave.servers.map((server) => [server.serverId, server.launchStatus]));
  return command.servers.some((seen) => {
    const status = known.get(seen.serverId);
    return status !== undefined && status !== 'NOT_STARTED' && LAUNCH_PROGRESS[seen.launchStatus] < LAUNCH_PROGRESS[status];
  });
};

/** The job an observation is about: the one it names, else the wave's first. */
export const observedJob = (wave: WaveState, command: Pick<ObserveWave, 'drsJobId'>) => {
  const jobs = jobsOf(wave);
  return command.drsJobId === undefined ? jobs[0] : jobs.find((job) => job.drsJobId === command.drsJobId);
};

/** Hostnames are recorded when a wave starts (DescribeJobs never carries them): they are no change. */
export const hasChanged = (known: ServerState, seen: ServerObservation): boolean =>
  known.launchStatus !== seen.launchStatus ||
  (seen.recoveryInstanceId !== undefined && seen.recoveryInstanceId !== known.recoveryInstanceId) ||
  // A failed server's reason does not change; snapshots keep only its start, so presence is what counts.
  (seen.failureReason !== undefined && known.failureReason === undefined);

/** What DRS said, cut to what the ledger keeps: its texts are bounded whatever DRS returns. */
export const boundObservation = (seen: ServerObservation): ServerObservation => {
  const bounded: ServerObservation = { ...seen };
  if (seen.failureReason !== undefined) bounded.failureReason = boundText(seen.failureReason, MAX_FAILURE_REASON_BYTES);
  if (seen.hostname !== undefined) bounded.hostname = boundText(seen.hostname, MAX_HOSTNAME_BYTES);
  return bounded;
};

/** A failed server as WaveFailed names it: its reason is already on the WavePolled that saw it fail. */
const asObservation = (server: ServerState): ServerObservation => ({
  serverId: server.serverId,
  launchStatus: server.launchStatus === 'NOT_STARTED' ? 'PENDING' : server.launchStatus,
  ...(server.recoveryInstanceId === undefined ? {} : { recoveryInstanceId: server.recoveryInstanceId }),
});

/** "3 of 150 servers failed to launch (s-1 FAILED: why; ...; and 1 more)": a few servers, each reason cut short. */
const describeFailedServers = (failed: ServerState[], total: number): string => {
  const quoted = failed.slice(0, QUOTED_SERVERS).map((server) => {
    const why = server.failureReason ? `: ${boundText(server.failureReason, QUOTED_REASON_BYTES)}` : '';
    return `${server.serverId} ${server.launchStatus}${why}`;
  });
  const more = failed.length > QUOTED_SERVERS ? `; and ${failed.length - QUOTED_SERVERS} more` : '';
  return `${failed.length} of ${total} servers failed to launch (${quoted.join('; ')}${more})`;
};

const describeUnlaunched = (wave: WaveState, notLaunched: ServerState[]): string => {
  const jobs = jobsOf(wave)
    .map((job) => job.drsJobId)
    .join(', ');
  const names = notLaunched.slice(0, QUOTED_SERVERS).map((server) => server.serverId);
  const more = notLaunched.length > QUOTED_SERVERS ? ` and ${notLaunched.length - QUOTED_SERVERS} more` : '';
  return `DRS job ${jobs} completed without launching ${names.join(', ')}${more}`;
};

const isUnsettled = (server: ServerState): boolean => server.launchStatus === 'NOT_STARTED' || !isFinalLaunchStatus(server.launchStatus);

/** Every job of the wave is on record and COMPLETED: when the last of them was first seen so. */
const allJobsCompletedAt = (state: StartedExecution, wave: WaveState): string | undefined => {
  const jobs = jobsOf(wave);
  if (jobs.length < jobCount(state, wave) || jobs.some((job) => job.drsJobStatus !== 'COMPLETED')) return undefined;
  return jobs
    .map((job) => job.completedAt ?? state.lastEventAt)
    .sort()
    .at(-1);
};

/**
 * A wave is over when every server reached a final launch status, or when all its jobs COMPLETED. DRS may
 * report a job COMPLETED while a server still reads PENDING or IN_PROGRESS: such servers are waited for
 * for `graceMs` after the jobs completed, and only then count as not launched.
 */
export const concludeWave = (recorder: EventRecorder, waveNumber: number, at: string, graceMs = 0): void => {
  const state = recorder.state;
  if (state.status !== 'RUNNING') return;
  const wave = state.waves.find((candidate) => candidate.waveNumber === waveNumber);
  if (!wave || wave.status !== 'IN_PROGRESS') return;
  const unsettled = wave.servers.filter(isUnsettled);
  const completedAt = allJobsCompletedAt(state, wave);
  if (completedAt === undefined && unsettled.length > 0) return;
  if (unsettled.length > 0 && Date.parse(at) - Date.parse(completedAt ?? at) < graceMs) return;
  const notLaunched = wave.servers.filter((server) => server.launchStatus !== 'LAUNCHED');
  // Only the plan's optional servers did not launch: recorded as the wave's optional failures, not its failure.
  if (notLaunched.every((server) => server.optional === true)) {
    const optionalFailures = notLaunched.map((server) => ({
      ...asObservation(server),
      ...(server.failureReason === undefined ? {} : { failureReason: boundText(server.failureReason, QUOTED_REASON_BYTES) }),
    }));
    recorder.emit('WaveCompleted', optionalFailures.length ? { waveNumber, optionalFailures } : { waveNumber }, SYSTEM_ACTOR);
    advanceAtBoundary(recorder);
    return;
  }
  const failed = notLaunched.filter((server) => !isUnsettled(server) && server.launchStatus !== 'LAUNCHED');
  const reason = failed.length ? describeFailedServers(failed, wave.servers.length) : describeUnlaunched(wave, notLaunched);
  failWave(recorder, waveNumber, reason, notLaunched.map(asObservation));
};
