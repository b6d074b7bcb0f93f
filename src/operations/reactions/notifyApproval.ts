import type { ApprovalWait, ErrorInfo, ExecutionState, Paused } from '../../domain/execution';
import { approvalNotice, type ApprovalWaitFacts } from '../../domain/notification';
import type { Notification, Notifier } from '../../ports/notifier';
import type { Log, OperationDeps } from '../deps';
import { type CommandOutcome, handleCommand } from '../handleCommand';
import { failurePauseNotice } from './notifyWaveFailure';
import { SETTLE_REPAIR_AFTER_MS } from './settleOutcome';

type AwaitingApproval = Paused & { approval: ApprovalWait; lastPauseSeq: number };

const awaitingApproval = (state: ExecutionState): state is AwaitingApproval =>
  state.status === 'PAUSED' && state.approval !== undefined && state.approvalGranted === undefined && state.lastPauseSeq !== undefined;

/**
 * Publishes a notification and answers what the ledger is to record of it: the message id, or the error (a
 * notification that could not go out is evidence too, never a reason to fail the operation that caused it).
 */
export const publishForTheRecord = async (
  notifier: Notifier,
  notification: Notification,
  log: Log,
): Promise<{ messageId: string } | { error: ErrorInfo }> => {
  try {
    return { messageId: await notifier.publish(notification) };
  } catch (error) {
    const code = error instanceof Error ? error.name : 'Error';
    log.warn('Notification failed; recorded in the ledger', { code });
    return { error: { code, message: error instanceof Error ? error.message : String(error) } };
  }
};

const factsOf = (state: AwaitingApproval): ApprovalWaitFacts => ({
  executionId: state.executionId,
  planId: state.planId,
  planName: state.planName,
  executionType: state.executionType,
  waveNumber: state.nextWave,
  waveName: state.waves[state.nextWave - 1]?.waveName ?? `wave ${state.nextWave}`,
  pausedAt: state.pausedAt,
  approval: state.approval,
  ...(state.initiatedByPrincipal === undefined ? {} : { startedByPrincipal: state.initiatedByPrincipal }),
  pauseSeq: state.lastPauseSeq,
});

/**
 * Whether this writer tells the approvers. The writer that appended the pause does, at once; anyone else only
 * when the pause is old enough that its writer must have crashed before recording the notification (as with an
 * end: settleOutcome's SETTLE_REPAIR_AFTER_MS), so that two drivers do not both notify.
 */
const mustNotify = (outcome: CommandOutcome, state: Paused & { lastPauseSeq: number }, now: string): boolean => {
  if (state.notifiedSeqs.includes(state.lastPauseSeq)) return false;
  const pausedHere = outcome.appended.some((stored) => stored.event.seq === state.lastPauseSeq);
  return pausedHere || Date.parse(now) - Date.parse(state.pausedAt) >= SETTLE_REPAIR_AFTER_MS;
};

/**
 * When the execution now waits for an approval (an ExecutionPaused whose data.approval is set), tells the
 * approvers once: who may approve, until when and what happens then, and how; when it waits on a failed wave
 * (WAVE_FAILED), tells the operators how to retry or skip it. Either way it records that it did
 * (RecordNotification for the pause's seq). Answers the outcome with the record appended, or as it was.
 */
export const notifyApprovalWait = async (deps: OperationDeps, outcome: CommandOutcome): Promise<CommandOutcome> => {
  const { state } = outcome.loaded;
  const failure = failurePauseNotice(state);
  if (failure) return notifyPause(deps, outcome, failure.state, failure.notice);
  if (!awaitingApproval(state) || !mustNotify(outcome, state, deps.now())) return outcome;
  return notifyPause(deps, outcome, state, approvalNotice(factsOf(state)));
};

/** Tells the operators of the pause once (as mustNotify decides), and records that it did for the pause's seq. */
const notifyPause = async (
  deps: OperationDeps,
  outcome: CommandOutcome,
  state: Paused & { lastPauseSeq: number },
  notice: Notification,
): Promise<CommandOutcome> => {
  if (!mustNotify(outcome, state, deps.now())) return outcome;
  const notifier = await deps.notifier();
  if (!notifier) return outcome;
  const pauseSeq = state.lastPauseSeq;
  const published = await publishForTheRecord(notifier, notice, deps.log);
  const recorded = await handleCommand(deps, outcome.loaded, (current) =>
    // Only while that very pause lasts: an approver may have acted meanwhile (their decision stands on its own).
    current.status === 'PAUSED' && current.lastPauseSeq === pauseSeq
      ? { type: 'RecordNotification', forSeq: pauseSeq, outcome: published, at: deps.now() }
      : undefined,
  );
  if (!recorded.ok) deps.log.warn('The approval notification could not be recorded', { pauseSeq, rejection: recorded.rejection.kind });
  return { ...outcome, loaded: recorded.loaded, appended: [...outcome.appended, ...recorded.appended] };
};
