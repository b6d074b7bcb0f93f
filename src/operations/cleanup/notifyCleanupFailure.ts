import type { EventOf } from '../../domain/execution';
import { fitSnsSubject } from '../../domain/notification';
import { boundText, revealInvisible } from '../../domain/text';
import type { LoadedExecution } from '../../ports/executionEventStore';
import type { OperationDeps } from '../deps';

/** Instance ids quoted in the message; the ledger and the report name them all. */
const QUOTED_INSTANCES = 20;
/** The message stays far below SNS's 256 KB whatever DRS said. */
const MAX_MESSAGE_BYTES = 4096;

/**
 * Tells the outcome topic that a drill's cleanup failed, once per recorded failure (only its writer calls this).
 * A failed publish is logged, not retried: the failure itself is in the ledger, and the next one is told again.
 */
export const notifyCleanupFailure = async (
  deps: OperationDeps,
  loaded: LoadedExecution,
  failed: EventOf<'CleanupFailed'>,
): Promise<void> => {
  const notifier = await deps.notifier();
  if (!notifier) return;
  const state = loaded.state;
  if (state.status === 'NOT_STARTED') return;
  const ids = failed.data.recoveryInstanceIds ?? [];
  const quoted =
    ids.slice(0, QUOTED_INSTANCES).join(', ') + (ids.length > QUOTED_INSTANCES ? `, and ${ids.length - QUOTED_INSTANCES} more` : '');
  const message = boundText(
    revealInvisible(
      `The cleanup of DRILL ${state.executionId} of plan "${state.planName}" (${state.planId}) failed ` +
        `(attempt ${failed.data.attempt}): ${failed.data.error.code}: ${failed.data.error.message}.` +
        (ids.length ? `\nRecovery instances still running: ${quoted}.` : '') +
        (failed.data.abandoned
          ? `\nThe cleanup is ABANDONED after ${failed.data.attempt} attempts: terminate the instances by hand (seq ${failed.seq}).`
          : `\nThe next attempt is due at ${failed.data.nextAttemptAt}; the ledger records each one (seq ${failed.seq}).`),
    ),
    MAX_MESSAGE_BYTES,
  );
  try {
    await notifier.publish({
      subject: fitSnsSubject(`DRS drill cleanup ${failed.data.abandoned ? 'ABANDONED' : 'FAILED'}: ${state.planName}`),
      message,
      attributes: { executionId: state.executionId, planId: state.planId, status: 'CLEANUP_FAILED' },
    });
  } catch (error) {
    deps.log.warn('Cleanup failure notification failed', { executionId: state.executionId, error: String(error) });
  }
};
