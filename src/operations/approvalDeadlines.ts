import type { OperationDeps } from './deps';
import { handleCommand } from './handleCommand';
import { allIndexPages } from './indexPages';
import { deliverResume } from './reactions/deliverResume';
import { react } from './reactions/react';

export interface ExpiredApproval {
  executionId: string;
  planId: string;
  /** What the rule's onTimeout did: the execution went on, or was cancelled. */
  action: 'CONTINUE' | 'CANCEL';
}

/**
 * Applies onTimeout to every approval past its deadline: the views list the paused executions whose approval
 * has one (a sparse index, no Scan), and the ledger decides (ExpireApproval changes nothing before the deadline,
 * so a view that lags or a second find costs a read, never a second outcome).
 */
export const expireApprovals = async (deps: OperationDeps): Promise<ExpiredApproval[]> => {
  const waiting = await allIndexPages((pageSize, nextToken) => deps.views.listAwaitingApproval(pageSize, nextToken));
  const expired: ExpiredApproval[] = [];
  for (const target of waiting) {
    try {
      const loaded = await deps.store.load(target.executionId);
      const outcome = await handleCommand(deps, loaded, () => ({ type: 'ExpireApproval', at: deps.now() }));
      const appended = outcome.appended.map((stored) => stored.event);
      const timedOut = appended.find((event) => event.type === 'ApprovalTimedOut');
      // An approval given in time whose resume was never recorded (its writer stopped) is resumed instead.
      const resumed = appended.some((event) => event.type === 'ExecutionResumed');
      if (!outcome.ok || appended.length === 0) continue;
      // What follows: the next wave launched (CONTINUE, or an approval), or the end settled and notified (CANCEL,
      // or a cancel that came in after an approval).
      await react(deps, outcome);
      // The state machine waits on the pause's token: released to go on (a cancel stops it instead).
      if (resumed) await deliverResume(deps, target.executionId);
      if (timedOut?.type === 'ApprovalTimedOut') expired.push({ ...target, action: timedOut.data.action });
    } catch (error) {
      deps.log.warn('Applying an approval timeout failed; the next find retries it', {
        executionId: target.executionId,
        error: String(error),
      });
    }
  }
  return expired;
};
