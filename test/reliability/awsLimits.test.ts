/**
 * AWS's limits at full size, through the production path (LambdaClient → execution-handler, the repo's
 * state machine in the local Step Functions, the DRS emulator with DRS's quotas, dynalite, the projector):
 * the largest plan the validator accepts (20 waves of 200 servers, 4,000 in all) runs to COMPLETED with
 * each 200-server wave as two DRS jobs; a 200-server wave whose servers all fail with 2 KB reasons ends
 * FAILED and is notified. Every item written is measured as DynamoDB measures it, and memory is sampled.
 */
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { dynamoItemBytes } from '../../src/adapters/dynamodb/itemSize';
import { MAX_LEDGER_ITEM_BYTES } from '../../src/adapters/dynamodb/ledgerItemSize';
import { MAX_SERVERS_PER_PLAN } from '../../src/domain/plan';
import type { LocalStack } from '../../src/local/stack';
import { invoke, startTestStack, waitFor } from '../support/localStack';
import { recordFigures } from './support/figures';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import { planOf } from './support/plans';

/**
 * Waits (at most 60 s) until the ledger's last event is the notification's record (a RECOVERY's) or the drill's
 * cleanup completed after it, and the view has folded it.
 */
const settled = async (stack: LocalStack, executionId: string): Promise<void> => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [last] = await stack.deps.store.read(executionId, { fromSeq: (await stack.deps.store.head(executionId))?.seq ?? 1 });
    const view = await stack.deps.views.get(executionId);
    if (/^Notification|^CleanupCompleted$/.test(last?.event.type ?? '') && view?.seq === last?.event.seq) return;
    if (Date.now() > deadline)
      throw new Error(`${executionId} did not settle: last ${last?.event.type} ${last?.event.seq}, view at ${view?.seq}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const largestItem = async (stack: LocalStack, tableName: string): Promise<{ bytes: number; items: number }> => {
  let bytes = 0;
  let items = 0;
  let startKey: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const page = await stack.dynamoClient.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      items += 1;
      bytes = Math.max(bytes, dynamoItemBytes(item));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { bytes, items };
};

/** The highest heap and RSS seen while `run` runs (sampled every 100 ms). */
const sampleMemory = async <T>(run: () => Promise<T>): Promise<{ result: T; heapMiB: number; rssMiB: number }> => {
  let heap = 0;
  let rss = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    heap = Math.max(heap, usage.heapUsed);
    rss = Math.max(rss, usage.rss);
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await run();
    sample();
    return { result, heapMiB: Math.round(heap / 2 ** 20), rssMiB: Math.round(rss / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
};

describe('AWS limits at full size', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ speed: 200, findIntervalMs: false });
  });
  afterAll(() => stack.close());

  it(`runs a ${MAX_SERVERS_PER_PLAN}-server plan to COMPLETED and fails a 200-server wave with bounded reasons, every item within DynamoDB's limit`, async () => {
    const started = Date.now();
    const largest = planOf('rp-largest', MAX_SERVERS_PER_PLAN / 200, 200, { tag: 'max' });
    const failing = planOf('rp-all-fail', 1, 200, { tag: 'fail' });
    await stack.loadPlans([largest, failing]);
    stack.drs.faults.apply({
      failServers: (failing.waves[0]?.sourceServerIds ?? []).map((sourceServerID) => ({
        sourceServerID,
        reason: `Encoded authorization failure message: ${sourceServerID} `.padEnd(2048, 'Qx7'),
      })),
    });

    const { result, heapMiB, rssMiB } = await sampleMemory(async () => {
      const big = await invoke(stack, {
        operation: 'start_execution',
        planId: largest.planId,
        executionType: 'DRILL',
        initiatedBy: 'dr-lead@example.com',
      });
      const bad = await invoke(stack, {
        operation: 'start_execution',
        planId: failing.planId,
        executionType: 'DRILL',
        initiatedBy: 'dr-lead@example.com',
      });
      expect(big).toMatchObject({ statusCode: 200 });
      expect(bad).toMatchObject({ statusCode: 200 });
      const bigEnd = await waitFor(stack, big.executionId as string, (details) => details.status !== 'RUNNING', 600_000);
      const badEnd = await waitFor(stack, bad.executionId as string, (details) => details.status !== 'RUNNING', 120_000);
      return { big: bigEnd, bad: badEnd };
    });
    expect(result.big).toMatchObject({ status: 'COMPLETED', totalServers: MAX_SERVERS_PER_PLAN });
    expect(result.bad).toMatchObject({ status: 'FAILED' });
    expect(result.bad.failureReason).toMatch(/200 of 200 servers failed to launch/);

    const bigId = result.big.executionId as string;
    for (let wave = 1; wave <= largest.waves.length; wave += 1) {
      expect(stack.drs.stats.startRecoveryFor(bigId, wave).jobsCreated).toBe(2);
    }
    const notified = readFileSync(stack.outboxPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { messageAttributes?: Record<string, { StringValue?: string }> });
    expect(notified.some((message) => message.messageAttributes?.executionId?.StringValue === result.bad.executionId)).toBe(true);

    // An end is settled after its status shows: sealed in a digest, notified, the notification recorded and projected.
    for (const executionId of [bigId, result.bad.executionId as string]) await settled(stack, executionId);
    const audit = await auditLedger(stack.deps, stack.dynamoClient, {
      expected: [bigId, result.bad.executionId as string],
      drsJobs: stack.drs.jobs(),
    });
    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
    const ledgerItems = await largestItem(stack, stack.config.tables.events);
    const viewItems = await largestItem(stack, stack.config.tables.executions);
    expect(ledgerItems.bytes).toBeLessThanOrEqual(MAX_LEDGER_ITEM_BYTES);
    expect(viewItems.bytes).toBeLessThanOrEqual(MAX_LEDGER_ITEM_BYTES);

    recordFigures({
      scenario: 'AWS limits at full size',
      operations: ledgerItems.items + viewItems.items,
      faultsInjected: 200,
      eventsChecked: audit.events,
      lost: lostCount(audit),
      duplicated: duplicatedCount(audit),
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: Math.round((Date.now() - started) / 1000),
      note:
        `${MAX_SERVERS_PER_PLAN} servers COMPLETED in 40 jobs; 200 failures recorded; largest ledger item ${Math.ceil(ledgerItems.bytes / 1024)} KB, ` +
        `largest view item ${Math.ceil(viewItems.bytes / 1024)} KB (limit 400); heap peak ${heapMiB} MiB, RSS peak ${rssMiB} MiB`,
    });
  });
});
