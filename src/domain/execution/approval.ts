import { excludesStarter, mayApprove } from '../plan';
import { boundText } from '../text';
import type { ApprovalWait } from './events';
import type { VerifiedIdentity } from './identity';
import type { Paused } from './state';

/**
 * Refused attempts one pause records, per kind of caller; later ones are refused without a ledger entry (no
 * flooding the ledger). Apart, so that anonymous noise cannot use up the room a verified insider's attempt needs.
 */
export const MAX_RECORDED_REFUSALS = 10;
export const MAX_RECORDED_UNVERIFIED_REFUSALS = 3;

/**
 * The person behind a principal ARN, as far as IAM names them: an IAM user's name, or an assumed role's session
 * name (IAM Identity Center puts the user's name there, whatever the permission set). Compared without case.
 */
export const personOf = (principal: string): string => (principal.split('/').at(-1) ?? principal).toLowerCase();
/** An approval's comment and ticket as the ledger keeps them. */
export const MAX_COMMENT_BYTES = 2048;
export const MAX_TICKET_BYTES = 128;

export type ApprovalAction = 'APPROVE' | 'DECLINE';

/**
 * Why this caller may not approve or decline the wave the pause waits for, or undefined when they may. Only a
 * verified principal can approve: a direct invocation's name is whatever its caller typed.
 */
export const approvalRefusalReason = (
  state: Paused & { approval: ApprovalWait },
  identity: VerifiedIdentity | undefined,
  action: ApprovalAction,
): string | undefined => {
  const verb = action === 'APPROVE' ? 'approve' : 'decline';
  const wave = state.nextWave;
  if (!identity) {
    return `Wave ${wave} requires approval: only a principal verified by the operator API may ${verb} it (direct invocations are unverified)`;
  }
  if (!mayApprove(state.approval, identity.principal)) {
    return `${identity.principal} is not among wave ${wave}'s approvers (${state.approval.approvers.join(', ')})`;
  }
  if (excludesStarter(state.approval)) {
    // Fail closed: whoever started it unverified could be anyone, this approver included.
    if (state.initiatedByPrincipal === undefined) {
      return `Wave ${wave} requires an approver other than the starter, but this execution was started by an unverified caller: nobody can be shown to be someone else, so it can only be cancelled`;
    }
    if (personOf(state.initiatedByPrincipal) === personOf(identity.principal)) {
      return `${identity.principal} is the one who started this execution (as ${state.initiatedByPrincipal}) and may not ${verb} its waves: separation of duties requires another approver`;
    }
  }
  return undefined;
};

/** An approval's words as the ledger keeps them: bounded, like every text a caller gives. */
export const approvalWords = (comment: string, ticket: string | undefined): { comment: string; ticket?: string } => ({
  comment: boundText(comment, MAX_COMMENT_BYTES),
  ...(ticket === undefined ? {} : { ticket: boundText(ticket, MAX_TICKET_BYTES) }),
});

/** The pause waits for an approval nobody has given yet (one given, whose resume is not recorded, waits no more). */
export const awaitsApproval = (state: Paused): state is Paused & { approval: ApprovalWait } =>
  state.approval !== undefined && state.approvalGranted === undefined;
