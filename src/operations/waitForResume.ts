import type { OperationDeps } from './deps';
import type { ExecutionRef } from './inputs';
import { loadExecution } from './loadExecution';
import { deliverResume } from './reactions/deliverResume';
import { ok, type OperationResponse } from './responses';

export interface WaitForResumeInput extends ExecutionRef {
  taskToken: string;
}

/** Step Functions' wait-for-resume tokens live as long as the task's TimeoutSeconds (7 days). */
const TOKEN_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/**
 * wait_for_resume (internal, from the state machine's waitForTaskToken step): keep the token for resume.
 * If the execution was resumed (or ended) before the token arrived, release the state machine at once.
 */
export const waitForResume = async (deps: OperationDeps, input: WaitForResumeInput): Promise<OperationResponse> => {
  const found = await loadExecution(deps, input.executionId, input.planId);
  if (!found.ok) return found.response;
  const expiresAt = new Date(Date.parse(deps.now()) + TOKEN_LIFETIME_MS).toISOString();
  await deps.resumeTokens.put(input.executionId, input.taskToken, expiresAt);
  // Token first, then state: whichever of resume and this runs second sees the other's write.
  const { state } = await deps.store.load(input.executionId);
  const waiting = state.status === 'PAUSED';
  if (!waiting) await deliverResume(deps, input.executionId);
  return ok({ executionId: input.executionId, status: state.status, waiting });
};
