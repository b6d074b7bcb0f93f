/**
 * Projection lag: from an event's append to its view updated, locally. Immediate: the local stream hands each
 * written item to the projector before the append returns (tests, the CLI). Batched: items wait for a flush
 * every 250 ms in batches of up to 100, as Lambda polls a DynamoDB stream shard about four times a second.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { seedRunningExecutions } from '../test/support/runningExecutions';
import type { Item } from '../src/adapters/dynamodb/marshalEvent';
import { paddingEvents } from './support/seed';
import { decidedFrom } from '../src/domain/execution';
import { percentile } from './support/stats';
import { type BenchWorld, startBenchWorld } from './support/world';

const EXECUTIONS = 4;
const APPENDS_PER_EXECUTION = 250;
const FLUSH_EVERY_MS = 250;
const BATCH_SIZE = 100;

export interface LagFigures {
  p50: number;
  p99: number;
  samples: number;
}

export interface ProjectionLag {
  immediate: LagFigures;
  batched: LagFigures & { flushEveryMs: number; batchSize: number };
}

const keyOf = (executionId: string | undefined, seq: string | undefined) => `${executionId}#${seq}`;
const itemKey = (item: Item) => keyOf(item.executionId?.S, item.seq?.N);
const recordKey = (record: DynamoDBRecord) => keyOf(record.dynamodb?.Keys?.executionId?.S, record.dynamodb?.Keys?.seq?.N);

/** Appends events two at a time to each execution (the executions side by side), through the event store. */
const appendEvents = async (world: BenchWorld, executionIds: string[]): Promise<void> => {
  await Promise.all(
    executionIds.map(async (executionId) => {
      for (let i = 0; i < APPENDS_PER_EXECUTION; i += 2) {
        const loaded = await world.deps.store.load(executionId);
        const result = await world.deps.store.append(
          loaded,
          decidedFrom(loaded.state, paddingEvents(loaded.state, 2, new Date().toISOString())),
        );
        if (!result.ok) throw new Error('append conflict');
      }
    }),
  );
};

const seed = async (world: BenchWorld) =>
  (
    await seedRunningExecutions({
      client: world.seedClient,
      tables: world.config.tables,
      drsJobs: world.drs.jobs(),
      count: EXECUTIONS,
      tag: 'lag',
      nowMs: Date.now(),
    })
  ).map((execution) => execution.executionId);

const figures = (lags: number[]): LagFigures => ({ p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), samples: lags.length });

export const measureProjectionLag = async (): Promise<ProjectionLag> => {
  // Immediate: the listener returns once the projector has written the view.
  const immediateLags: number[] = [];
  const immediate = await startBenchWorld({
    clock: Date.now,
    wrapListener: (listener) => async (item) => {
      const started = performance.now();
      await listener(item);
      immediateLags.push(performance.now() - started);
    },
  });
  try {
    await appendEvents(immediate, await seed(immediate));
  } finally {
    await immediate.close();
  }

  // Batched: appended at one time, projected at the end of a later flush's batch.
  const appendedAt = new Map<string, number>();
  const batchedLags: number[] = [];
  const batched = await startBenchWorld({
    clock: Date.now,
    streamMode: 'batched',
    wrapListener: (listener) => async (item) => {
      appendedAt.set(itemKey(item), performance.now());
      await listener(item);
    },
    onProjected: (records) => {
      const now = performance.now();
      for (const record of records) batchedLags.push(now - (appendedAt.get(recordKey(record)) ?? now));
    },
  });
  try {
    const executionIds = await seed(batched);
    let appending = true;
    const flusher = (async () => {
      while (appending || batched.stream.pending.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, FLUSH_EVERY_MS));
        await batched.stream.flush({ batchSize: BATCH_SIZE });
      }
    })();
    await appendEvents(batched, executionIds);
    appending = false;
    await flusher;
  } finally {
    await batched.close();
  }
  return { immediate: figures(immediateLags), batched: { ...figures(batchedLags), flushEveryMs: FLUSH_EVERY_MS, batchSize: BATCH_SIZE } };
};

if (require.main === module) {
  measureProjectionLag().then(
    (result) => console.log(JSON.stringify(result, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
