import { join } from 'node:path';
import { DynamoDigestBookkeeping } from '../../adapters/dynamodb/digestBookkeepingStore';
import type { OperationResponse } from '../../operations/responses';
import { readChainInput } from '../digestAccess';
import { type LedgerAccess, ledgerRecordReader, openLedger } from '../ledgerAccess';
import { defaultReportPath, writeReport } from './report';
import type { Details } from '../render/details';
import { statusTable } from '../render/details';
import { digestVerdictLines } from '../render/digestVerdict';
import type { ProgressMode } from '../render/progress';
import { jsonForTerminal } from '../render/terminalText';
import type { DrillStack } from '../drill/drillStack';
import { cli } from '../drill/commandHints';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The end is settled once its notification is recorded (the local stack always has SNS) and that record is
 * sealed in a digest: only then is the head hash the one the ledger keeps and the digests vouch for. Bounded,
 * in case the notifier or the digest writer is down for good.
 */
const settledEvents = async (ledger: LedgerAccess, executionId: string) => {
  const book = new DynamoDigestBookkeeping(ledger.client, ledger.config.tables.executions);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = await ledger.store.read(executionId);
    const head = events.at(-1);
    const sealed = (await book.covered([executionId])).get(executionId);
    // A drill's cleanup follows its notification, and the scheduled find carries it on: a drill is settled once its
    // cleanup is recorded complete (and sealed), a recovery once its notification is.
    const started = events[0]?.event;
    const drill = started?.type === 'ExecutionStarted' && started.data.executionType === 'DRILL';
    const type = head?.event.type ?? '';
    const last = drill ? type === 'CleanupCompleted' : type.startsWith('Notification');
    const settled = last && sealed?.seq === head?.event.seq;
    if (settled || Date.now() > deadline) return events;
    await sleep(50);
  }
};

/** A drill's cleanup as get_execution_details has it now (it may still be under way: find carries it on). */
const cleanupLine = async (stack: DrillStack, executionId: string): Promise<string | undefined> => {
  const details = await stack.invoke({ operation: 'get_execution_details', executionId });
  const cleanup = details.cleanup as { status?: unknown; terminated?: unknown; remaining?: unknown; dueAt?: unknown } | undefined;
  if (details.statusCode !== 200 || typeof cleanup !== 'object' || cleanup === null) return undefined;
  const count = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : '?');
  const status = typeof cleanup.status === 'string' && /^[A-Z_]{1,20}$/.test(cleanup.status) ? cleanup.status : 'UNKNOWN';
  return `Drill cleanup: ${status} · ${count(cleanup.terminated)} recovery instance(s) terminated and confirmed gone, ${count(cleanup.remaining)} remaining`;
};

/**
 * What a finished drill prints: the status table, the ledger's size and head, where it is stored, the digest
 * verdict and the HTML evidence report it writes. Read through the folder's published endpoints, as any other
 * command reads them: the same whether the drill owns the stack or a `serve` does.
 */
export const printSummary = async (
  stack: DrillStack,
  details: OperationResponse,
  mode: ProgressMode,
  out: NodeJS.WritableStream,
): Promise<void> => {
  const executionId = details.executionId as string;
  const ledger = await openLedger(stack.dataDir);
  try {
    const events = await settledEvents(ledger, executionId);
    const head = events.at(-1);
    const reportPath = defaultReportPath(stack.dataDir, executionId, 'html');
    const written = await writeReport(ledgerRecordReader(ledger), executionId, 'html', reportPath, out, {
      alarms: ledger.tamperAlarms,
      digests: await readChainInput(await ledger.digests()),
    });
    const digests = 'digests' in written ? written.digests : undefined;
    if (mode === 'json') {
      const record = {
        events: events.length,
        headHash: head?.hash,
        dataDir: stack.dataDir,
        report: reportPath,
        ...(digests ? { digests } : {}),
      };
      out.write(`${jsonForTerminal({ type: 'result', details, ledger: record })}\n`);
      return;
    }
    out.write(`\n${statusTable(details as unknown as Details)}\n\n`);
    const cleanup = await cleanupLine(stack, executionId);
    if (cleanup) out.write(`${cleanup}\n`);
    out.write(`Ledger: ${events.length} events for ${executionId}, head hash ${head?.hash ?? '-'}\n`);
    out.write(
      `Stored in ${stack.dataDir} (DynamoDB tables ${ledger.config.tables.events}, ${ledger.config.tables.executions}); notifications in ${join(stack.dataDir, 'notifications.jsonl')}\n`,
    );
    for (const line of digests ? digestVerdictLines(executionId, digests) : []) out.write(`${line}\n`);
    out.write(`Evidence report (open in a browser): ${reportPath}\n`);
    const again = cli({ dataDir: stack.dataDir });
    out.write(`See it again: ${again} status ${executionId} · events ${executionId} · verify ${executionId} · report ${executionId}\n`);
  } finally {
    await ledger.close();
  }
};
