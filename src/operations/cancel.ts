import type { OperationDeps } from './deps';
import type { OperatorInput } from './inputs';
import { ok, type OperationResponse } from './responses';
import { runCommand } from './runCommand';

/**
 * cancel: RUNNING or PAUSED -> CANCELLED; no further wave starts, and the state machine is stopped with
 * its real execution ARN. A wave whose DRS job is being started is recorded first, then cancelled (CANCELLING).
 * A decision another driver began and the cancel's command finished may end the execution otherwise first: the
 * answer is then that end.
 */
export const cancel = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  const run = await runCommand(deps, input, (at) => ({
    type: 'RequestCancel',
    requestedBy: input.requestedBy,
    ...(input.identity ? { identity: input.identity } : {}),
    ...(input.simulated === true ? { simulated: true } : {}),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    at,
  }));
  if (!run.ok) return run.response;
  const { state } = run;
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
  // The cancel's own command finished a decision another writer had begun (a wave's failure recorded, the end
  // not yet): the execution ended otherwise, and the answer says so rather than promising a cancel.
  if (state.status === 'FAILED' || state.status === 'COMPLETED') {
    return ok({
      executionId: input.executionId,
      status: state.status,
      executionStatus: state.status,
      endedAt: state.endTime,
      currentWave: state.currentWave,
      message: `The execution ended ${state.status} before the cancel could take effect; nothing is left to cancel`,
    });
  }
  return ok({
    executionId: input.executionId,
    status: 'CANCELLING',
    executionStatus: state.status,
    requestedAt: state.status === 'NOT_STARTED' ? undefined : state.cancelRequest?.requestedAt,
    currentWave: state.status === 'NOT_STARTED' ? 0 : state.currentWave,
    message: 'Cancel requested: the wave being started in DRS is recorded first, then the execution is cancelled',
  });
};
