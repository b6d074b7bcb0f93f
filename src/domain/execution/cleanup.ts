import type { CompleteCleanup, RecordCleanupFailure, RecordInstancesGone, RecordTerminationRequested, StartCleanup } from './commands';
import { boundText, utf8Length } from '../text';
import { MAX_CLEANUP_FAILURES_PER_STREAK, MAX_CLEANUP_STREAKS } from './cleanupFold';
import { EventRecorder } from './eventRecorder';
import type { ExecutionEvent } from './events';
import { invalidCommand, invalidState, type Rejection } from './rejections';
import { type CleanupState, type ExecutionState, isTerminal, type StartedExecution } from './state';
import { SYSTEM_ACTOR } from './vocabulary';
import { MAX_REASON_BYTES } from './waveBoundary';

/**
 * A drill's cleanup: after a DRILL ends (and its keep-alive passes), the recovery instances its DRS jobs launched are
 * terminated and confirmed gone, each step an annotation after the end that never changes the execution's status.
 * A RECOVERY's instances are the recovered workload: no cleanup command is ever accepted for one.
 */

/** TerminateRecoveryInstances takes 200 ids a call; an event names at most as many (its item stays small). */
export const MAX_INSTANCES_PER_CLEANUP_EVENT = 200;
/** A termination not confirmed (DRS still lists the instance, not TERMINATED) within this is a failure. */
export const CLEANUP_CONFIRM_WITHIN_MS = 10 * 60_000;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 30 * 60_000;
/** The pause after a streak of failures: the cleanup keeps trying, less often. */
export const CLEANUP_STREAK_PAUSE_MS = 60 * 60_000;
/** Ids of recovery instances and DRS jobs as DRS gives them; anything else is refused, never recorded. */
const DRS_ID = /^[\w.:-]{1,128}$/;

type Outcome = { ok: true; events: ExecutionEvent[]; states: ExecutionState[] } | { ok: false; rejection: Rejection };
const accept = (recorder: EventRecorder): Outcome => ({ ok: true, events: recorder.events, states: recorder.states });
const reject = (rejection: Rejection): Outcome => ({ ok: false, rejection });
const nothing: Outcome = { ok: true, events: [], states: [] };

/** When a DRILL that ended at `endTime` with this keep-alive may be cleaned up. */
export const cleanupDueAt = (endTime: string, keepAliveMinutes: number): string =>
  new Date(Date.parse(endTime) + keepAliveMinutes * 60_000).toISOString();

/** Whether a driver should act on the cleanup now: started, not completed, past its keep-alive and any backoff. */
export const cleanupActionable = (cleanup: CleanupState | undefined, now: string): boolean => {
  if (!cleanup || cleanup.status === 'COMPLETED' || cleanup.abandoned) return false;
  if (Date.parse(now) < Date.parse(cleanup.dueAt)) return false;
  return cleanup.status !== 'FAILED' || cleanup.nextAttemptAt === undefined || Date.parse(now) >= Date.parse(cleanup.nextAttemptAt);
};

/** Whether the termination last requested has had its time to be confirmed. */
export const confirmationOverdue = (cleanup: CleanupState, now: string): boolean =>
  cleanup.status === 'TERMINATING' &&
  cleanup.requestedAt !== undefined &&
  Date.parse(now) - Date.parse(cleanup.requestedAt) >= CLEANUP_CONFIRM_WITHIN_MS;

/** The backoff after failure number `streak` (1-based) of a streak, spread by `jitter` (0..1) over its upper half. */
export const cleanupRetryDelayMs = (streak: number, jitter: number): number => {
  const spread = Math.min(Math.max(jitter, 0), 1);
  if (streak >= MAX_CLEANUP_FAILURES_PER_STREAK) return CLEANUP_STREAK_PAUSE_MS * (1 + spread / 4);
  const delay = Math.min(FIRST_RETRY_MS * 2 ** (streak - 1), MAX_RETRY_MS);
  return delay / 2 + (delay / 2) * spread;
};

