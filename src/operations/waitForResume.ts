import type { OperationDeps } from './deps';
import type { ExecutionRef } from './inputs';
import { loadExecution } from './loadExecution';
import { handleCommand } from './handleCommand';
import { deliverResume, tokenDigest } from './reactions/deliverResume';
import { react } from './reactions/react';
import { failure, ok, type OperationResponse } from './responses';
import { runCommand } from './runCommand';

export interface WaitForResumeInput extends ExecutionRef {
  taskToken: string;
}

/** Step Functions' wait-for-resume tokens live as long as the task's TimeoutSeconds (7 days). */
const TOKEN_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/**
 * The attached token this one may replace: only one no task waits on any more (its wait timed out, or the state
 * machine was restarted and waits again with a new token). While the first waiter lives, nothing replaces it.
 */
const deadTokenToReplace = async (deps: OperationDeps, executionId: string, attached: string): Promise<string | undefined> => {
  const kept = await deps.resumeTokens.get(executionId);
  // The kept token is the attached one unless a crash came between the attach and the keeping: then no one can
  // redeem the attached token, and it is as dead as a timed-out one.
  if (kept === undefined || tokenDigest(kept) !== attached) return attached;
  const workflow = await deps.workflow();
  if (!workflow || (await workflow.isWaiting(kept))) return undefined;
  await deps.resumeTokens.remove(executionId, kept);
  return attached;
};

/**
 * wait_for_resume (internal function only, from the state machine's waitForTaskToken step): the token's
 * SHA-256 is attached to the latest pause in the ledger by a conditional append, so the first token wins and a
 * second one for the same pause is refused (409) and never kept or redeemed, unless no task waits on the first
 * any more. Then the token itself is kept for resume; if the execution was resumed (or ended) before the token
 * arrived, the state machine is released at once.
 */
export const waitForResume = async (deps: OperationDeps, input: WaitForResumeInput): Promise<OperationResponse> => {
  const found = await loadExecution(deps, input.executionId, input.planId);
  if (!found.ok) return found.response;
  const digest = tokenDigest(input.taskToken);
  const attached = found.state.resumeTokenSha256;
  let replacing: string | undefined;
  if (attached !== undefined && attached !== digest) {
    replacing = await deadTokenToReplace(deps, input.executionId, attached);
    if (replacing === undefined) {
      return failure(
        409,
        'RESUME_TOKEN_ATTACHED',
        `The pause at seq ${found.state.lastPauseSeq} already holds a live task token; another is never accepted`,
        {
          currentStatus: found.state.status,
        },
      );
    }
  }
  const run = await runCommand(deps, input, (at) => ({
    type: 'AttachResumeToken',
    tokenSha256: digest,
    ...(replacing ? { replacing } : {}),
    at,
  }));
  if (!run.ok) return run.response;
  const expiresAt = new Date(Date.parse(deps.now()) + TOKEN_LIFETIME_MS).toISOString();
  await deps.resumeTokens.put(input.executionId, input.taskToken, expiresAt);
  // Token first, then state: whichever of resume and this runs second sees the other's write.
  let { state } = await deps.store.load(input.executionId);
  if (state.status === 'PAUSED' && state.approvalGranted) {
    // Approved, but the approval's writer stopped before its resume: resumed now, as the approver decided.
    const outcome = await handleCommand(deps, await deps.store.load(input.executionId), () => ({ type: 'Advance', at: deps.now() }));
    await react(deps, outcome);
    state = outcome.loaded.state;
  }
  const waiting = state.status === 'PAUSED';
  if (!waiting) await deliverResume(deps, input.executionId);
  return ok({ executionId: input.executionId, status: state.status, waiting });
};
