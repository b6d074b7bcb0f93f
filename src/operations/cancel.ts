import type { OperationDeps } from './deps';
import type { OperatorInput } from './pause';
import { handleCommand } from './handleCommand';
import { loadExecution } from './loadExecution';
import { react } from './reactions/react';
import { fromRejection, ok, OperationResponse } from './responses';

/**
 * cancel: RUNNING or PAUSED -> CANCELLED; no further wave starts, and the state machine is stopped with
 * its real execution ARN. A wave whose DRS job is being started is recorded first, then cancelled.
 */
export const cancel = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  const found = await loadExecution(deps, input.executionId, input.planId);
  if (!found.ok) return found.response;
  const requestedAt = deps.now();
  const outcome = await handleCommand(
    deps.store,
    input.executionId,
    () => ({
      type: 'RequestCancel',
      requestedBy: input.requestedBy,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      at: requestedAt,
    }),
    { preloaded: found.loaded },
  );
  if (!outcome.ok) return fromRejection(input.executionId, outcome.rejection);
  const state = await react(deps, outcome);
  if (state.status === 'CANCELLED') {
    return ok({
      executionId: input.executionId,
      status: 'CANCELLED',
      cancelledAt: state.endTime,
      cancelledBy: state.cancelledBy,
      currentWave: state.currentWave,
      message: `Execution cancelled; no further wave will start`,
    });
  }
  return ok({
    executionId: input.executionId,
    status: 'CANCELLING',
    executionStatus: state.status,
    requestedAt,
    currentWave: state.status === 'NOT_STARTED' ? 0 : state.currentWave,
    message: 'Cancel requested: the wave being started in DRS is recorded first, then the execution is cancelled',
  });
};