const badIds = (ids: readonly string[]): string[] => ids.filter((id) => typeof id !== 'string' || !DRS_ID.test(id)).slice(0, 3);

const started = (state: StartedExecution, verb: string): Rejection | CleanupState => {
  if (!isTerminal(state)) return invalidState(verb, state, ['COMPLETED', 'FAILED', 'CANCELLED']);
  if (!state.cleanup) return invalidCommand(state, `Cannot ${verb} execution ${state.executionId}: its cleanup has not started`);
  return state.cleanup;
};
const isRejection = (value: Rejection | CleanupState): value is Rejection => 'kind' in value;

export const startCleanup = (state: StartedExecution, command: StartCleanup): Outcome => {
  if (state.executionType !== 'DRILL') {
    return reject(
      invalidCommand(state, `Execution ${state.executionId} is a ${state.executionType}: its recovery instances are never terminated`),
    );
  }
  if (!isTerminal(state)) return reject(invalidState('clean up', state, ['COMPLETED', 'FAILED', 'CANCELLED']));
  if (state.cleanup) return nothing;
  const keepAliveMinutes = state.keepAliveMinutes ?? 0;
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('CleanupStarted', { dueAt: cleanupDueAt(state.endTime, keepAliveMinutes), keepAliveMinutes }, SYSTEM_ACTOR);
  return accept(recorder);
};

export const recordTerminationRequested = (state: StartedExecution, command: RecordTerminationRequested): Outcome => {
  const cleanup = started(state, 'terminate the recovery instances of');
  if (isRejection(cleanup)) return reject(cleanup);
  // A request DRS was sent by a second driver while the first completed the cleanup is recorded all the same:
  // every TERMINATE job DRS ran is on record. It leaves the cleanup complete (see cleanupFold).
  if (Date.parse(command.at) < Date.parse(cleanup.dueAt)) {
    return reject(invalidCommand(state, `The recovery instances of execution ${state.executionId} are kept alive until ${cleanup.dueAt}`));
  }
  const { recoveryInstanceIds, drsJobIds } = command;
  if (recoveryInstanceIds.length === 0 || recoveryInstanceIds.length > MAX_INSTANCES_PER_CLEANUP_EVENT) {
    return reject(
      invalidCommand(
        state,
        `A termination names 1 to ${MAX_INSTANCES_PER_CLEANUP_EVENT} recovery instances, not ${recoveryInstanceIds.length}`,
      ),
    );
  }
  if (drsJobIds.length > MAX_INSTANCES_PER_CLEANUP_EVENT) return reject(invalidCommand(state, 'A termination names too many DRS jobs'));
  const discovered = command.discovered ?? [];
  const bad = badIds([...recoveryInstanceIds, ...drsJobIds, ...discovered.flatMap((found) => [found.recoveryInstanceId, found.jobId])]);
  if (bad.length)
    return reject(invalidCommand(state, `Not DRS ids: ${bad.map((id) => JSON.stringify(boundText(String(id), 64))).join(', ')}`));
  const named = new Set(recoveryInstanceIds);
  const planServers = new Set(state.waves.flatMap((wave) => wave.servers.map((server) => server.serverId)));
  const stray = discovered.find((found) => !named.has(found.recoveryInstanceId) || !planServers.has(found.sourceServerId));
  if (stray) {
    return reject(
      invalidCommand(state, `Instance ${stray.recoveryInstanceId} is not one this request terminates for a server of the plan`),
    );
  }
  const attempt = cleanup.status === 'TERMINATING' ? cleanup.attempts : cleanup.attempts + 1;
  const recorder = new EventRecorder(state, command.at);
  recorder.emit(
    'RecoveryInstancesTerminationRequested',
    {
      attempt,
      recoveryInstanceIds: [...named],
      drsJobIds: [...new Set(drsJobIds)],
      ...(discovered.length
        ? { discovered: discovered.map(({ recoveryInstanceId, sourceServerId, jobId }) => ({ recoveryInstanceId, sourceServerId, jobId })) }
        : {}),
    },
    SYSTEM_ACTOR,
  );
  return accept(recorder);
};

