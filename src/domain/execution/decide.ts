import { assertNever } from './assertNever';
import type {
  Advance,
  ExecutionCommand,
  Fail,
  Finalize,
  ObserveWave,
  ReclaimWaveStart,
  RecordNotification,
  RecordWaveStartFailure,
  RecordWaveStarted,
  RequestCancel,
  RequestPause,
  Resume,
  StartExecution,
  AttachStateMachine,
} from './commands';
import { validatePlan } from '../plan';
import { boundText, utf8Length } from '../text';
import { EventRecorder } from './eventRecorder';
import { SNAPSHOT_REASON_BYTES } from './snapshot';
import { ExecutionEvent, MAX_FAILURE_REASON_BYTES, MAX_HOSTNAME_BYTES, ServerObservation } from './events';
import { invalidCommand, invalidState, Rejection } from './rejections';
import {
  allWavesCompleted,
  DEFAULT_SERVERS_PER_JOB,
  ExecutionState,
  isTerminal,
  jobCount,
  jobsOf,
  MAX_SERVERS_PER_JOB,
  nextPendingWave,
  partsWithoutJob,
  Paused,
  Running,
  serversOfPart,
  ServerState,
  StartedExecution,
  waveInFlight,
  WaveState,
} from './state';
import { secondsBetween, serverTotals } from './summary';
import { DrsJobStatus, isFinalLaunchStatus, LaunchStatus, SYSTEM_ACTOR } from './vocabulary';

export type Decision = { ok: true; events: ExecutionEvent[] } | { ok: false; rejection: Rejection };

/** A claimant that has not recorded its DRS job within this time is presumed gone. */
export const WAVE_START_LEASE_MS = 5 * 60_000;
/** Starting one wave is attempted at most this many times before the execution fails. */
export const MAX_WAVE_START_ATTEMPTS = 5;
/**
 * How long a wave may wait for room in DRS (its concurrent-jobs quota, servers busy in other jobs) before
 * the execution fails: such refusals do not spend start attempts, since DRS jobs run for tens of minutes.
 */
export const MAX_CAPACITY_WAIT_MS = 6 * 3600_000;

/** Start attempts that count against MAX_WAVE_START_ATTEMPTS: refusals for lack of room do not. */
const countedAttempts = (wave: WaveState): number => wave.startAttempts - (wave.capacityWaits ?? 0);

/** "DRS jobs already running for this wave: a, b": a wave that fails part-way names what it left in DRS. */
const runningJobsNote = (wave: WaveState): string => {
  const jobs = jobsOf(wave).map((job) => job.drsJobId);
  return jobs.length ? `; DRS jobs already running for this wave: ${jobs.join(', ')}` : '';
};
/** How much of each server's reason a wave's failure reason quotes, and how many servers it names. */
const QUOTED_REASON_BYTES = SNAPSHOT_REASON_BYTES;
const QUOTED_SERVERS = 5;
/** Reasons the domain writes (a wave's, an execution's, a start error's) stay this small. */
export const MAX_REASON_BYTES = 2048;

const accept = (recorder: EventRecorder): Decision => ({ ok: true, events: recorder.events });
const reject = (rejection: Rejection): Decision => ({ ok: false, rejection });
const nothing: Decision = { ok: true, events: [] };

type Active = Running | Paused;
const isActive = (state: ExecutionState): state is Active => state.status === 'RUNNING' || state.status === 'PAUSED';

/**
 * At a wave boundary (no wave starting or running): cancel if asked, pause if due, else claim the next wave.
 * Shared by every command after which a boundary may have been reached.
 *
 * A decision's events are appended one conditional write each, so another writer may decide between two of
 * them. The only such in-between state that could mislead is a wave failure not yet carried to the
 * execution: a FAILED wave, or a wave whose last allowed start attempt failed. It is carried through here
 * first, so that no later wave starts.
 */
