import { type EventOf, TERMINAL_STATUSES } from '../src/domain/execution';
import { boundText } from '../src/domain/text';
import type { CleanupView, ExecutionView } from './executionView';

type CleanupEvent = EventOf<
  'CleanupStarted' | 'RecoveryInstancesTerminationRequested' | 'RecoveryInstancesGone' | 'CleanupFailed' | 'CleanupCompleted'
>;

/** The view keeps the last failure's words this short: the ledger and the report keep them whole. */
const LAST_ERROR_BYTES = 256;

/** Recovery instances the view knows of: one per server whose launch DRS reported (the report names each). */
const launchedInstances = (view: ExecutionView): number =>
  new Set(view.serverExecutions.flatMap((server) => (server.recoveryInstanceId ? [server.recoveryInstanceId] : []))).size;

/**
 * A drill's cleanup as counts: the instance ids are in the ledger, never in the view's header. `terminated` counts
 * the instances recorded gone, `remaining` those launched and not yet recorded gone (0 once the cleanup completed).
 */
export const withCleanup = (view: ExecutionView, event: CleanupEvent): ExecutionView => {
  if (event.type === 'CleanupStarted') {
    const cleanup: CleanupView = {
      status: 'WAITING',
      dueAt: event.data.dueAt,
      keepAliveMinutes: event.data.keepAliveMinutes,
      attempts: 0,
      failures: 0,
      terminated: 0,
      remaining: launchedInstances(view),
    };
    return { ...view, cleanup };
  }
  const current = view.cleanup;
  if (!current) return view;
  switch (event.type) {
    case 'RecoveryInstancesTerminationRequested': {
      const { nextAttemptAt: _retried, ...rest } = current;
      return { ...view, cleanup: { ...rest, status: 'TERMINATING', attempts: Math.max(current.attempts, event.data.attempt) } };
    }
    case 'RecoveryInstancesGone': {
      const terminated = current.terminated + event.data.recoveryInstanceIds.length;
      return { ...view, cleanup: { ...current, terminated, remaining: Math.max(0, launchedInstances(view) - terminated) } };
    }
    case 'CleanupFailed':
      return {
        ...view,
        cleanup: {
          ...current,
          status: 'FAILED',
          attempts: Math.max(current.attempts, event.data.attempt),
          failures: current.failures + 1,
          nextAttemptAt: event.data.nextAttemptAt,
          lastError: boundText(`${event.data.error.code}: ${event.data.error.message}`, LAST_ERROR_BYTES),
          ...(event.data.abandoned ? { abandoned: true } : {}),
        },
      };
    case 'CleanupCompleted': {
      const { nextAttemptAt: _done, ...rest } = current;
      const { instancesTerminated, instancesAlreadyGone } = event.data;
      return {
        ...view,
        cleanup: {
          ...rest,
          status: 'COMPLETED',
          terminated: instancesTerminated + instancesAlreadyGone,
          remaining: 0,
          completedAt: event.occurredAt,
        },
      };
    }
  }
};

/**
 * Whether find must visit the execution for its cleanup: started and not completed, or an ended DRILL whose
 * cleanup was never started (its writer died between the end and CleanupStarted: find starts it).
 */
export const cleanupPending = (view: Pick<ExecutionView, 'cleanup' | 'executionType' | 'status'>): boolean =>
  view.cleanup
    ? view.cleanup.status !== 'COMPLETED' && view.cleanup.abandoned !== true
    : view.executionType === 'DRILL' && TERMINAL_STATUSES.includes(view.status);
