import type { ExecutionEvent } from './events';
import type { CleanupState, ExecutionCore } from './state';

/** Failures retried with a growing backoff before a long pause (cleanup.ts); then a new streak begins. */
export const MAX_CLEANUP_FAILURES_PER_STREAK = 5;
/** Streaks of failures before the cleanup is abandoned (recorded, notified, no longer retried). */
export const MAX_CLEANUP_STREAKS = 3;

export type CleanupEvent = Extract<
  ExecutionEvent,
  { type: 'CleanupStarted' | 'RecoveryInstancesTerminationRequested' | 'RecoveryInstancesGone' | 'CleanupFailed' | 'CleanupCompleted' }
>;

/**
 * The cleanup as the event leaves it (the execution's status is untouched). The caller puts it on its one copy
 * of the state: returning a whole state from here would copy the state twice per event.
 */
export const cleanupAfter = (state: Pick<ExecutionCore, 'cleanup'>, event: CleanupEvent): CleanupState => {
  if (event.type === 'CleanupStarted') {
    return {
      status: 'WAITING',
      dueAt: event.data.dueAt,
      attempts: 0,
      failuresInStreak: 0,
      failures: 0,
      requested: 0,
      gone: 0,
    };
  }
  const current = state.cleanup;
  if (!current) throw new Error(`Execution ${event.executionId} has ${event.type} before CleanupStarted (seq ${event.seq})`);
  switch (event.type) {
    case 'RecoveryInstancesTerminationRequested': {
      const { nextAttemptAt: _retried, ...rest } = current;
      return {
        ...rest,
        // Late (another driver completed the cleanup meanwhile): on record, and the cleanup stays complete.
        status: current.status === 'COMPLETED' ? 'COMPLETED' : 'TERMINATING',
        attempts: Math.max(current.attempts, event.data.attempt),
        requestedAt: event.occurredAt,
        requested: current.requested + event.data.recoveryInstanceIds.length,
      };
    }
    case 'RecoveryInstancesGone':
      return { ...current, failuresInStreak: 0, gone: current.gone + event.data.recoveryInstanceIds.length };
    case 'CleanupFailed': {
      const streak = current.failuresInStreak + 1;
      return {
        ...current,
        status: 'FAILED',
        attempts: Math.max(current.attempts, event.data.attempt),
        failuresInStreak: streak >= MAX_CLEANUP_FAILURES_PER_STREAK ? 0 : streak,
        failures: current.failures + 1,
        nextAttemptAt: event.data.nextAttemptAt,
        ...(event.data.abandoned ? { abandoned: true } : {}),
      };
    }
    case 'CleanupCompleted': {
      const { nextAttemptAt: _done, ...rest } = current;
      return { ...rest, status: 'COMPLETED' };
    }
  }
};
