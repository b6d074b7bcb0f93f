import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { RecoveryPlan } from '../../domain/plan';
import { readPlanFile } from '../../local/planFile';
import { SAMPLE_INVENTORY, SAMPLE_PLAN } from '../packageRoot';
import type { Details } from '../render/details';
import { type ProgressMode, ProgressPrinter } from '../render/progress';
import { EXIT, UsageError } from '../exitCodes';
import { jsonForTerminal } from '../render/terminalText';
import { type DrillStack, openDrillStack } from '../drill/drillStack';
import { EXIT_INTERRUPTED, type Interruption, listenForInterruption } from '../drill/interruption';
import { type DrillActor, type LeftoverChoice, startOrLeftover } from '../drill/leftovers';
import { type OperatorMode, pauseHandler, refuseUnreachableApprovals } from '../drill/operatorMode';
import { printSummary } from './drillSummary';
import { leftRunningLines } from '../drill/leftRunning';
import type { HintContext } from '../drill/commandHints';
import type { InventoryEntry } from '../runningStackPlans';

export interface DrillOptions {
  plan?: string;
  inventory?: string;
  type: 'DRILL' | 'RECOVERY';
  pauseBefore?: number;
  speed: number;
  mode: ProgressMode;
  dataDir: string;
  /** Who resumes the pauses: the simulated operator (default), or a person from another shell. */
  operator?: OperatorMode;
  /** How long the simulated operator checks before resuming a pause. */
  resumeAfterMs: number;
  /** Give up watching after this long; absent: the default (watchLimitMs). */
  timeoutMs?: number;
  /** A person who starts it (unverified); without one the simulated operator starts it, or with --operator manual the CLI user. */
  initiatedBy?: string;
  /** Recover every server as of this ISO-8601 instant (its newest completed snapshot at or before it). */
  recoverAsOf?: string;
  /** An execution an earlier run left active on the plan: refused (default), followed, or cancelled first. */
  leftover?: LeftoverChoice;
  /** Start despite BLOCKING preflight findings, for this reason (an accepted deviation in the ledger). */
  overrideReason?: string;
  /** Notices Ctrl-C and SIGTERM (default: this process's). */
  interruption?: () => Interruption;
}

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

const loadPlan = (options: DrillOptions): RecoveryPlan => {
  const file = options.plan ?? SAMPLE_PLAN();
  const read = readPlanFile(file);
  if (!read.ok)
    throw new UsageError(`Plan ${file} is not valid:\n${read.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`);
  const plan = read.plans[0] as RecoveryPlan;
  if (options.pauseBefore === undefined) return plan;
  if (!Number.isInteger(options.pauseBefore) || options.pauseBefore < 1 || options.pauseBefore > plan.waves.length) {
    throw new UsageError(`--pause-before must be a wave number from 1 to ${plan.waves.length}`);
  }
  return {
    ...plan,
    waves: plan.waves.map((wave, index) => (index + 1 === options.pauseBefore ? { ...wave, pauseBeforeWave: true } : wave)),
  };
};

const loadInventory = (options: DrillOptions): InventoryEntry[] => {
  const file = options.inventory ?? (options.plan ? undefined : SAMPLE_INVENTORY());
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as InventoryEntry[]) : [];
};

/**
 * Who the drill's own requests are from. The simulated operator starts (and cancels a leftover) unless a person
 * is named with --initiated-by; with --operator manual the person is the CLI's user. Its resumes are always the
 * simulated operator's.
 */
const drillActor = (options: DrillOptions, operator: OperatorMode): DrillActor => {
  const name = options.initiatedBy ?? `${userInfo().username}@drs-ledger-cli`;
  return { name, simulated: operator === 'simulated' && options.initiatedBy === undefined };
};

const detailsOf = async (stack: DrillStack, executionId: string): Promise<Details & Record<string, unknown>> => {
  const details = await stack.invoke({ operation: 'get_execution_details', executionId });
  if (details.statusCode !== 200) throw new Error(`get_execution_details answered ${details.statusCode}: ${String(details.message)}`);
  return details as unknown as Details & Record<string, unknown>;
};

/**
 * How long a drill is watched unless --timeout says: a person may take as long as they need (manual), and a drill
 * through a running serve goes at serve's speed, which this one does not know; else about two hours of simulated
 * DRS time, the most a large plan needs, at this drill's speed.
 */
const watchLimitMs = (stack: DrillStack, options: DrillOptions): number | undefined =>
  options.operator === 'manual' || stack.role === 'client' ? undefined : Math.max(300, Math.ceil(7200 / options.speed)) * 1000;

