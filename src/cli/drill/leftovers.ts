import type { RecoveryPlan } from '../../domain/plan';
import type { OperationResponse } from '../../operations/responses';
import { UsageError } from '../exitCodes';
import type { Details } from '../render/details';
import { shown } from '../render/terminalText';
import { cancelCommand, drillAgain, type HintContext } from './commandHints';
import type { DrillStack } from './drillStack';
import type { Interruption } from './interruption';

/** What a drill does with an execution an earlier run left active on its plan. */
export type LeftoverChoice = 'refuse' | 'follow' | 'cancel';

/** Who the drill's own requests are from: a person's name, or the simulated operator (named, but no person). */
export interface DrillActor {
  name: string;
  simulated: boolean;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export const startRequest = (
  plan: RecoveryPlan,
  type: string,
  actor: DrillActor,
  recoverAsOf?: string,
  overrideReason?: string,
): Record<string, unknown> => ({
  operation: 'start_execution',
  planId: plan.planId,
  executionType: type,
  initiatedBy: actor.name,
  ...(actor.simulated ? { simulatedOperator: true } : {}),
  ...(recoverAsOf ? { recoverAsOf } : {}),
  // Start despite BLOCKING preflight findings: the ledger records the deviation and who accepted it.
  ...(overrideReason === undefined ? {} : { override: { reason: overrideReason } }),
});

/** "exec-…, a DRILL of "Three tier", PAUSED before wave 2 since 2026-…": what the drill found, in one line. */
export const describeExecution = (details: Details): string => {
  const where =
    details.status === 'PAUSED'
      ? `before wave ${shown(details.nextWave ?? details.currentWave + 1)}`
      : `in wave ${shown(details.currentWave)} of ${shown(details.totalWaves)}`;
  const since = details.status === 'PAUSED' ? details.pausedAt : (details.resumedAt ?? details.startTime);
  return (
    `${shown(details.executionId)}, a ${shown(details.executionType)} of "${shown(details.planName)}", ${shown(details.status)} ${where}` +
    (since ? ` since ${shown(since)}` : '') +
    (details.startTime ? ` (started ${shown(details.startTime)})` : '')
  );
};

const detailsOf = async (stack: DrillStack, executionId: string): Promise<Details> => {
  const details = await stack.invoke({ operation: 'get_execution_details', executionId });
  if (details.statusCode !== 200) throw new Error(`get_execution_details answered ${details.statusCode}: ${String(details.message)}`);
  return details as unknown as Details;
};

const refused = (answer: OperationResponse, what: string): Error =>
  new UsageError(`${what} answered ${answer.statusCode} ${String(answer.error)}: ${String(answer.message)}`);

/** Cancels the leftover with a reason naming this drill, and waits until the ledger has it CANCELLED. */
const cancelLeftover = async (
  stack: DrillStack,
  leftover: Details,
  context: HintContext,
  actor: DrillActor,
  interruption: Interruption,
  timeoutMs: number,
  note: (message: string) => void,
): Promise<void> => {
  const reason = `Cancelled by drs-ledger drill --cancel-leftover (pid ${process.pid}) to start a new ${context.type}`;
  const cancelled = await stack.invoke({
    operation: 'cancel',
    executionId: leftover.executionId,
    planId: leftover.planId,
    requestedBy: actor.name,
    reason,
    ...(actor.simulated ? { simulatedOperator: true } : {}),
  });
  if (cancelled.statusCode !== 200) throw refused(cancelled, `cancel of ${leftover.executionId}`);
  note(`Cancelling ${leftover.executionId}: ${reason}.`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const details = await detailsOf(stack, leftover.executionId);
    if (details.status === 'CANCELLED') return;
    if (TERMINAL.has(details.status)) return;
    if (interruption.signal)
      throw new UsageError(`Interrupted while ${leftover.executionId} was being cancelled (it is ${details.status}).`);
    if (Date.now() > deadline) {
      throw new UsageError(
        `${leftover.executionId} was not CANCELLED within ${timeoutMs / 1000}s (it is ${details.status}); nothing new was started.`,
      );
    }
    await interruption.sleep(100);
  }
};

/** How long a drill waits for a cancelled execution's DRS jobs to end before it gives up starting anew. */
const JOBS_END_WAIT_MS = 180_000;

/** Refused only because servers are still in active DRS jobs: the cancelled execution's, which end on their own. */
const busyOnly = (answer: OperationResponse): boolean =>
  answer.error === 'PREFLIGHT_BLOCKED' &&
  Array.isArray(answer.findings) &&
  (answer.findings as Array<{ severity: string; code: string }>)
    .filter((finding) => finding.severity === 'BLOCKING')
    .every((finding) => finding.code === 'SERVER_IN_ACTIVE_JOB');

/**
 * Starts anew after a cancel. A cancel does not stop the DRS jobs the execution started (DRS has no such call):
 * while they run, their servers are busy and preflight refuses the start; it is asked again until they end.
 */
const startOnceFree = async (
  stack: DrillStack,
  request: Record<string, unknown>,
  interruption: Interruption,
  note: (message: string) => void,
): Promise<OperationResponse> => {
  const deadline = Date.now() + JOBS_END_WAIT_MS;
  let told = false;
  for (;;) {
    const answer = await stack.invoke(request);
    if (!busyOnly(answer) || Date.now() > deadline || interruption.signal) return answer;
    if (!told) note("Waiting for the cancelled execution's DRS jobs to end: their servers are busy until then.");
    told = true;
    await interruption.sleep(1000);
  }
};

export interface Started {
  executionId: string;
  /** An execution an earlier run left, followed rather than started. */
  followed: boolean;
}

/**
 * Starts the plan's execution. When the plan already has an active one (an interrupted drill's), says what it
 * found and stops (exit 2), unless told to follow it (same type only; it is never resumed for the operator) or
 * to cancel it first and start anew.
 */
export const startOrLeftover = async (
  stack: DrillStack,
  plan: RecoveryPlan,
  context: HintContext,
  actor: DrillActor,
  choice: LeftoverChoice,
  interruption: Interruption,
  note: (message: string, extra?: Record<string, unknown>) => void,
  overrideReason?: string,
): Promise<Started> => {
  const started = await stack.invoke(startRequest(plan, context.type, actor, context.recoverAsOf, overrideReason));
  if (started.statusCode === 200) {
    note(
      `Started ${context.type} ${String(started.executionId)} of "${plan.planName}": ${String(started.totalWaves)} waves, ${String(started.totalServers)} servers`,
      { executionId: started.executionId },
    );
    return { executionId: started.executionId as string, followed: false };
  }
  if (started.error !== 'EXECUTION_CONFLICT' || typeof started.activeExecutionId !== 'string') throw refused(started, 'start_execution');
  const leftover = await detailsOf(stack, started.activeExecutionId);
  const found = `Plan ${plan.planId} already has an active execution: ${describeExecution(leftover)}.`;
  if (choice === 'refuse') {
    throw new UsageError(
      [
        found,
        `Follow it:               ${drillAgain({ ...context, type: leftover.executionType }, '--follow')}`,
        `Cancel it, start anew:   ${drillAgain(context, '--cancel-leftover')}`,
        `Or cancel it yourself:   ${cancelCommand(context, leftover.executionId, leftover.planId)}`,
      ].join('\n'),
    );
  }
  if (choice === 'follow') {
    if (leftover.executionType !== context.type) {
      throw new UsageError(
        `${found}\nIt is a ${leftover.executionType}, not the ${context.type} this drill runs: it is not followed. ` +
          `Follow it as what it is (--type ${leftover.executionType} --follow), or cancel it (--cancel-leftover).`,
      );
    }
    note(`${found} Following it: it is driven on as it stands, and a pause is resumed only as this drill's operator mode resumes one.`, {
      executionId: leftover.executionId,
      followed: true,
    });
    return { executionId: leftover.executionId, followed: true };
  }
  note(found, { executionId: leftover.executionId });
  await cancelLeftover(stack, leftover, context, actor, interruption, 60_000, note);
  const again = await startOnceFree(
    stack,
    startRequest(plan, context.type, actor, context.recoverAsOf, overrideReason),
    interruption,
    note,
  );
  if (again.statusCode !== 200) throw refused(again, 'start_execution after the cancel');
  note(
    `Started ${context.type} ${String(again.executionId)} of "${plan.planName}": ${String(again.totalWaves)} waves, ${String(again.totalServers)} servers`,
    { executionId: again.executionId },
  );
  return { executionId: again.executionId as string, followed: false };
};
