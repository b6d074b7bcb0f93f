import { Completed, ExecutionState, serverTotals, formatDuration } from '../domain/execution';
import type { LoadedExecution } from '../ports/executionEventStore';
import type { OperationDeps } from './deps';
import { handleCommand } from './handleCommand';
import { loadExecution } from './loadExecution';
import { react } from './reactions/react';
import { settleTerminal, settlingLost } from './reactions/settleOutcome';
import { fromRejection, ok, OperationResponse } from './responses';

export interface ExecutionRef {
  executionId: string;
  planId: string;
}

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
 * Appends Finalized (or nothing when already COMPLETED) and settles the end; shared by finalize and poll.
 * Answers the response and the state reached.
 */
export const finishExecution = async (
  deps: OperationDeps,
  executionId: string,
  preloaded?: LoadedExecution,
): Promise<{ response: OperationResponse; state: ExecutionState }> => {
  const outcome = await handleCommand(deps.store, executionId, () => ({ type: 'Finalize', at: deps.now() }), {
    ...(preloaded ? { preloaded } : {}),
  });
  if (!outcome.ok) return { response: fromRejection(executionId, outcome.rejection), state: outcome.state };
  const state = await react(deps, outcome);
  if (state.status !== 'COMPLETED') throw new Error(`Execution ${executionId} finalized but is ${state.status}`);
  // A repeated finalize appends nothing, but still repairs a notification a crash left unsent.
  if (outcome.appended.length === 0 && settlingLost(state, deps.now())) {
    await settleTerminal(deps, state, { state, headHash: outcome.headHash });
  }
  return { response: ok(completionSummary(state)), state };
};

export const completeExecution = async (
  deps: OperationDeps,
  executionId: string,
  preloaded?: LoadedExecution,
): Promise<OperationResponse> => (await finishExecution(deps, executionId, preloaded)).response;

/** finalize: idempotent; refuses while a wave is still running. */
export const finalize = async (deps: OperationDeps, input: ExecutionRef): Promise<OperationResponse> => {
  const found = await loadExecution(deps, input.executionId, input.planId);
  if (!found.ok) return found.response;
  return completeExecution(deps, input.executionId, found.loaded);
};
