import { type Completed, formatDuration, serverTotals } from '../domain/execution';
import type { LoadedExecution } from '../ports/executionEventStore';
import type { OperationDeps } from './deps';
import { handleCommand } from './handleCommand';
import { react } from './reactions/react';
import { fromRejection, ok, type OperationResponse } from './responses';

export const completionSummary = (state: Completed): Record<string, unknown> => ({
  executionId: state.executionId,
  planId: state.planId,
  status: state.status,
  ...serverTotals(state),
  startTime: state.startTime,
  endTime: state.endTime,
  duration: formatDuration(state.durationSeconds),
  durationSeconds: state.durationSeconds,
});

/**
 * Appends Finalized onto `loaded` (or nothing when already COMPLETED) and settles the end: finalize's whole
 * work, and poll's when the last wave completes. A repeated finalize appends nothing but still repairs a
 * notification a crash left unsent. Answers the response and the stream reached.
 */
export const finishExecution = async (
  deps: OperationDeps,
  loaded: LoadedExecution,
): Promise<{ response: OperationResponse; loaded: LoadedExecution }> => {
  const outcome = await handleCommand(deps, loaded, () => ({ type: 'Finalize', at: deps.now() }));
  if (!outcome.ok) return { response: fromRejection(loaded.executionId, outcome.rejection), loaded: outcome.loaded };
  const reached = await react(deps, outcome);
  const { state } = reached;
  if (state.status !== 'COMPLETED') throw new Error(`Execution ${loaded.executionId} finalized but is ${state.status}`);
  return { response: ok(completionSummary(state)), loaded: reached };
};
