import type { OperationDeps } from './deps';
import type { OperatorInput } from './inputs';
import { failure, ok, type OperationResponse } from './responses';
import { runCommand } from './runCommand';

/**
 * decline: an approver refuses the wave a pause waits for. ApprovalDeclined (principal, comment, ticket) is
 * recorded, then the execution is cancelled; an attempt by someone the plan does not name is recorded and refused.
 */
export const decline = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  if (input.comment === undefined) return failure(400, 'MISSING_PARAMETERS', 'Missing required parameters: comment');
  const { comment } = input;
  const run = await runCommand(deps, input, (at) => ({
    type: 'Decline',
    requestedBy: input.requestedBy,
    ...(input.identity ? { identity: input.identity } : {}),
    comment,
    ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
    ...(input.waveNumber === undefined ? {} : { waveNumber: input.waveNumber }),
    at,
  }));
  if (!run.ok) return run.response;
  const { state } = run;
  return ok({
    executionId: input.executionId,
    status: state.status === 'CANCELLED' ? 'CANCELLED' : 'CANCELLING',
    executionStatus: state.status,
    declinedBy: input.identity?.principal ?? input.requestedBy,
    comment,
    ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
    message: 'Approval declined: the execution is cancelled and no further wave will start',
  });
};
