import { attachStateMachine } from '../operations/attachStateMachine';
import { cancel } from '../operations/cancel';
import type { OperationDeps } from '../operations/deps';
import { finalize } from '../operations/finalize';
import { find } from '../operations/find';
import { getExecutionDetails } from '../operations/getExecutionDetails';
import { pause } from '../operations/pause';
import { poll } from '../operations/poll';
import { failure, OperationResponse } from '../operations/responses';
import { resume } from '../operations/resume';
import { startExecution } from '../operations/startExecution';
import { waitForResume } from '../operations/waitForResume';
import type { OperationInput, OperationName } from './requestSchemas';

/** Who an operator request is recorded as, when the caller does not say. */
export const UNIDENTIFIED_CALLER = 'unidentified-caller';

const operatorOf = (input: OperationInput<'pause'>) => ({
  executionId: input.executionId,
  planId: input.planId,
  requestedBy: input.requestedBy ?? input.initiatedBy ?? UNIDENTIFIED_CALLER,
  ...(input.reason === undefined ? {} : { reason: input.reason }),
});

/** Runs a validated request. `functionName` is this function's own, for find's self-invocations. */
export const dispatch = async (
  deps: OperationDeps,
  operation: OperationName,
  input: Record<string, unknown>,
  functionName: string,
): Promise<OperationResponse> => {
  switch (operation) {
    case 'find':
      return find(deps, functionName);
    case 'poll':
      return poll(deps, input as OperationInput<'poll'>);
    case 'finalize':
      return finalize(deps, input as OperationInput<'finalize'>);
    case 'pause':
      return pause(deps, operatorOf(input as OperationInput<'pause'>));
    case 'resume':
      return resume(deps, operatorOf(input as OperationInput<'resume'>));
    case 'cancel':
      return cancel(deps, operatorOf(input as OperationInput<'cancel'>));
    case 'wait_for_resume':
      return waitForResume(deps, input as OperationInput<'wait_for_resume'>);
    case 'attach_state_machine':
      return attachStateMachine(deps, input as OperationInput<'attach_state_machine'>);
    case 'get_execution_details': {
      const details = input as OperationInput<'get_execution_details'>;
      const planId = details.queryParams?.planId ?? details.planId;
      return getExecutionDetails(deps, { executionId: details.executionId, ...(planId ? { planId } : {}) });
    }
    case 'start_execution': {
      const start = input as OperationInput<'start_execution'>;
      const roleName = start.accountContext?.roleName;
      if (roleName !== undefined && roleName !== deps.config.crossAccountRoleName) {
        return failure(400, 'INVALID_PARAMETERS', `accountContext.roleName must be ${deps.config.crossAccountRoleName}`);
      }
      return startExecution(deps, {
        planId: start.planId,
        executionType: start.executionType as 'DRILL' | 'RECOVERY',
        initiatedBy: start.initiatedBy,
        ...(start.accountContext ? { accountContext: start.accountContext } : {}),
      });
    }
  }
};
