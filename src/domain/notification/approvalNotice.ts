import type { ApprovalWait } from '../execution/events';
import type { ExecutionType } from '../execution/vocabulary';
import { excludesStarter, onTimeoutOf } from '../plan/approvalRule';
import { revealInvisible } from '../text';
import { fitSnsSubject } from './snsSubject';

/** What an approval-needed notice is made from: the paused execution as the ledger holds it. */
export interface ApprovalWaitFacts {
  executionId: string;
  planId: string;
  planName: string;
  executionType: ExecutionType;
  waveNumber: number;
  waveName: string;
  /** When the execution paused for the approval. */
  pausedAt: string;
  approval: ApprovalWait;
  /** The principal that started it, when the start was verified: the one excluded when the rule excludes the starter. */
  startedByPrincipal?: string;
  /** The ExecutionPaused the notice is about. */
  pauseSeq: number;
}

/** How an operator approves or declines, in words they can paste: the CLI (signing as a local user) and the operator API. */
export const approvalCommands = (executionId: string, planId: string) => ({
  approve: `drs-ledger invoke approve --execution-id ${executionId} --plan-id ${planId} --as <you> --comment "<why>" [--ticket <change>]`,
  decline: `drs-ledger invoke decline --execution-id ${executionId} --plan-id ${planId} --as <you> --comment "<why>" [--ticket <change>]`,
  approveRoute: `POST /executions/${executionId}/approve {"comment": "<why>", "ticket": "<change, optional>"}`,
  declineRoute: `POST /executions/${executionId}/decline {"comment": "<why>", "ticket": "<change, optional>"}`,
});

const utc = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
};

/** Who the rule excludes, in words: the starter's principal when the start was verified. */
const starterLine = (facts: ApprovalWaitFacts): string => {
  if (!excludesStarter(facts.approval))
    return 'The principal that started the execution may approve it too (the rule does not exclude the starter).';
  return facts.startedByPrincipal === undefined
    ? 'Nobody can approve it: the rule excludes the starter, and this start was a direct invocation (no principal was verified), so no approver can be shown to be someone else. It can be declined or cancelled.'
    : `The principal that started the execution, ${facts.startedByPrincipal}, may not approve it, under this or any other role or session of the same name (separation of duties).`;
};

const deadlineLine = (facts: ApprovalWaitFacts): string => {
  const { deadline } = facts.approval;
  if (deadline === undefined) return 'Deadline: none. The execution stays paused until someone approves or declines.';
  const then =
    onTimeoutOf(facts.approval) === 'CANCEL'
      ? 'the execution is cancelled and no further wave starts'
      : `wave ${facts.waveNumber} starts without approval`;
  return `Deadline: ${utc(deadline)}. If nobody approves or declines by then, ${then}.`;
};

/**
 * The notification that a wave waits for approval. The subject leads with what is asked and which wave, so it
 * reads in an inbox even when the plan's name is cut; the message says who may approve (the rule's patterns, and
 * whether the starter is excluded), until when and what happens then, and the exact commands. Texts from the
 * ledger (names, patterns) are shown with their invisible characters as escapes: none can forge a line.
 */
export const approvalNotice = (facts: ApprovalWaitFacts): { subject: string; message: string; attributes: Record<string, string> } => {
  const kind = facts.executionType.toLowerCase();
  const commands = approvalCommands(facts.executionId, facts.planId);
  const message = [
    `Approval needed: ${facts.executionType} ${facts.executionId} of plan "${revealInvisible(facts.planName)}" (${facts.planId})`,
    `is paused before wave ${facts.waveNumber} (${revealInvisible(facts.waveName)}) since ${utc(facts.pausedAt)}, and that wave starts only once approved.`,
    '',
    'Who may approve or decline: a principal verified by the operator API (IAM), matching one of',
    ...facts.approval.approvers.map((pattern) => `  ${revealInvisible(pattern)}`),
    starterLine(facts),
    'Approving and declining need a comment; a change ticket is optional. Both are recorded in the ledger, and so is every refused attempt.',
    '',
    deadlineLine(facts),
    '',
    'To approve:',
    `  ${commands.approve}`,
    `  or on the operator API: ${commands.approveRoute}`,
    'To decline (the execution is cancelled):',
    `  ${commands.decline}`,
    `  or on the operator API: ${commands.declineRoute}`,
    '',
    `See it: drs-ledger status ${facts.executionId}`,
  ].join('\n');
  return {
    subject: fitSnsSubject(`Approval needed: ${kind} wave ${facts.waveNumber} of ${facts.planName}`),
    message,
    attributes: {
      executionId: facts.executionId,
      planId: facts.planId,
      status: 'PAUSED',
      notice: 'ApprovalNeeded',
      waveNumber: String(facts.waveNumber),
      pauseSeq: String(facts.pauseSeq),
      ...(facts.approval.deadline === undefined ? {} : { approvalDeadline: facts.approval.deadline }),
    },
  };
};
