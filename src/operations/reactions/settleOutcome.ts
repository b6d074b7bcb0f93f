import { isTerminal, type TerminalExecution } from '../../domain/execution';
import { formatDuration } from '../../domain/execution/summary';
import { outcomeSubject } from '../../domain/notification';
import { revealInvisible } from '../../domain/text';
import type { LoadedExecution } from '../../ports/executionEventStore';
import type { OperationDeps } from '../deps';
import { type CommandOutcome, handleCommand } from '../handleCommand';
import { digestLine, sealHead } from './sealHead';
import { driveCleanup } from '../cleanup/driveCleanup';

/** The message keeps the plan's name whole; only the subject is cut to SNS's limit. */
const describeOutcome = (state: TerminalExecution): { subject: string; message: string } => {
  const head = `${state.executionType} ${state.executionId} of plan "${state.planName}" (${state.planId})`;
  const subject = outcomeSubject(state, state.planName);
  switch (state.status) {
    case 'COMPLETED':
      return { subject, message: `${head} completed in ${formatDuration(state.durationSeconds)}: ${state.waves.length} waves.` };
    case 'FAILED':
      return { subject, message: `${head} failed: ${state.failureReason}` };
    case 'CANCELLED':
      return { subject, message: `${head} was cancelled by ${state.cancelledBy}.` };
  }
};

/**
 * The ledger's head as this writer knows it, kept in every inbox the notification reaches: a copy outside the
 * table that `drs-ledger verify --expected-head <seq>:<hash>` checks a rewritten chain against.
 */
const ledgerHead = (loaded: LoadedExecution): string =>
  loaded.headHash === undefined
    ? ''
    : `\n\nLedger head: seq ${loaded.state.version}, hash ${loaded.headHash}` +
      `\n(drs-ledger verify ${loaded.executionId} --expected-head ${loaded.state.version}:${loaded.headHash})`;

/**
 * The writer of the ending event settles it at once. Anyone else repairs a settling only when the end is
 * old enough that its writer must have crashed, so that two drivers do not both notify.
 */
export const SETTLE_REPAIR_AFTER_MS = 60_000;

export const settlingLost = (state: TerminalExecution, now: string): boolean =>
  !state.notifiedSeqs.includes(state.endedAtSeq) && Date.parse(now) - Date.parse(state.endTime) >= SETTLE_REPAIR_AFTER_MS;

/**
 * What follows an execution's end, each step safe to repeat: stop its state machine when cancelled, free the
 * plan's slot, and notify once (the ledger records whether the notification went out). `loaded`: the ended
 * execution as the caller holds it; answers the stream after the notification's record.
 */
const settleTerminal = async (deps: OperationDeps, loaded: LoadedExecution, state: TerminalExecution): Promise<LoadedExecution> => {
  if (state.status === 'CANCELLED' && state.executionArn) {
    const workflow = await deps.workflow();
    await workflow
      ?.stop(state.executionArn, `Cancelled by ${state.cancelledBy}`)
      .catch((error: unknown) => deps.log.warn('StopExecution failed', { error: String(error) }));
  }
  await deps.plans.release(state.planId, state.executionId);
  const forSeq = state.endedAtSeq;
  if (state.notifiedSeqs.includes(forSeq)) return loaded;
  const sealed = await sealHead(deps, loaded);
  const notifier = await deps.notifier();
  if (!notifier) return loaded;
  const { subject, message: summary } = describeOutcome(state);
  // DRS's and callers' texts in the summary cannot forge a line of their own (a "Ledger head:" above the real one).
  const message = `${revealInvisible(summary)}${ledgerHead(loaded)}${digestLine(sealed)}`;
  let outcome: { messageId: string } | { error: { code: string; message: string } };
  try {
    const messageId = await notifier.publish({
      subject,
      message,
      attributes: {
        executionId: state.executionId,
        planId: state.planId,
        status: state.status,
        ...(loaded.headHash === undefined ? {} : { ledgerHeadSeq: String(loaded.state.version), ledgerHeadHash: loaded.headHash }),
        ...(sealed ? { ledgerDigest: sealed.location, ledgerDigestSeq: String(sealed.digestSeq) } : {}),
      },
    });
    outcome = { messageId };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    outcome = { error: { code: name, message: error instanceof Error ? error.message : String(error) } };
    deps.log.warn('Notification failed; recorded in the ledger', { code: name });
  }
  const recorded = await handleCommand(deps, loaded, (current) =>
    isTerminal(current) ? { type: 'RecordNotification', forSeq, outcome, at: deps.now() } : undefined,
  );
  // The record of the notification is the ledger's last word: sealed too, so that nothing after the end is uncovered.
  if (sealed) await sealHead(deps, recorded.loaded);
  return recorded.loaded;
};

/**
 * The one place an ended execution is settled. The writer that appended the end settles it at once; anyone
 * else only when the end is old enough that its writer must have crashed (so two drivers do not both notify).
 * Answers the stream as it stands afterwards.
 */
export const settleIfEnded = async (deps: OperationDeps, outcome: CommandOutcome): Promise<LoadedExecution> => {
  const { loaded } = outcome;
  const { state } = loaded;
  if (!isTerminal(state)) return loaded;
  const endedHere = outcome.appended.some((stored) => stored.event.seq === state.endedAtSeq);
  const settled = endedHere || settlingLost(state, deps.now()) ? await settleTerminal(deps, loaded, state) : loaded;
  if (!endedHere && !cleanupLost(state, deps.now())) return settled;
  return cleanUpAfterEnd(deps, settled);
};

/** A drill whose writer ended it but crashed before its cleanup started: anyone repairs it once the end is old enough. */
const cleanupLost = (state: TerminalExecution, now: string): boolean =>
  state.executionType === 'DRILL' && state.cleanup === undefined && Date.parse(now) - Date.parse(state.endTime) >= SETTLE_REPAIR_AFTER_MS;

/**
 * After the notification, a DRILL's cleanup starts: at once when it keeps nothing alive, otherwise the scheduled
 * find takes it up when due (and whatever this pass leaves: jobs still running, confirmations, retries). Its
 * failures are recorded and retried: never the operation's.
 */
const cleanUpAfterEnd = async (deps: OperationDeps, loaded: LoadedExecution): Promise<LoadedExecution> => {
  if (loaded.state.status === 'NOT_STARTED' || loaded.state.executionType !== 'DRILL') return loaded;
  try {
    const cleaned = (await driveCleanup(deps, loaded)).loaded;
    // The cleanup's records follow the end: sealed too, so that nothing after it is uncovered.
    if (cleaned.state.version > loaded.state.version) await sealHead(deps, cleaned);
    return cleaned;
  } catch (error) {
    deps.log.warn('Drill cleanup did not run; the scheduled find retries it', { executionId: loaded.executionId, error: String(error) });
    return loaded;
  }
};
