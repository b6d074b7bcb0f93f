/**
 * Throughput: end-to-end polls per second (the execution-handler in process: parse, load the ledger head,
 * DescribeJobs from the DRS emulator, decide; nothing changes) against conditional PutItems per second of
 * ledger items, on the same dynalite in the same run, interleaved, 8 at a time each.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { putEventInput } from '../src/adapters/dynamodb/putEventInput';
import { ledgerItems, seedRunningExecutions } from '../test/support/runningExecutions';
import { historyInMemory } from './support/seed';
import { startBenchWorld } from './support/world';

const EXECUTIONS = 50;
const OPS_PER_ROUND = 1_000;
const ROUNDS = 2;
const CONCURRENCY = 8;

export interface Throughput {
  pollsPerSecond: number;
  putsPerSecond: number;
  operations: number;
  concurrency: number;
}

/** ms to run `count` tasks, `CONCURRENCY` at a time. */
const timed = async (count: number, task: (index: number) => Promise<void>): Promise<number> => {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await task(index);
      }
    }),
  );
  return performance.now() - started;
};

export const measureThroughput = async (): Promise<Throughput> => {
  const world = await startBenchWorld({ clock: Date.now });
  try {
    const executions = await seedRunningExecutions({
      client: world.seedClient,
      tables: world.config.tables,
      drsJobs: world.drs.jobs(),
      count: EXECUTIONS,
      tag: 'tput',
      nowMs: Date.now(),
    });
    // Ledger items of one long history, each put on its own free seq.
    const items = ledgerItems(historyInMemory('exec-throughput', OPS_PER_ROUND * ROUNDS));
    let pollMs = 0;
    let putMs = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      putMs += await timed(OPS_PER_ROUND, async (index) => {
        const item = items[round * OPS_PER_ROUND + index];
        if (!item) throw new Error('no item');
        // An untapped client: the baseline is the bare conditional write, with no stream behind it.
        await world.seedClient.send(new PutItemCommand(putEventInput(world.config.tables.events, item)));
      });
      pollMs += await timed(OPS_PER_ROUND, async (index) => {
        const { executionId, planId } = executions[index % EXECUTIONS] as (typeof executions)[number];
        const response = await world.call({ operation: 'poll', executionId, planId });
        if (response.statusCode !== 200 || response.pollError) throw new Error(`poll answered ${JSON.stringify(response)}`);
      });
    }
    const operations = OPS_PER_ROUND * ROUNDS;
    return {
      pollsPerSecond: (operations / pollMs) * 1000,
      putsPerSecond: (operations / putMs) * 1000,
      operations,
      concurrency: CONCURRENCY,
    };
  } finally {
    await world.close();
  }
};

if (require.main === module) {
  measureThroughput().then(
    (result) => console.log(JSON.stringify(result, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