export const recordInstancesGone = (state: StartedExecution, command: RecordInstancesGone): Outcome => {
  const cleanup = started(state, 'record recovery instances gone for');
  if (isRejection(cleanup)) return reject(cleanup);
  const ids = [...new Set(command.recoveryInstanceIds)];
  if (ids.length === 0) return nothing;
  const bad = badIds(ids);
  if (bad.length)
    return reject(invalidCommand(state, `Not DRS ids: ${bad.map((id) => JSON.stringify(boundText(String(id), 64))).join(', ')}`));
  const recorder = new EventRecorder(state, command.at);
  for (let start = 0; start < ids.length; start += MAX_INSTANCES_PER_CLEANUP_EVENT) {
    recorder.emit(
      'RecoveryInstancesGone',
      { recoveryInstanceIds: ids.slice(start, start + MAX_INSTANCES_PER_CLEANUP_EVENT) },
      SYSTEM_ACTOR,
    );
  }
  return accept(recorder);
};

export const recordCleanupFailure = (state: StartedExecution, command: RecordCleanupFailure): Outcome => {
  const cleanup = started(state, 'record a cleanup failure for');
  if (isRejection(cleanup)) return reject(cleanup);
  if (cleanup.status === 'COMPLETED') return reject(invalidCommand(state, `The cleanup of execution ${state.executionId} is complete`));
  if (cleanup.abandoned) return reject(invalidCommand(state, `The cleanup of execution ${state.executionId} was abandoned`));
  if (!(command.jitter >= 0 && command.jitter <= 1)) return reject(invalidCommand(state, 'jitter must be a number from 0 to 1'));
  const ids = command.recoveryInstanceIds === undefined ? undefined : [...new Set(command.recoveryInstanceIds)];
  const bad = badIds(ids ?? []);
  if (bad.length)
    return reject(invalidCommand(state, `Not DRS ids: ${bad.map((id) => JSON.stringify(boundText(String(id), 64))).join(', ')}`));
  const code = boundText(command.error.code, 256);
  const error = { code, message: boundText(command.error.message, MAX_REASON_BYTES - utf8Length(code) - 2) };
  const attempt = cleanup.status === 'TERMINATING' ? cleanup.attempts : cleanup.attempts + 1;
  const delay = cleanupRetryDelayMs(cleanup.failuresInStreak + 1, command.jitter);
  const nextAttemptAt = new Date(Date.parse(command.at) + delay).toISOString();
  const recorder = new EventRecorder(state, command.at);
  recorder.emit(
    'CleanupFailed',
    {
      attempt,
      error,
      // The first of them: the report and the ledger's later records name the rest.
      ...(ids?.length ? { recoveryInstanceIds: ids.slice(0, MAX_INSTANCES_PER_CLEANUP_EVENT) } : {}),
      nextAttemptAt,
      ...(cleanup.failures + 1 >= MAX_CLEANUP_STREAKS * MAX_CLEANUP_FAILURES_PER_STREAK ? { abandoned: true } : {}),
    },
    SYSTEM_ACTOR,
  );
  return accept(recorder);
};

export const completeCleanup = (state: StartedExecution, command: CompleteCleanup): Outcome => {
  const cleanup = started(state, 'complete the cleanup of');
  if (isRejection(cleanup)) return reject(cleanup);
  if (cleanup.status === 'COMPLETED') return nothing;
  const { instancesTerminated, instancesAlreadyGone } = command;
  if (![instancesTerminated, instancesAlreadyGone].every((count) => Number.isSafeInteger(count) && count >= 0)) {
    return reject(invalidCommand(state, 'Instance counts must be whole numbers from 0'));
  }
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('CleanupCompleted', { instancesTerminated, instancesAlreadyGone }, SYSTEM_ACTOR);
  return accept(recorder);
};
