import type { ApprovalEvidence } from './evidence';
import { formatInstant } from './format';

/** An approval's outcome as the reports name it. */
export const approvalOutcome = (approval: ApprovalEvidence): string => {
  switch (approval.status) {
    case 'granted':
      return 'GRANTED';
    case 'declined':
      return 'DECLINED';
    case 'timed-out':
      return approval.decision?.outcome === 'timed-out' && approval.decision.onTimeout === 'CONTINUE'
        ? 'TIMED OUT: continued without approval'
        : 'TIMED OUT: cancelled';
    case 'waiting':
      return 'WAITING';
    case 'undecided':
      return 'NOT DECIDED: the execution ended first';
  }
};

/** Whether the principal that started the execution could approve it (separation of duties). */
export const starterRule = (approval: ApprovalEvidence): string =>
  approval.excludeStarter ? 'not the principal that started it' : 'the starter may approve too';

export const NO_DEADLINE = 'none: it waits until someone decides';

/** What the rule does at its deadline. */
export const onTimeoutWords = (approval: ApprovalEvidence): string =>
  approval.onTimeout === 'CANCEL' ? 'cancel' : 'continue without approval';

/** "2026-03-01 10:30:00 UTC, then cancel", or that the wait had no deadline; `instant` shows the deadline. */
export const deadlineText = (approval: ApprovalEvidence, instant: (iso: string) => string = formatInstant): string =>
  approval.deadline === undefined ? NO_DEADLINE : `${instant(approval.deadline)}, then ${onTimeoutWords(approval)}`;

/** "2 waves waited for approval: 1 granted, 1 declined; 3 refused attempts", or that none did. */
export const approvalsSummary = (approvals: readonly ApprovalEvidence[]): string => {
  if (approvals.length === 0) return 'no wave of this execution waited for approval';
  const counts = new Map<string, number>();
  for (const approval of approvals) counts.set(approval.status, (counts.get(approval.status) ?? 0) + 1);
  const outcomes = [...counts].map(([status, count]) => `${count} ${status === 'undecided' ? 'not decided' : status.replace('-', ' ')}`);
  const refused = approvals.reduce((sum, approval) => sum + approval.refused.length, 0);
  const waves = `${approvals.length} wave${approvals.length === 1 ? '' : 's'} waited for approval`;
  return `${waves}: ${outcomes.join(', ')}; ${refused} refused attempt${refused === 1 ? '' : 's'}`;
};
