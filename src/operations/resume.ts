import type { ResumeDelivery } from '../ports/workflow';
import type { OperationDeps } from './deps';
import type { OperatorInput } from './pause';
import { ok, OperationResponse } from './responses';
import { runCommand } from './runCommand';

/** Hands the waiting state machine its resume, if it is waiting; the token is spent either way. */
export const deliverResume = async (deps: OperationDeps, executionId: string): Promise<ResumeDelivery | undefined> => {
  const token = await deps.resumeTokens.get(executionId);
  if (!token) return undefined;
  const workflow = await deps.workflow();
  if (!workflow) return undefined;
  const delivery = await workflow.sendResume(token, { executionId, resumed: true });
  await deps.resumeTokens.remove(executionId, token);
  if (!delivery.ok) deps.log.warn('State machine could not be resumed; the scheduled find drives the execution', { reason: delivery.reason });
  return delivery;
};

/**
 * resume: ExecutionResumed goes into the ledger first (one writer wins), then the waiting state machine
 * is released and the next wave launched. An expired token does not strand the execution: find keeps
 * polling RUNNING executions, and the response says the state machine is detached.
 */
export const resume = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  const run = await runCommand(deps, input, (at) => ({ type: 'Resume', resumedBy: input.requestedBy, at }));
  if (!run.ok) return run.response;
  const delivery = await deliverResume(deps, input.executionId);
  const { state } = run;
  const resumedAt = run.outcome.appended[0]?.event.occurredAt;
  const nextWave = state.status === 'NOT_STARTED' ? 0 : state.currentWave;
  return ok({
    executionId: input.executionId,
    status: 'RUNNING',
    executionStatus: state.status,
    currentWave: nextWave,
    resumedAt,
    resumedBy: input.requestedBy,
    message: `Execution resumed, starting wave ${nextWave}`,
    ...(delivery && !delivery.ok
      ? {
          stateMachine: 'DETACHED',
          warning: {
            error: delivery.reason === 'TaskTimedOut' ? 'TASK_TOKEN_EXPIRED' : 'TASK_TOKEN_INVALID',
            message: `${delivery.message}. The execution continues, driven by the scheduled poller.`,
          },
        }
      : {}),
  });
};