const advanceAtBoundary = (recorder: EventRecorder): void => {
  const state = recorder.state;
  if (!isActive(state)) return;
  const failed = state.waves.find((wave) => wave.status === 'FAILED');
  if (failed) {
    const reason = boundText(`Wave ${failed.waveNumber} failed: ${failed.failureReason ?? 'no reason recorded'}`, MAX_REASON_BYTES);
    recorder.emit('ExecutionFailed', { reason, waveNumber: failed.waveNumber }, SYSTEM_ACTOR);
    return;
  }
  const exhausted = state.waves.find((wave) => wave.status === 'PENDING' && countedAttempts(wave) >= MAX_WAVE_START_ATTEMPTS);
  if (exhausted) {
    const reason = `DRS StartRecovery failed (after ${exhausted.startAttempts} attempts): ${exhausted.failureReason ?? 'no reason recorded'}${runningJobsNote(exhausted)}`;
    failWave(recorder, exhausted.waveNumber, reason, []);
    return;
  }
  const inFlight = waveInFlight(state);
  if (state.cancelRequest) {
    // A wave being started may already have a DRS job: wait until it is recorded, so the ledger keeps it.
    if (inFlight?.status === 'STARTING') return;
    recorder.emit('ExecutionCancelled', { cancelledBy: state.cancelRequest.requestedBy, ...reasonOf(state) }, state.cancelRequest.requestedBy);
    return;
  }
  if (state.status !== 'RUNNING' || inFlight) return;
  const next = nextPendingWave(state);
  if (!next) return;
  const afterWave = next.waveNumber - 1;
  if (state.pauseRequest && jobsOf(next).length === 0) {
    recorder.emit('ExecutionPaused', { afterWave, nextWave: next.waveNumber, reason: 'PAUSE_REQUESTED' }, state.pauseRequest.requestedBy);
    return;
  }
  // A wave some of whose jobs already run in DRS is finished starting before any pause.
  const partlyStarted = jobsOf(next).length > 0;
  if (partlyStarted) {
    recorder.emit('WaveStartRequested', { waveNumber: next.waveNumber, attempt: next.startAttempts + 1 }, SYSTEM_ACTOR);
    return;
  }
  if (next.pauseBeforeWave && !state.pausedBeforeWaves.includes(next.waveNumber)) {
    recorder.emit('ExecutionPaused', { afterWave, nextWave: next.waveNumber, reason: 'PAUSE_BEFORE_WAVE' }, SYSTEM_ACTOR);
    return;
  }
  recorder.emit('WaveStartRequested', { waveNumber: next.waveNumber, attempt: next.startAttempts + 1 }, SYSTEM_ACTOR);
};

const reasonOf = (state: Active): { reason?: string } =>
  state.cancelRequest?.reason === undefined ? {} : { reason: state.cancelRequest.reason };

const findWave = (state: StartedExecution, waveNumber: number): WaveState | undefined =>
  state.waves.find((wave) => wave.waveNumber === waveNumber);

const waveNotIn = (state: StartedExecution, waveNumber: number, expected: string, actual?: WaveState): Rejection => ({
  kind: 'WaveNotInExpectedStatus',
  currentStatus: state.status,
  waveNumber,
  message: actual
    ? `Wave ${waveNumber} is ${actual.status}, expected ${expected}`
    : `Wave ${waveNumber} does not exist in this execution (it has ${state.waves.length} waves)`,
});

/** DRS only moves forward: a job PENDING -> STARTED -> COMPLETED, a launch PENDING -> IN_PROGRESS -> an outcome. */
const JOB_PROGRESS: Record<DrsJobStatus, number> = { PENDING: 0, STARTED: 1, COMPLETED: 2 };
const LAUNCH_PROGRESS: Record<LaunchStatus, number> = { PENDING: 0, IN_PROGRESS: 1, LAUNCHED: 2, FAILED: 2, TERMINATED: 3 };

