import type { ApprovalView, ExecutionView, PendingApprovalView } from '../../../projections/executionView';
import { approvalCommands } from '../../domain/notification';
import { shownActor, viewActor } from './actors';
import { shown } from './terminalText';

type ApprovalDetails = Pick<ExecutionView, 'executionId' | 'planId' | 'waveStatuses'> &
  Partial<Pick<ExecutionView, 'pendingApproval' | 'approvals' | 'approvalRefusalsNotShown'>>;

const waveLabel = (details: ApprovalDetails, waveNumber: number): string => {
  const wave = details.waveStatuses.find((candidate) => candidate.waveNumber === waveNumber);
  return wave ? `wave ${shown(waveNumber)} (${shown(wave.waveName)})` : `wave ${shown(waveNumber)}`;
};

const deadlineLine = (pending: PendingApprovalView): string =>
  pending.deadline === undefined
    ? '  deadline: none, it waits until someone approves or declines'
    : `  deadline: ${shown(pending.deadline)}, then ${pending.onTimeout === 'CANCEL' ? 'the execution is cancelled' : 'the wave starts without approval'}`;

/** What a paused execution waits for: who may approve, until when, and the commands. */
export const pendingApprovalLines = (details: ApprovalDetails): string[] => {
  const pending = details.pendingApproval;
  if (!pending) return [];
  const commands = approvalCommands(details.executionId, details.planId);
  return [
    `Waiting for approval of ${waveLabel(details, pending.waveNumber)}`,
    `  who may approve: a verified principal matching ${pending.approvers.map(shown).join(', ')}` +
      (pending.excludeStarter ? ', not the principal that started it' : ' (the starter too)'),
    deadlineLine(pending),
    `  approve: ${shown(commands.approve)}`,
    `  decline: ${shown(commands.decline)}`,
  ];
};

const entryLine = (entry: ApprovalView): string => {
  const head = `  wave ${shown(entry.waveNumber)} ${shown(entry.at)}`;
  switch (entry.outcome) {
    case 'GRANTED':
    case 'DECLINED':
      return (
        `${head} ${entry.outcome} by ${shownActor(viewActor(entry.principal, entry))}: ${shown(entry.comment)}` +
        (entry.ticket === undefined ? '' : ` (ticket ${shown(entry.ticket)})`)
      );
    case 'REFUSED':
      return `${head} REFUSED to ${entry.action === 'APPROVE' ? 'approve' : 'decline'}: ${shownActor(viewActor(entry.attemptedBy, entry))}: ${shown(entry.reason)}`;
    case 'TIMED_OUT':
      return `${head} TIMED OUT (deadline ${shown(entry.deadline)}): ${entry.action === 'CANCEL' ? 'cancelled' : 'continued without approval'}`;
  }
};

/** Each approval decided, timed out or refused, oldest first; refused attempts the view only counted, said so. */
export const approvalLines = (details: ApprovalDetails): string[] => {
  const entries = details.approvals ?? [];
  const hidden = details.approvalRefusalsNotShown ?? 0;
  if (entries.length === 0 && hidden === 0) return [];
  return [
    'Approvals:',
    ...entries.map(entryLine),
    ...(hidden > 0 ? [`  and ${shown(hidden)} more refused attempt${hidden === 1 ? '' : 's'} (drs-ledger report lists them all)`] : []),
  ];
};
