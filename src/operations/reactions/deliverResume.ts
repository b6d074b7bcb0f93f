import type { ResumeDelivery } from '../../ports/workflow';
import type { OperationDeps } from '../deps';

/** Hands the waiting state machine its resume, if it is waiting; the token is spent either way. */
export const deliverResume = async (deps: OperationDeps, executionId: string): Promise<ResumeDelivery | undefined> => {
  const token = await deps.resumeTokens.get(executionId);
  if (!token) return undefined;
  const workflow = await deps.workflow();
  if (!workflow) return undefined;
  const delivery = await workflow.sendResume(token, { executionId, resumed: true });
  await deps.resumeTokens.remove(executionId, token);
  if (!delivery.ok)
    deps.log.warn('State machine could not be resumed; the scheduled find drives the execution', { reason: delivery.reason });
  return delivery;
};