/**
 * An observation behind what the ledger already holds was read before a newer one was recorded (two
 * drivers read DRS, the later reader appended first): it changes nothing, or the ledger would go backwards.
 */
const isStale = (wave: WaveState, command: ObserveWave): boolean => {
  const job = observedJob(wave, command);
  if (job && JOB_PROGRESS[command.drsJobStatus] < JOB_PROGRESS[job.drsJobStatus]) return true;
  const known = new Map(wave.servers.map((server) => [server.serverId, server.launchStatus]));
  return command.servers.some((seen) => {
    const status = known.get(seen.serverId);
    return status !== undefined && status !== 'NOT_STARTED' && LAUNCH_PROGRESS[seen.launchStatus] < LAUNCH_PROGRESS[status];
  });
};

/** The job an observation is about: the one it names, else the wave's first. */
const observedJob = (wave: WaveState, command: Pick<ObserveWave, 'drsJobId'>) => {
  const jobs = jobsOf(wave);
  return command.drsJobId === undefined ? jobs[0] : jobs.find((job) => job.drsJobId === command.drsJobId);
};

/** Hostnames are recorded when a wave starts (DescribeJobs never carries them): they are no change. */
const hasChanged = (known: ServerState, seen: ServerObservation): boolean =>
  known.launchStatus !== seen.launchStatus ||
  (seen.recoveryInstanceId !== undefined && seen.recoveryInstanceId !== known.recoveryInstanceId) ||
  // A failed server's reason does not change; snapshots keep only its start, so presence is what counts.
  (seen.failureReason !== undefined && known.failureReason === undefined);

/** What DRS said, cut to what the ledger keeps: its texts are bounded whatever DRS returns. */
const boundObservation = (seen: ServerObservation): ServerObservation => {
  const bounded: ServerObservation = { ...seen };
  if (seen.failureReason !== undefined) bounded.failureReason = boundText(seen.failureReason, MAX_FAILURE_REASON_BYTES);
  if (seen.hostname !== undefined) bounded.hostname = boundText(seen.hostname, MAX_HOSTNAME_BYTES);
  return bounded;
};

/** Fails the wave and the execution together: a failed wave never lets a later wave start. */
const failWave = (recorder: EventRecorder, waveNumber: number, reason: string, failedServers: ServerObservation[]): void => {
  const bounded = boundText(reason, MAX_REASON_BYTES);
  recorder.emit('WaveFailed', { waveNumber, reason: bounded, failedServers }, SYSTEM_ACTOR);
  recorder.emit('ExecutionFailed', { reason: boundText(`Wave ${waveNumber} failed: ${bounded}`, MAX_REASON_BYTES), waveNumber }, SYSTEM_ACTOR);
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
  const jobs = jobsOf(wave).map((job) => job.drsJobId).join(', ');
  const names = notLaunched.slice(0, QUOTED_SERVERS).map((server) => server.serverId);
  const more = notLaunched.length > QUOTED_SERVERS ? ` and ${notLaunched.length - QUOTED_SERVERS} more` : '';
  return `DRS job ${jobs} completed without launching ${names.join(', ')}${more}`;
};

const isUnsettled = (server: ServerState): boolean =>
  server.launchStatus === 'NOT_STARTED' || !isFinalLaunchStatus(server.launchStatus);

/** Every job of the wave is on record and COMPLETED: when the last of them was first seen so. */
const allJobsCompletedAt = (state: StartedExecution, wave: WaveState): string | undefined => {
  const jobs = jobsOf(wave);
  if (jobs.length < jobCount(state, wave) || jobs.some((job) => job.drsJobStatus !== 'COMPLETED')) return undefined;
  return jobs.map((job) => job.completedAt ?? state.lastEventAt).sort().at(-1);
};

/**
 * A wave is over when every server reached a final launch status, or when all its jobs COMPLETED. DRS may
 * report a job COMPLETED while a server still reads PENDING or IN_PROGRESS: such servers are waited for
 * for `graceMs` after the jobs completed, and only then count as not launched.
 */
