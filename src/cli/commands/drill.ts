import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { RecoveryPlan } from '../../domain/plan';
import { readPlanFile } from '../../local/planFile';
import { FUNCTION_NAME, type LocalStack, startLocalStack } from '../../local/stack';
import type { OperationResponse } from '../../operations/responses';
import { DynamoLedgerRecordReader } from '../../adapters/dynamodb/ledgerRecordReader';
import { openLocalDigests, readChainInput } from '../digestAccess';
import { invokeHandler } from '../lambdaCalls';
import { defaultReportPath, writeReport } from './report';
import { SAMPLE_INVENTORY, SAMPLE_PLAN } from '../packageRoot';
import type { Details } from '../render/details';
import { statusTable } from '../render/details';
import { type ProgressMode, ProgressPrinter } from '../render/progress';
import { digestVerdictLines } from '../render/digestVerdict';
import { jsonForTerminal } from '../render/terminalText';
import { EXIT, UsageError } from '../exitCodes';

export interface DrillOptions {
  plan?: string;
  inventory?: string;
  type: 'DRILL' | 'RECOVERY';
  pauseBefore?: number;
  speed: number;
  mode: ProgressMode;
  dataDir: string;
  /** How long the simulated operator checks before resuming a pause. */
  resumeAfterMs: number;
  timeoutMs: number;
  initiatedBy?: string;
}

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

const loadInventory = (options: DrillOptions): Array<{ sourceServerID: string; hostname: string }> => {
  const file = options.inventory ?? (options.plan ? undefined : SAMPLE_INVENTORY());
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as Array<{ sourceServerID: string; hostname: string }>) : [];
};

/** Starts the execution, or follows the plan's active one (left by an interrupted drill). */
const startOrFollow = async (stack: LocalStack, plan: RecoveryPlan, options: DrillOptions, printer: ProgressPrinter): Promise<string> => {
  const started = await invokeHandler(stack.lambdaClient, FUNCTION_NAME, {
    operation: 'start_execution',
    planId: plan.planId,
    executionType: options.type,
    initiatedBy: options.initiatedBy ?? `${userInfo().username}@drs-ledger-cli`,
  });
  if (started.statusCode === 200) {
    printer.note(
      `Started ${options.type} ${String(started.executionId)} of "${plan.planName}": ${String(started.totalWaves)} waves, ${String(started.totalServers)} servers`,
      { executionId: started.executionId },
    );
    return started.executionId as string;
  }
  if (started.error === 'EXECUTION_CONFLICT' && typeof started.activeExecutionId === 'string') {
    printer.note(
      `Plan ${plan.planId} already has an active execution (${started.activeExecutionId}), left by an earlier run: following it.`,
    );
    return started.activeExecutionId;
  }
  throw new UsageError(`start_execution answered ${started.statusCode} ${String(started.error)}: ${String(started.message)}`);
};

/**
 * The end is settled once its notification is recorded (the local stack always has SNS) and that record is
 * sealed in a digest: only then is the head hash the one the ledger keeps and the digests vouch for. Bounded,
 * in case the notifier or the digest writer is down for good.
 */
const settledEvents = async (stack: LocalStack, executionId: string) => {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const events = await stack.deps.store.read(executionId);
    const head = events.at(-1);
    const sealed = (await stack.digests.writer.book.covered([executionId])).get(executionId);
    const settled = head?.event.type.startsWith('Notification') === true && sealed?.seq === head.event.seq;
    if (settled || Date.now() > deadline) return events;
    await sleep(50);
  }
};