/** Watches the execution to its end, resuming its pauses as the operator mode says; the exit code. */
const watch = async (
  stack: DrillStack,
  executionId: string,
  options: DrillOptions,
  context: { printer: ProgressPrinter; hints: HintContext; actor: DrillActor; interruption: Interruption; out: NodeJS.WritableStream },
): Promise<number> => {
  const { printer, hints, interruption, out } = context;
  const onPause = pauseHandler(hints.operator, { stack, ...context, resumeAfterMs: options.resumeAfterMs });
  const limitMs = options.timeoutMs ?? watchLimitMs(stack, options);
  const deadline = limitMs === undefined ? undefined : Date.now() + limitMs;
  for (;;) {
    const details = await detailsOf(stack, executionId);
    printer.update(details);
    onPause.observe?.(details);
    if (TERMINAL.includes(details.status)) {
      printer.close();
      await printSummary(stack, details as never, options.mode, out);
      return details.status === 'COMPLETED' ? EXIT.ok : EXIT.executionFailed;
    }
    if (details.status === 'PAUSED') await onPause.onPaused(details);
    if (interruption.signal || (deadline !== undefined && Date.now() > deadline)) {
      // What it stands at now: a resume may just have been sent.
      const now = interruption.signal ? await detailsOf(stack, executionId).catch(() => details) : details;
      printer.update(now);
      printer.close();
      const why = interruption.signal
        ? `Interrupted (${interruption.signal})`
        : `The drill did not finish within ${(limitMs ?? 0) / 1000}s`;
      writeLines(out, options.mode, leftRunningLines(now, hints, stack.role, why), {
        type: 'left-running',
        executionId,
        status: now.status,
      });
      return interruption.signal ? EXIT_INTERRUPTED : EXIT.executionFailed;
    }
    await interruption.sleep(100);
  }
};

const writeLines = (out: NodeJS.WritableStream, mode: ProgressMode, lines: string[], record: Record<string, unknown>): void => {
  out.write(mode === 'json' ? `${jsonForTerminal({ ...record, message: lines.join('\n') })}\n` : `${lines.join('\n')}\n`);
};

/**
 * `drs-ledger drill`: a whole drill of a plan, watched wave by wave and server by server. It owns the data folder
 * (or, when a `serve` owns it, runs as that serve's client), so that every other command reaches its stack.
 */
export const runDrill = async (options: DrillOptions, out: NodeJS.WritableStream): Promise<number> => {
  const operator = options.operator ?? 'simulated';
  const plan = loadPlan(options);
  refuseUnreachableApprovals(plan, operator);
  const hints: HintContext = {
    dataDir: options.dataDir,
    type: options.type,
    operator,
    ...(options.plan ? { planFile: options.plan } : {}),
    ...(options.recoverAsOf ? { recoverAsOf: options.recoverAsOf } : {}),
  };
  const actor = drillActor(options, operator);
  const interruption = (options.interruption ?? listenForInterruption)();
  const printer = new ProgressPrinter(options.mode, out);
  let stack: DrillStack | undefined;
  try {
    stack = await openDrillStack({ dataDir: options.dataDir, speed: options.speed, inventory: loadInventory(options) });
    if (stack.role === 'client') {
      printer.note(
        `drs-ledger serve (pid ${stack.endpoints.pid}) owns ${options.dataDir}: the drill runs through its endpoints, at its speed (--speed ${options.speed} does not apply).`,
      );
    }
    if (stack.role === 'owner' && stack.consoleLoginUrl)
      printer.note(`Console  ${stack.consoleLoginUrl} (open it to sign in, then watch, approve and read the ledger in a browser)`, {
        console: stack.endpoints.console,
        consoleLoginUrl: stack.consoleLoginUrl,
      });
    if (interruption.signal) return interruptedBeforeStart(out, options.mode);
    await stack.loadPlan(plan);
    const started = await startOrLeftover(
      stack,
      plan,
      hints,
      actor,
      options.leftover ?? 'refuse',
      interruption,
      (message, extra) => printer.note(message, extra),
      options.overrideReason,
    );
    return await watch(stack, started.executionId, options, { printer, hints, actor, interruption, out });
  } finally {
    printer.close();
    await stack?.close();
    interruption.dispose();
  }
};

const interruptedBeforeStart = (out: NodeJS.WritableStream, mode: ProgressMode): number => {
  writeLines(out, mode, ['Interrupted before any execution started: nothing is left running.'], { type: 'left-running' });
  return EXIT_INTERRUPTED;
};
