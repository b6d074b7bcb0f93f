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
import { EventRecorder } from './eventRecorder';
import type { ExecutionEvent, ServerObservation } from './events';
import { invalidCommand, invalidState, Rejection } from './rejections';
import {
  allWavesCompleted,
  ExecutionState,
  isTerminal,
  nextPendingWave,
  Paused,
  Running,
  ServerState,
  StartedExecution,
  waveInFlight,
  WaveState,
} from './state';
import { secondsBetween, serverTotals } from './summary';
import { DrsJobStatus, isFailedLaunchStatus, isFinalLaunchStatus, LaunchStatus, SYSTEM_ACTOR } from './vocabulary';

export type Decision = { ok: true; events: ExecutionEvent[] } | { ok: false; rejection: Rejection };

/** A claimant that has not recorded its DRS job within this time is presumed gone. */
export const WAVE_START_LEASE_MS = 5 * 60_000;
/** Starting one wave is attempted at most this many times before the execution fails. */
export const MAX_WAVE_START_ATTEMPTS = 5;

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
    const reason = `Wave ${failed.waveNumber} failed: ${failed.failureReason ?? 'no reason recorded'}`;
    recorder.emit('ExecutionFailed', { reason, waveNumber: failed.waveNumber }, SYSTEM_ACTOR);
    return;
  }
  const exhausted = state.waves.find((wave) => wave.status === 'PENDING' && wave.startAttempts >= MAX_WAVE_START_ATTEMPTS);
  if (exhausted) {
    const reason = `DRS StartRecovery failed (after ${exhausted.startAttempts} attempts): ${exhausted.failureReason ?? 'no reason recorded'}`;
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
  if (state.pauseRequest) {
    recorder.emit('ExecutionPaused', { afterWave, nextWave: next.waveNumber, reason: 'PAUSE_REQUESTED' }, state.pauseRequest.requestedBy);
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

const unknownServers = (wave: WaveState, servers: ServerObservation[]): string[] => {
  const inWave = new Set(wave.servers.map((server) => server.serverId));
  return servers.filter((server) => !inWave.has(server.serverId)).map((server) => server.serverId);
};

/** DRS only moves forward: a job PENDING -> STARTED -> COMPLETED, a launch PENDING -> IN_PROGRESS -> an outcome. */
const JOB_PROGRESS: Record<DrsJobStatus, number> = { PENDING: 0, STARTED: 1, COMPLETED: 2 };
const LAUNCH_PROGRESS: Record<LaunchStatus, number> = { PENDING: 0, IN_PROGRESS: 1, LAUNCHED: 2, FAILED: 2, TERMINATED: 3 };

/**
 * An observation behind what the ledger already holds was read before a newer one was recorded (two
 * drivers read DRS, the later reader appended first): it changes nothing, or the ledger would go backwards.
 */
const isStale = (wave: WaveState, command: ObserveWave): boolean => {
  if (wave.drsJobStatus !== undefined && JOB_PROGRESS[command.drsJobStatus] < JOB_PROGRESS[wave.drsJobStatus]) return true;
  const known = new Map(wave.servers.map((server) => [server.serverId, server.launchStatus]));
  return command.servers.some((seen) => {
    const status = known.get(seen.serverId);
    return status !== undefined && status !== 'NOT_STARTED' && LAUNCH_PROGRESS[seen.launchStatus] < LAUNCH_PROGRESS[status];
  });
};

const hasChanged = (known: ServerState, seen: ServerObservation): boolean =>
  known.launchStatus !== seen.launchStatus ||
  (seen.recoveryInstanceId !== undefined && seen.recoveryInstanceId !== known.recoveryInstanceId) ||
  (seen.failureReason !== undefined && seen.failureReason !== known.failureReason) ||
  (seen.hostname !== undefined && seen.hostname !== known.hostname);

/** Fails the wave and the execution together: a failed wave never lets a later wave start. */
const failWave = (recorder: EventRecorder, waveNumber: number, reason: string, failedServers: ServerObservation[]): void => {
  recorder.emit('WaveFailed', { waveNumber, reason, failedServers }, SYSTEM_ACTOR);
  recorder.emit('ExecutionFailed', { reason: `Wave ${waveNumber} failed: ${reason}`, waveNumber }, SYSTEM_ACTOR);
};

const asObservation = (server: ServerState): ServerObservation => ({
  serverId: server.serverId,
  launchStatus: server.launchStatus === 'NOT_STARTED' ? 'PENDING' : server.launchStatus,
  ...(server.recoveryInstanceId === undefined ? {} : { recoveryInstanceId: server.recoveryInstanceId }),
  ...(server.failureReason === undefined ? {} : { failureReason: server.failureReason }),
});

/** A wave is over when its job completed or every server reached a final launch status. */
const concludeWave = (recorder: EventRecorder, waveNumber: number): void => {
  const state = recorder.state;
  if (state.status !== 'RUNNING') return;
  const wave = findWave(state, waveNumber);
  if (!wave || wave.status !== 'IN_PROGRESS') return;
  const everyServerFinal = wave.servers.every(
    (server) => server.launchStatus !== 'NOT_STARTED' && isFinalLaunchStatus(server.launchStatus),
  );
  if (wave.drsJobStatus !== 'COMPLETED' && !everyServerFinal) return;
  const notLaunched = wave.servers.filter((server) => server.launchStatus !== 'LAUNCHED');
  if (notLaunched.length === 0) {
    recorder.emit('WaveCompleted', { waveNumber }, SYSTEM_ACTOR);
    advanceAtBoundary(recorder);
    return;
  }
  const failed = notLaunched.filter(
    (server) => server.launchStatus !== 'NOT_STARTED' && isFailedLaunchStatus(server.launchStatus),
  );
  const reason = failed.length
    ? `${failed.length} of ${wave.servers.length} servers failed to launch (${failed.map((s) => `${s.serverId} ${s.launchStatus}${s.failureReason ? `: ${s.failureReason}` : ''}`).join('; ')})`
    : `DRS job ${wave.drsJobId} completed without launching ${notLaunched.map((s) => s.serverId).join(', ')}`;
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
  recorder.emit(
    'ExecutionStarted',
    {
      plan: command.plan,
      executionType: command.executionType,
      initiatedBy: command.initiatedBy,
      ...(command.accountContext ? { accountContext: command.accountContext } : {}),
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
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('StateMachineAttached', { executionArn: command.executionArn }, SYSTEM_ACTOR);
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
  if (wave?.status === 'IN_PROGRESS' && wave.drsJobId === command.drsJobId) return nothing;
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  const unknown = unknownServers(wave, command.servers);
  if (unknown.length) return reject(invalidCommand(state, `DRS job ${command.drsJobId} names servers outside wave ${wave.waveNumber}: ${unknown.join(', ')}`));
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('WaveStarted', { waveNumber: command.waveNumber, drsJobId: command.drsJobId, servers: command.servers }, SYSTEM_ACTOR);
  // A cancel that arrived while the job was being started takes effect now that the job is on record.
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const recordWaveStartFailure = (state: StartedExecution, command: RecordWaveStartFailure): Decision => {
  if (!isActive(state)) return reject(invalidState('record a wave start failure for', state, ['RUNNING', 'PAUSED']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  const recorder = new EventRecorder(state, command.at);
  const { waveNumber, error, retryable } = command;
  recorder.emit('WaveStartFailed', { waveNumber, attempt: wave.startAttempts, error, retryable }, SYSTEM_ACTOR);
  if (!retryable || wave.startAttempts >= MAX_WAVE_START_ATTEMPTS) {
    const why = retryable ? `after ${wave.startAttempts} attempts` : 'not retryable';
    failWave(recorder, waveNumber, `DRS StartRecovery failed (${why}): ${error.code}: ${error.message}`, []);
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
    at: command.at,
  });
};

const observeWave = (state: StartedExecution, command: ObserveWave): Decision => {
  if (state.status !== 'RUNNING') return reject(invalidState('poll', state, ['RUNNING']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'IN_PROGRESS') return reject(waveNotIn(state, command.waveNumber, 'IN_PROGRESS', wave));
  const unknown = unknownServers(wave, command.servers);
  if (unknown.length) return reject(invalidCommand(state, `Observation names servers outside wave ${wave.waveNumber}: ${unknown.join(', ')}`));
  const known = new Map(wave.servers.map((server) => [server.serverId, server]));
  const changed = command.servers.filter((seen) => hasChanged(known.get(seen.serverId) as ServerState, seen));
  const recorder = new EventRecorder(state, command.at);
  if (!isStale(wave, command) && (changed.length || wave.drsJobStatus !== command.drsJobStatus)) {
    recorder.emit('WavePolled', { waveNumber: wave.waveNumber, drsJobStatus: command.drsJobStatus, servers: changed }, SYSTEM_ACTOR);
  }
  concludeWave(recorder, wave.waveNumber);
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
  const reason = command.reason === undefined ? {} : { reason: command.reason };
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
  recorder.emit('ExecutionFailed', { reason: command.reason }, SYSTEM_ACTOR);
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
    recorder.emit('NotificationFailed', { forSeq: command.forSeq, error: command.outcome.error }, SYSTEM_ACTOR);
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