const printSummary = async (stack: LocalStack, details: OperationResponse, options: DrillOptions, out: NodeJS.WritableStream) => {
  const executionId = details.executionId as string;
  const events = await settledEvents(stack, executionId);
  const head = events.at(-1);
  const reader = new DynamoLedgerRecordReader(stack.dynamoClient, stack.config.tables.events);
  const reportPath = defaultReportPath(stack.dataDir, executionId, 'html');
  // The signed digest chain, through the stack's own KMS and S3: which digest sealed the end.
  const opened = await openLocalDigests(stack.dataDir, stack.endpoints);
  const written = await writeReport(reader, executionId, 'html', reportPath, out, {
    alarms: stack.tamper.log,
    digests: await readChainInput(opened.access),
  }).finally(() => opened.close());
  const digests = 'digests' in written ? written.digests : undefined;
  if (options.mode === 'json') {
    const ledger = {
      events: events.length,
      headHash: head?.hash,
      dataDir: stack.dataDir,
      report: reportPath,
      ...(digests ? { digests } : {}),
    };
    out.write(`${jsonForTerminal({ type: 'result', details, ledger })}\n`);
    return;
  }
  out.write(`\n${statusTable(details as unknown as Details)}\n\n`);
  out.write(`Ledger: ${events.length} events for ${executionId}, head hash ${head?.hash ?? '-'}\n`);
  out.write(
    `Stored in ${stack.dataDir} (DynamoDB tables ${stack.config.tables.events}, ${stack.config.tables.executions}); notifications in ${stack.outboxPath}\n`,
  );
  for (const line of digests ? digestVerdictLines(executionId, digests) : []) out.write(`${line}\n`);
  out.write(`Evidence report (open in a browser): ${reportPath}\n`);
  out.write(`See it again: drs-ledger status ${executionId} · events ${executionId} · verify ${executionId} · report ${executionId}\n`);
};

/** `drs-ledger drill`: a whole drill on the local stack, watched wave by wave and server by server. */
export const runDrill = async (options: DrillOptions, out: NodeJS.WritableStream): Promise<number> => {
  const plan = loadPlan(options);
  const printer = new ProgressPrinter(options.mode, out);
  const stack = await startLocalStack({
    dataDir: options.dataDir,
    lambdaPort: 0,
    speed: options.speed,
    inventory: loadInventory(options),
  });
  try {
    await stack.loadPlans([plan]);
    const executionId = await startOrFollow(stack, plan, options, printer);
    const deadline = Date.now() + options.timeoutMs;
    let resumedForWave = 0;
    for (;;) {
      const details = await invokeHandler(stack.lambdaClient, FUNCTION_NAME, { operation: 'get_execution_details', executionId });
      if (details.statusCode !== 200) throw new Error(`get_execution_details answered ${details.statusCode}: ${String(details.message)}`);
      printer.update(details as unknown as Details);
      if (TERMINAL.includes(details.status as string)) {
        await printSummary(stack, details, options, out);
        return details.status === 'COMPLETED' ? EXIT.ok : EXIT.executionFailed;
      }
      if (details.status === 'PAUSED' && details.nextWave !== resumedForWave) {
        const nextWave = details.nextWave as number;
        printer.note(
          `Paused before wave ${nextWave}: the operator checks wave ${nextWave - 1}, then resumes (in ${(options.resumeAfterMs / 1000).toFixed(1)}s).`,
        );
        await sleep(options.resumeAfterMs);
        const resumed = await invokeHandler(stack.lambdaClient, FUNCTION_NAME, {
          operation: 'resume',
          executionId,
          planId: plan.planId,
          requestedBy: options.initiatedBy ?? `${userInfo().username}@drs-ledger-cli`,
        });
        printer.note(
          resumed.statusCode === 200 ? String(resumed.message) : `resume answered ${resumed.statusCode}: ${String(resumed.message)}`,
        );
        resumedForWave = nextWave;
      }
      if (Date.now() > deadline) {
        printer.note(`The drill did not finish within ${options.timeoutMs / 1000}s; it stays in the ledger as ${String(details.status)}.`);
        return EXIT.executionFailed;
      }
      await sleep(100);
    }
  } finally {
    await stack.close();
  }
};
