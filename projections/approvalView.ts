import type { EventOf, VerifiedIdentity } from '../src/domain/execution';
import { excludesStarter, MAX_WAVES, onTimeoutOf } from '../src/domain/plan';
import { boundText } from '../src/domain/text';
import type { ApprovalView, ExecutionView, PendingApprovalView, VerifiedActor } from './executionView';

/**
 * Refused attempts the view lists; later ones are only counted. The domain records at most 10 a pause, and a
 * plan may pause before each of its 100 waves: listed whole, they alone could outgrow the view's header item.
 */
export const MAX_REFUSALS_IN_VIEW = 20;

/**
 * UTF-8 bytes the view keeps of each approval text (cut texts end with …). The ledger keeps comments and reasons
 * up to 2 KB; the header that holds them also holds a 100-wave plan's names, and must stay under DynamoDB's item
 * limit with every approval of such a plan (test/adapters/dynamodb/executionViewSize.test.ts measures it). A
 * principal ARN is at most about 560 bytes: never cut.
 */
export const APPROVAL_VIEW_BYTES = {
  principal: 600,
  claim: 128,
  attemptedBy: 600,
  comment: 256,
  ticket: 128,
  reason: 256,
} as const;

const shownIdentity = (identity: VerifiedIdentity): { principal: string; claim?: string } => ({
  principal: boundText(identity.principal, APPROVAL_VIEW_BYTES.principal),
  ...(identity.claim === undefined ? {} : { claim: boundText(identity.claim, APPROVAL_VIEW_BYTES.claim) }),
});

/** The identity of an event as the view shows it: present only when verified, bounded. */
export const verifiedActor = (identity: VerifiedIdentity | undefined): VerifiedActor => (identity ? shownIdentity(identity) : {});

/** What a pause before a wave that requires approval waits for (undefined for any other pause). */
export const pendingApprovalOf = (event: EventOf<'ExecutionPaused'>): PendingApprovalView | undefined => {
  const { approval } = event.data;
  if (!approval) return undefined;
  return {
    waveNumber: event.data.nextWave,
    approvers: [...approval.approvers],
    excludeStarter: excludesStarter(approval),
    ...(approval.deadline === undefined ? {} : { deadline: approval.deadline }),
    onTimeout: onTimeoutOf(approval),
  };
};

type ApprovalEvent = EventOf<'ApprovalGranted' | 'ApprovalDeclined' | 'ApprovalRefused' | 'ApprovalTimedOut'>;

const entryOf = (event: ApprovalEvent): ApprovalView => {
  const base = { waveNumber: event.data.waveNumber, at: event.occurredAt };
  switch (event.type) {
    case 'ApprovalGranted':
    case 'ApprovalDeclined':
      return {
        outcome: event.type === 'ApprovalGranted' ? 'GRANTED' : 'DECLINED',
        ...base,
        ...shownIdentity(event.data.identity),
        comment: boundText(event.data.comment, APPROVAL_VIEW_BYTES.comment),
        ...(event.data.ticket === undefined ? {} : { ticket: boundText(event.data.ticket, APPROVAL_VIEW_BYTES.ticket) }),
      };
    case 'ApprovalRefused':
      return {
        outcome: 'REFUSED',
        ...base,
        action: event.data.action,
        attemptedBy: boundText(event.data.attemptedBy, APPROVAL_VIEW_BYTES.attemptedBy),
        ...verifiedActor(event.data.identity),
        reason: boundText(event.data.reason, APPROVAL_VIEW_BYTES.reason),
      };
    case 'ApprovalTimedOut':
      return { outcome: 'TIMED_OUT', ...base, deadline: event.data.deadline, action: event.data.action };
  }
};

/**
 * Outcomes (granted, declined, timed out) the view lists: one per wave of the largest plan. A wave can wait for
 * approval more than once (a start that failed and was paused before again), so the list is bounded on its own.
 */
export const MAX_OUTCOMES_IN_VIEW = MAX_WAVES;

/**
 * The view with the approval event added to its list; refused attempts past MAX_REFUSALS_IN_VIEW and outcomes
 * past MAX_OUTCOMES_IN_VIEW only counted (the ledger and the report keep them all).
 */
export const withApproval = (view: ExecutionView, event: ApprovalEvent): ExecutionView => {
  const approvals = view.approvals ?? [];
  if (event.type === 'ApprovalRefused') {
    const refusals = approvals.filter((entry) => entry.outcome === 'REFUSED').length;
    if (refusals >= MAX_REFUSALS_IN_VIEW) return { ...view, approvalRefusalsNotShown: (view.approvalRefusalsNotShown ?? 0) + 1 };
  } else if (approvals.filter((entry) => entry.outcome !== 'REFUSED').length >= MAX_OUTCOMES_IN_VIEW) {
    return { ...view, approvalsNotShown: (view.approvalsNotShown ?? 0) + 1 };
  }
  return { ...view, approvals: [...approvals, entryOf(event)] };
};
