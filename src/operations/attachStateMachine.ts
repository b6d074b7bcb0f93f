import { executionArnFor, runName } from '../ports/workflow';
import type { OperationDeps } from './deps';
import type { ExecutionRef } from './inputs';
import { failure, ok, type OperationResponse } from './responses';
import { runCommand } from './runCommand';

export interface AttachStateMachineInput extends ExecutionRef {
  /** The run's own ARN ($$.Execution.Id). */
  executionArn: string;
  /** How many times the state machine continued as new before this run. */
  generation: number;
}

/**
 * attach_state_machine (internal, the first step of a run the state machine continued as new): records the
 * run in the ledger (StateMachineAttached), so that cancel stops this run and not the one that handed over.
 * Only the run this execution's state machine would name so is accepted: the ARN is derived from the
 * executionId and generation, never taken on trust. A late or repeated attach of an older run changes nothing.
 */
export const attachStateMachine = async (deps: OperationDeps, input: AttachStateMachineInput): Promise<OperationResponse> => {
  const { stateMachineArn } = deps.config;
  if (!stateMachineArn) return failure(400, 'INVALID_STATE', 'No state machine is configured: there is nothing to attach');
  const expected = executionArnFor(stateMachineArn, runName(input.executionId, input.generation));
  if (input.executionArn !== expected) {
    return failure(
      400,
      'INVALID_PARAMETERS',
      `executionArn must be ${expected}: the run of generation ${input.generation} of this execution`,
    );
  }
  const run = await runCommand(deps, input, (at) => ({
    type: 'AttachStateMachine',
    executionArn: input.executionArn,
    generation: input.generation,
    at,
  }));
  if (!run.ok) return run.response;
  const { state } = run;
  if (state.status === 'NOT_STARTED') return failure(404, 'EXECUTION_NOT_FOUND', `Execution not found: ${input.executionId}`);
  const attached = state.executionArn === input.executionArn;
  if (run.outcome.appended.length > 0) deps.log.info('State machine continued as new', { generation: input.generation });
  else if (!attached)
    deps.log.warn('An older state machine run was not attached', {
      generation: input.generation,
      attachedGeneration: state.stateMachineGeneration ?? 0,
    });
  return ok({
    executionId: input.executionId,
    planId: state.planId,
    status: state.status,
    attached,
    executionArn: state.executionArn,
    generation: state.stateMachineGeneration ?? 0,
  });
};
