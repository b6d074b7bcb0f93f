/**
 * Executions whose second wave requires approval, played through the real decider: started by alice through the
 * operator API, then approved by bob after refused attempts, declined by bob, or left to time out.
 */
import type { ExecutionEvent } from '../../../src/domain/execution';
import type { ApprovalRule, RecoveryPlan } from '../../../src/domain/plan';
import type { LedgerEvidence } from '../../../src/audit/report/evidence';
import { APPROVER, at, History, STARTER, twoWavePlan } from '../../projections/support/histories';

export { APPROVER, at, STARTER };
export const APPROVERS = ['arn:aws:iam::123456789012:user/*'];
export const ALICE = { principal: STARTER, claim: 'Alice Martin' };
export const BOB = { principal: APPROVER, claim: 'Bob' };

/** The two-wave plan, its second wave requiring approval under `rule`. */
export const approvalPlan = (rule: Partial<ApprovalRule> = {}, base: RecoveryPlan = twoWavePlan()): RecoveryPlan => {
  const [first, second] = base.waves;
  if (!first || !second) throw new Error('two waves expected');
  return { ...base, waves: [first, { ...second, approval: { approvers: APPROVERS, timeoutMinutes: 30, ...rule } }] };
};

/** Started by alice (verified), wave 1 done at 300 s: paused before wave 2, waiting for approval. */
export const awaitingApproval = (rule: Partial<ApprovalRule> = {}, plan?: RecoveryPlan): History =>
  new History('exec-approvals', approvalPlan(rule, plan))
    .start(0, { initiatedBy: 'Alice Martin', identity: ALICE })
    .waveStarted(1, 60)
    .waveLaunched(1, 300);

/** alice's own attempt and an unverified one refused, then bob approves with a comment and a ticket; wave 2 completes. */
export const approvedAfterRefusals = (plan?: RecoveryPlan): History =>
  awaitingApproval({}, plan)
    .run({ type: 'Resume', resumedBy: 'Alice Martin', identity: ALICE, comment: 'my own drill', at: at(400) })
    .run({ type: 'Resume', resumedBy: 'bob@example.com', comment: 'trust me', at: at(410) })
    .run({ type: 'Resume', resumedBy: 'Bob', identity: BOB, comment: 'databases verified', ticket: 'CHG0012345', at: at(500) })
    .waveStarted(2, 560)
    .waveLaunched(2, 900)
    .run({ type: 'Finalize', at: at(960) });

export const declined = (): History =>
  awaitingApproval().run({
    type: 'Decline',
    requestedBy: 'Bob',
    identity: BOB,
    comment: 'not in this window',
    ticket: 'CHG0099',
    at: at(500),
  });

/** Applied 13 minutes past the deadline (at(300 + 30 * 60)): a timeout acts once it has passed by every clock (clocks.ts). */
export const timedOut = (onTimeout: 'CANCEL' | 'CONTINUE'): History =>
  awaitingApproval({ onTimeout }).run({ type: 'ExpireApproval', at: at(300 + 43 * 60) });

/** What verification found, for evidence built straight from events. */
export const verifiedLedger = (events: readonly ExecutionEvent[]): LedgerEvidence => ({
  eventCount: events.length,
  headSeq: events.length,
  headHash: 'ab'.repeat(32),
  verification: { ok: true },
});
