import { createHash } from 'node:crypto';
import type { ResumeDelivery } from '../../ports/workflow';
import type { OperationDeps } from '../deps';

/** What the ledger keeps of a task token: its SHA-256, never the token (a credential). */
export const tokenDigest = (taskToken: string): string => createHash('sha256').update(taskToken, 'utf8').digest('hex');

/**
 * Hands the waiting state machine its resume, if it is waiting; the token is spent either way. Only the token
 * whose SHA-256 the ledger attached to the latest pause is redeemed: the function never sends SendTaskSuccess
 * with a token the ledger does not vouch for (no confused deputy).
 */
export const deliverResume = async (deps: OperationDeps, executionId: string): Promise<ResumeDelivery | undefined> => {
  const token = await deps.resumeTokens.get(executionId);
  if (!token) return undefined;
  const { state } = await deps.store.load(executionId);
  const attached = state.status === 'NOT_STARTED' ? undefined : state.resumeTokenSha256;
  if (attached === undefined || attached !== tokenDigest(token)) {
    deps.log.warn('A kept task token is not the one the ledger attached to the pause; it is discarded, never redeemed', {
      executionId,
      attached: attached !== undefined,
    });
    await deps.resumeTokens.remove(executionId, token);
    // Whatever waits on the real token is now out of reach: the execution goes on, detached, driven by find.
    return { ok: false, reason: 'InvalidToken', message: 'The kept task token is not the one the ledger attached to the pause' };
  }
  const workflow = await deps.workflow();
  if (!workflow) return undefined;
  const delivery = await workflow.sendResume(token, { executionId, resumed: true });
  await deps.resumeTokens.remove(executionId, token);
  if (!delivery.ok)
    deps.log.warn('State machine could not be resumed; the scheduled find drives the execution', { reason: delivery.reason });
  return delivery;
};
