import type { ExecutionEvent } from '../../domain/execution';
import { excludesStarter, onTimeoutOf } from '../../domain/plan';
import { operatorActor } from './actors';
import type { ApprovalEvidence } from './evidence';

const ENDS_A_WAIT: ReadonlySet<ExecutionEvent['type']> = new Set([
  'ExecutionResumed',
  'ExecutionCancelled',
  'ExecutionFailed',
  'Finalized',
]);

/**
 * Every wave that waited for approval, from the ledger: the rule each pause recorded (who may approve, whether the
 * starter may, the deadline and what then), the decision that ended the wait and each refused attempt, whole.
 */
export const approvals = (events: readonly ExecutionEvent[]): ApprovalEvidence[] => {
  const started = events[0]?.type === 'ExecutionStarted' ? events[0] : undefined;
  const waveName = (waveNumber: number): { waveName?: string } => {
    const name = started?.data.plan.waves[waveNumber - 1]?.waveName;
    return name === undefined ? {} : { waveName: name };
  };
  const found: ApprovalEvidence[] = [];
  let open: ApprovalEvidence | undefined;
  /** The wait an approval event belongs to: the open one for its wave, or one of its own (a rewritten ledger). */
  const waitFor = (waveNumber: number): ApprovalEvidence => {
    if (open?.waveNumber === waveNumber) return open;
    const orphan: ApprovalEvidence = {
      waveNumber,
      ...waveName(waveNumber),
      approvers: [],
      excludeStarter: true,
      onTimeout: 'CANCEL',
      status: 'undecided',
      refused: [],
    };
    found.push(orphan);
    return orphan;
  };
  for (const event of events) {
    const at = { seq: event.seq, at: event.occurredAt };
    switch (event.type) {
      case 'ExecutionPaused': {
        const rule = event.data.approval;
        open = undefined;
        if (!rule) break;
        open = {
          waveNumber: event.data.nextWave,
          ...waveName(event.data.nextWave),
          pauseSeq: event.seq,
          pausedAt: event.occurredAt,
          approvers: [...rule.approvers],
          excludeStarter: excludesStarter(rule),
          ...(rule.timeoutMinutes === undefined ? {} : { timeoutMinutes: rule.timeoutMinutes }),
          ...(rule.deadline === undefined ? {} : { deadline: rule.deadline }),
          onTimeout: onTimeoutOf(rule),
          status: 'waiting',
          refused: [],
        };
        found.push(open);
        break;
      }
      case 'ApprovalRefused':
        waitFor(event.data.waveNumber).refused.push({
          ...at,
          action: event.data.action,
          by: operatorActor(event.data.attemptedBy, event.data.identity),
          reason: event.data.reason,
        });
        break;
      case 'ApprovalGranted':
      case 'ApprovalDeclined': {
        const wait = waitFor(event.data.waveNumber);
        wait.status = event.type === 'ApprovalGranted' ? 'granted' : 'declined';
        wait.decision = {
          outcome: wait.status,
          ...at,
          by: operatorActor(event.actor, event.data.identity),
          comment: event.data.comment,
          ...(event.data.ticket === undefined ? {} : { ticket: event.data.ticket }),
        };
        break;
      }
      case 'ApprovalTimedOut': {
        const wait = waitFor(event.data.waveNumber);
        wait.status = 'timed-out';
        wait.decision = { outcome: 'timed-out', ...at, deadline: event.data.deadline, onTimeout: event.data.action };
        break;
      }
      default:
        if (open && ENDS_A_WAIT.has(event.type)) {
          if (open.status === 'waiting') open.status = 'undecided';
          open = undefined;
        }
    }
  }
  return found;
};