const concludeWave = (recorder: EventRecorder, waveNumber: number, at: string, graceMs = 0): void => {
  const state = recorder.state;
  if (state.status !== 'RUNNING') return;
  const wave = findWave(state, waveNumber);
  if (!wave || wave.status !== 'IN_PROGRESS') return;
  const unsettled = wave.servers.filter(isUnsettled);
  const completedAt = allJobsCompletedAt(state, wave);
  if (completedAt === undefined && unsettled.length > 0) return;
  if (unsettled.length > 0 && Date.parse(at) - Date.parse(completedAt ?? at) < graceMs) return;
  const notLaunched = wave.servers.filter((server) => server.launchStatus !== 'LAUNCHED');
  if (notLaunched.length === 0) {
    recorder.emit('WaveCompleted', { waveNumber }, SYSTEM_ACTOR);
    advanceAtBoundary(recorder);
    return;
  }
  const failed = notLaunched.filter((server) => !isUnsettled(server) && server.launchStatus !== 'LAUNCHED');
  const reason = failed.length ? describeFailedServers(failed, wave.servers.length) : describeUnlaunched(wave, notLaunched);
  failWave(recorder, waveNumber, reason, notLaunched.map(asObservation));
};

const start = (state: ExecutionState, command: StartExecution): Decision => {
  if (state.status !== 'NOT_STARTED') return reject({ kind: 'ExecutionAlreadyExists', currentStatus: state.status });
  const validation = validatePlan(command.plan);
  if (!validation.ok) {
    const problems = validation.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return reject(invalidCommand(state, `Recovery plan ${command.plan.planId} is not valid: ${problems}`));
  }
  const recorder = EventRecorder.forNewExecution(command.executionId, command.plan.planId, command.at);
  const serversPerJob = command.serversPerJob ?? DEFAULT_SERVERS_PER_JOB;
  if (!Number.isInteger(serversPerJob) || serversPerJob < 1 || serversPerJob > MAX_SERVERS_PER_JOB) {
    return reject(invalidCommand(state, `Servers per DRS job must be an integer from 1 to ${MAX_SERVERS_PER_JOB}, got ${serversPerJob}`));
  }
  recorder.emit(
    'ExecutionStarted',
    {
      plan: command.plan,
      executionType: command.executionType,
      initiatedBy: command.initiatedBy,
      ...(command.accountContext ? { accountContext: command.accountContext } : {}),
      serversPerJob,
    },
    command.initiatedBy,
  );
  // A plan whose first wave pauses-before starts paused; otherwise wave 1 is claimed at once.
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const attachStateMachine = (state: StartedExecution, command: AttachStateMachine): Decision => {
  if (isTerminal(state)) return reject(invalidState('attach a state machine to', state, ['RUNNING', 'PAUSED']));
  if (state.executionArn === command.executionArn) return nothing;
  const generation = command.generation ?? 0;
  // Attaches arrive at least once and maybe late: an older run than the one attached never comes back.
  if (generation < (state.stateMachineGeneration ?? 0)) return nothing;
  const recorder = new EventRecorder(state, command.at);
  const handOver =
    generation > 0
      ? { generation, ...(state.executionArn ? { previousExecutionArn: state.executionArn } : {}), reason: 'CONTINUED_AS_NEW' as const }
      : {};
  recorder.emit('StateMachineAttached', { executionArn: command.executionArn, ...handOver }, SYSTEM_ACTOR);
  return accept(recorder);
};

const advance = (state: StartedExecution, command: Advance): Decision => {
  if (!isActive(state)) return nothing;
  const recorder = new EventRecorder(state, command.at);
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const recordWaveStarted = (state: StartedExecution, command: RecordWaveStarted): Decision => {
  if (!isActive(state)) return reject(invalidState('record a wave start for', state, ['RUNNING', 'PAUSED']));
  const wave = findWave(state, command.waveNumber);
  const part = command.part ?? 1;
  const recorded = wave ? jobsOf(wave).find((job) => job.part === part) : undefined;
  if (recorded?.drsJobId === command.drsJobId) return nothing;
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  if (recorded) {
    return reject(invalidCommand(state, `Wave ${wave.waveNumber} part ${part} already has DRS job ${recorded.drsJobId}, not ${command.drsJobId}`));
  }
  const elsewhere = jobsOf(wave).find((job) => job.drsJobId === command.drsJobId);
  if (elsewhere) {
    // One job is one part: observations find a part by its job, so two parts can never share one.
    return reject(invalidCommand(state, `DRS job ${command.drsJobId} is wave ${wave.waveNumber}'s part ${elsewhere.part}, not part ${part}`));
  }
  if (!Number.isInteger(part) || part < 1 || part > jobCount(state, wave)) {
    return reject(invalidCommand(state, `Wave ${wave.waveNumber} has ${jobCount(state, wave)} DRS job(s); there is no part ${part}`));
  }
  const inPart = new Set(serversOfPart(state, wave, part).map((server) => server.serverId));
  const outside = command.servers.filter((server) => !inPart.has(server.serverId)).map((server) => server.serverId);
  if (outside.length) {
    return reject(invalidCommand(state, `DRS job ${command.drsJobId} names servers outside wave ${wave.waveNumber} part ${part}: ${outside.slice(0, QUOTED_SERVERS).join(', ')}`));
  }
  const recorder = new EventRecorder(state, command.at);
  const data = { waveNumber: command.waveNumber, drsJobId: command.drsJobId, servers: command.servers.map(boundObservation) };
  recorder.emit('WaveStarted', part === 1 ? data : { ...data, part }, SYSTEM_ACTOR);
  // A cancel that arrived while the job was being started takes effect once every job is on record.
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const recordWaveStartFailure = (state: StartedExecution, command: RecordWaveStartFailure): Decision => {
  if (!isActive(state)) return reject(invalidState('record a wave start failure for', state, ['RUNNING', 'PAUSED']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  // The part that failed to start: one the wave has with no job yet (by default the first such part).
  const failedPart = command.part ?? partsWithoutJob(state, wave)[0] ?? 1;
  if (!partsWithoutJob(state, wave).includes(failedPart)) {
    return reject(invalidCommand(state, `Wave ${wave.waveNumber} has no part ${failedPart} waiting for its DRS job`));
  }
  const recorder = new EventRecorder(state, command.at);
  const { waveNumber, retryable } = command;
  // The wave's reason is "code: message": both cut so that it stays within MAX_REASON_BYTES.
  const code = boundText(command.error.code, 256);
  const error = { code, message: boundText(command.error.message, MAX_REASON_BYTES - utf8Length(code) - 2) };
  const part = failedPart === 1 ? {} : { part: failedPart };
  const waiting = retryable && command.waitingForCapacity === true;
  recorder.emit('WaveStartFailed', { waveNumber, attempt: wave.startAttempts, error, retryable, ...part, ...(waiting ? { waitingForCapacity: true as const } : {}) }, SYSTEM_ACTOR);
  const waitedMs = Date.parse(command.at) - Date.parse(wave.waitingForCapacitySince ?? command.at);
  const attemptsSpent = countedAttempts(wave) - (waiting ? 1 : 0);
  if (!retryable || attemptsSpent >= MAX_WAVE_START_ATTEMPTS || waitedMs >= MAX_CAPACITY_WAIT_MS) {
    const why = !retryable ? 'not retryable' : waitedMs >= MAX_CAPACITY_WAIT_MS ? `no room in DRS for ${Math.round(waitedMs / 60_000)} minutes` : `after ${wave.startAttempts} attempts`;
    failWave(recorder, waveNumber, `DRS StartRecovery failed (${why}): ${error.code}: ${error.message}${runningJobsNote(wave)}`, []);
    return accept(recorder);
  }
  // The wave waits, PENDING, for the next poll to claim it again: the poll cadence is the backoff.
  // Only a pending cancel is acted on now.
  if (recorder.state.status !== 'NOT_STARTED' && isActive(recorder.state) && recorder.state.cancelRequest) {
    advanceAtBoundary(recorder);
  }
  return accept(recorder);
};

const reclaimWaveStart = (state: StartedExecution, command: ReclaimWaveStart): Decision => {
  if (state.status !== 'RUNNING') return reject(invalidState('reclaim a wave start of', state, ['RUNNING']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  const claimedAt = Date.parse(wave.startRequestedAt ?? state.lastEventAt);
  if (Date.parse(command.at) - claimedAt < WAVE_START_LEASE_MS) {
    return reject(invalidCommand(state, `Wave ${wave.waveNumber} start was claimed at ${wave.startRequestedAt}; its lease has not expired`));
  }
  return recordWaveStartFailure(state, {
    type: 'RecordWaveStartFailure',
    waveNumber: wave.waveNumber,
    error: { code: 'StartLeaseExpired', message: `no DRS job was recorded within ${WAVE_START_LEASE_MS / 1000}s of the claim` },
    retryable: true,
    // The part the vanished claimant was starting: the first without a job.
    part: partsWithoutJob(state, wave)[0] ?? 1,
    at: command.at,
  });
};

const observeWave = (state: StartedExecution, command: ObserveWave): Decision => {
  if (state.status !== 'RUNNING') return reject(invalidState('poll', state, ['RUNNING']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'IN_PROGRESS') return reject(waveNotIn(state, command.waveNumber, 'IN_PROGRESS', wave));
  const job = observedJob(wave, command);
  if (!job) return reject(invalidCommand(state, `DRS job ${command.drsJobId} is not one of wave ${wave.waveNumber}'s jobs`));
  const inJob = new Set(serversOfPart(state, wave, job.part).map((server) => server.serverId));
  const unknown = command.servers.filter((server) => !inJob.has(server.serverId)).map((server) => server.serverId);
  if (unknown.length) {
    return reject(invalidCommand(state, `Observation of DRS job ${job.drsJobId} names servers outside its part of wave ${wave.waveNumber}: ${unknown.slice(0, QUOTED_SERVERS).join(', ')}`));
  }
  const known = new Map(wave.servers.map((server) => [server.serverId, server]));
  const seen = command.servers.map(boundObservation);
  const changed = seen.filter((server) => hasChanged(known.get(server.serverId) as ServerState, server));
  const recorder = new EventRecorder(state, command.at);
  if (!isStale(wave, command) && (changed.length || job.drsJobStatus !== command.drsJobStatus)) {
    const data = { waveNumber: wave.waveNumber, drsJobStatus: command.drsJobStatus, servers: changed };
    recorder.emit('WavePolled', jobsOf(wave).length > 1 || job.part > 1 ? { ...data, drsJobId: job.drsJobId } : data, SYSTEM_ACTOR);
  }
  concludeWave(recorder, wave.waveNumber, command.at, command.completionGraceMs);
  return accept(recorder);
};

const requestPause = (state: StartedExecution, command: RequestPause): Decision => {
  if (state.status !== 'RUNNING') return reject(invalidState('pause', state, ['RUNNING']));
  if (state.pauseRequest) return nothing;
  if (!nextPendingWave(state)) {
    return reject(invalidCommand(state, 'Cannot pause execution: no wave remains to pause before'));
  }
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('PauseRequested', { requestedBy: command.requestedBy }, command.requestedBy);
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const resume = (state: StartedExecution, command: Resume): Decision => {
  if (state.status !== 'PAUSED') return reject(invalidState('resume', state, ['PAUSED']));
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('ExecutionResumed', { resumedBy: command.resumedBy, nextWave: state.nextWave }, command.resumedBy);
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const requestCancel = (state: StartedExecution, command: RequestCancel): Decision => {
  if (!isActive(state)) return reject(invalidState('cancel', state, ['RUNNING', 'PAUSED']));
  if (state.cancelRequest) return nothing;
  const recorder = new EventRecorder(state, command.at);
  const reason = command.reason === undefined ? {} : { reason: boundText(command.reason, MAX_REASON_BYTES) };
  recorder.emit('CancelRequested', { requestedBy: command.requestedBy, ...reason }, command.requestedBy);
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const finalize = (state: StartedExecution, command: Finalize): Decision => {
  if (state.status === 'COMPLETED') return nothing;
  if (state.status !== 'RUNNING') return reject(invalidState('finalize', state, ['RUNNING']));
  if (!allWavesCompleted(state)) {
    const open = state.waves.filter((wave) => wave.status !== 'COMPLETED').map((wave) => `${wave.waveNumber} (${wave.status})`);
    return reject({
      kind: 'InvalidState',
      currentStatus: state.status,
      expected: ['RUNNING'],
      message: `Cannot finalize execution while waves are not completed: ${open.join(', ')}`,
    });
  }
  const recorder = new EventRecorder(state, command.at);
  recorder.emit(
    'Finalized',
    { endTime: command.at, durationSeconds: secondsBetween(state.startTime, command.at), ...serverTotals(state) },
    SYSTEM_ACTOR,
  );
  return accept(recorder);
};

const fail = (state: StartedExecution, command: Fail): Decision => {
  if (!isActive(state)) return reject(invalidState('fail', state, ['RUNNING', 'PAUSED']));
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('ExecutionFailed', { reason: boundText(command.reason, MAX_REASON_BYTES) }, SYSTEM_ACTOR);
  return accept(recorder);
};

const recordNotification = (state: StartedExecution, command: RecordNotification): Decision => {
  if (!isTerminal(state)) return reject(invalidState('record a notification for', state, ['COMPLETED', 'FAILED', 'CANCELLED']));
  if (state.notifiedSeqs.includes(command.forSeq)) return nothing;
  if (command.forSeq < 1 || command.forSeq > state.version) {
    return reject(invalidCommand(state, `No event at seq ${command.forSeq} to notify about`));
  }
  const recorder = new EventRecorder(state, command.at);
  if ('messageId' in command.outcome) {
    recorder.emit('NotificationSent', { forSeq: command.forSeq, messageId: command.outcome.messageId }, SYSTEM_ACTOR);
  } else {
    const { code, message } = command.outcome.error;
    recorder.emit('NotificationFailed', { forSeq: command.forSeq, error: { code: boundText(code, 256), message: boundText(message, MAX_REASON_BYTES) } }, SYSTEM_ACTOR);
  }
  return accept(recorder);
};

/** Decides what a command means for an execution: the events to append, or why it is refused. Pure. */
export const decide = (command: ExecutionCommand, state: ExecutionState): Decision => {
  if (command.type === 'StartExecution') return start(state, command);
  if (state.status === 'NOT_STARTED') return reject({ kind: 'ExecutionNotFound' });
  switch (command.type) {
    case 'AttachStateMachine':
      return attachStateMachine(state, command);
    case 'Advance':
      return advance(state, command);
    case 'RecordWaveStarted':
      return recordWaveStarted(state, command);
    case 'RecordWaveStartFailure':
      return recordWaveStartFailure(state, command);
    case 'ReclaimWaveStart':
      return reclaimWaveStart(state, command);
    case 'ObserveWave':
      return observeWave(state, command);
    case 'RequestPause':
      return requestPause(state, command);
    case 'Resume':
      return resume(state, command);
    case 'RequestCancel':
      return requestCancel(state, command);
    case 'Finalize':
      return finalize(state, command);
    case 'Fail':
      return fail(state, command);
    case 'RecordNotification':
      return recordNotification(state, command);
    default:
      return assertNever(command, 'command');
  }
};

