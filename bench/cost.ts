/**
 * Cost per operation: the DynamoDB requests and capacity of each operation, on an execution with 10 events
 * and on one with 10,000, driven through the execution-handler against dynalite and the emulators.
 * The projector (another Lambda on AWS) is counted apart, twice over the same events: fed one stream record per
 * invocation (the local stream's immediate mode, the worst case), and fed as DynamoDB's stream feeds it, the
 * records an operation appended together in one batch (a second projector, writing views of its own).
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../src/adapters/dynamodb/client';
import { createTables } from '../src/adapters/dynamodb/createTables';
import { DynamoExecutionEventStore } from '../src/adapters/dynamodb/eventStore';
import { viewItems } from '../src/adapters/dynamodb/executionViewItem';
import { DynamoExecutionViewStore } from '../src/adapters/dynamodb/executionViewStore';
import { createStreamHandler } from '../src/handlers/streamHandler';
import { manualClock } from '../src/local/emulators';
import { LocalDynamoStream } from '../src/local/localStream';
import { tapPutItems } from '../src/local/streamTap';
import { memoryTamperAlarms } from '../test/support/tamperAlarms';
import { padHistory, samplePlan } from './support/seed';
import { meter, type Usage } from './support/meter';
import { type BenchWorld, silentLogger, startBenchWorld } from './support/world';

export const SIZES = [10, 10_000] as const;

export interface OperationCost {
  ops: Usage;
  /** One stream record per invocation. */
  projector: Usage;
  /** The operation's records in one batch, as DynamoDB's stream hands them over. */
  projectorPerOperation: Usage;
  appended: number;
  eventTypes: string[];
}

/** Operation (or kind of poll) -> its cost at each history size. */
export type CostTable = Record<string, Partial<Record<number, OperationCost>>>;

/** What driving one whole drill cost (start to completion, with a pause; not get_execution_details), by the operations and by the projector. */
export interface DrillTotals {
  calls: number;
  polls: number;
  unchangedPolls: number;
  /** Events the drill's operations appended (the bench's padding not included). */
  events: number;
  ops: { rcu: number; wcu: number };
  /** One stream record per invocation. */
  projector: { rcu: number; wcu: number };
  /** The records of each operation in one batch. */
  projectorPerOperation: { rcu: number; wcu: number };
}

export interface Cost {
  table: CostTable;
  drills: Partial<Record<number, DrillTotals>>;
}

/** The emulated DRS takes up to about 18 minutes a wave: at 5 s a poll, a wave's polls stay well under this. */
const MAX_POLLS = 1_000;

/**
 * A second projector on the same events table, on its own client and views table, fed by a batched local
 * stream: `flush()` after an operation delivers that operation's records in one invocation, as AWS does when
 * they reach the stream together (one batch holds up to 100 records).
 */
const perOperationProjector = async (world: BenchWorld) => {
  const views = `${world.config.tables.executions}-per-operation`;
  await createTables(world.seedClient, { ...world.config.tables, executions: views });
  const client = createDynamoDbClient(world.config);
  const metered = meter(client);
  const handler = createStreamHandler({
    views: new DynamoExecutionViewStore(client, views),
    ledger: new DynamoExecutionEventStore(client, world.config.tables.events),
    logger: silentLogger(),
    alarms: memoryTamperAlarms().alarms,
  });
  const stream = new LocalDynamoStream({
    tableName: world.config.tables.events,
    region: world.config.region,
    mode: 'batched',
    consumer: handler,
  });
  tapPutItems(world.opsClient, world.config.tables.events, stream.listener);
  return {
    meter: metered,
    /** Delivers what the last operation appended, in one batch. */
    deliver: async () => {
      const result = await stream.flush({ batchSize: 100 });
      if (result.failed.length > 0) throw new Error(`per-operation projector failed ${result.failed.length} record(s)`);
    },
    /** Copies a view seeded outside the stream (the bench's padding) to this projector's table. */
    seed: async (executionId: string) => {
      const view = await world.deps.views.get(executionId);
      if (!view) throw new Error(`no view of ${executionId} to copy`);
      for (const item of viewItems(view)) await world.seedClient.send(new PutItemCommand({ TableName: views, Item: item }));
    },
    close: () => client.destroy(),
  };
};

const pollKind = (cost: OperationCost): string => {
  if (cost.appended === 0) return 'poll, no change';
  if (cost.eventTypes.includes('Finalized')) return 'poll, last wave ends (completes)';
  if (cost.eventTypes.includes('WaveStarted')) return 'poll, wave ends (next starts)';
  if (cost.eventTypes.includes('ExecutionPaused')) return 'poll, wave ends (pauses)';
  return 'poll, change within a wave';
};

export const measureCost = async (): Promise<Cost> => {
  const clock = manualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  const world = await startBenchWorld({ clock: clock.now });
  const perOperation = await perOperationProjector(world);
  const table: CostTable = {};
  const drills: Cost['drills'] = {};
  // Reads the ledger for the bench's bookkeeping, on the unmetered client.
  const ledger = new DynamoExecutionEventStore(world.seedClient, world.config.tables.events);
  try {
    for (const size of SIZES) {
      const plan = samplePlan(`h${String(size).padStart(5, '0')}`);
      await world.loadPlans(plan);
      const ref = { planId: plan.planId };
      const drill: DrillTotals = {
        calls: 0,
        polls: 0,
        unchangedPolls: 0,
        events: 0,
        ops: { rcu: 0, wcu: 0 },
        projector: { rcu: 0, wcu: 0 },
        projectorPerOperation: { rcu: 0, wcu: 0 },
      };
      let inDrill = true;

      const measure = async (event: Record<string, unknown>, executionId?: string) => {
        const before = executionId ? ((await ledger.head(executionId))?.seq ?? 0) : 0;
        world.ops.reset();
        world.projector.reset();
        perOperation.meter.reset();
        const response = await world.call(event);
        if (response.statusCode !== 200) throw new Error(`${String(event.operation)} answered ${JSON.stringify(response)}`);
        const ops = world.ops.usage();
        const projector = world.projector.usage();
        await perOperation.deliver();
        const projectorPerOperation = perOperation.meter.usage();
        const id = executionId ?? (response.executionId as string);
        const appended = (await ledger.read(id, { fromSeq: before + 1 })).map((stored) => stored.event.type);
        if (inDrill && event.operation !== 'get_execution_details') {
          drill.calls += 1;
          drill.events += appended.length;
          drill.ops.rcu += ops.rcu;
          drill.ops.wcu += ops.wcu;
          drill.projector.rcu += projector.rcu;
          drill.projector.wcu += projector.wcu;
          drill.projectorPerOperation.rcu += projectorPerOperation.rcu;
          drill.projectorPerOperation.wcu += projectorPerOperation.wcu;
          if (event.operation === 'poll') {
            drill.polls += 1;
            if (appended.length === 0) drill.unchangedPolls += 1;
          }
        }
        return { response, cost: { ops, projector, projectorPerOperation, appended: appended.length, eventTypes: appended } };
      };
      const record = (name: string, cost: OperationCost) => {
        (table[name] ??= {})[size] ??= cost;
      };
      const poll = async (executionId: string) => {
        const { response, cost } = await measure({ operation: 'poll', executionId, ...ref }, executionId);
        record(pollKind(cost), cost);
        return { response, cost };
      };
      const pollUntil = async (executionId: string, stepMs: number, done: (status: string, appended: number) => boolean) => {
        for (let i = 0; i < MAX_POLLS; i += 1) {
          clock.advance(stepMs);
          const { response, cost } = await poll(executionId);
          if (done(response.status as string, cost.appended)) return;
        }
        throw new Error(`poll never got there (${size} events)`);
      };

      const started = await measure({ operation: 'start_execution', ...ref, executionType: 'DRILL', initiatedBy: 'bench@example.com' });
      const executionId = started.response.executionId as string;
      await measure({ operation: 'poll', executionId, ...ref }, executionId); // in step with DRS before padding
      await padHistory(
        world.seedClient,
        world.config.tables,
        ledger,
        await world.deps.views.get(executionId),
        executionId,
        size,
        new Date(clock.now()).toISOString(),
      );
      await perOperation.seed(executionId);

      record(
        'get_execution_details',
        (await measure({ operation: 'get_execution_details', executionId, queryParams: ref }, executionId)).cost,
      );
      await poll(executionId);
      await pollUntil(executionId, 1_000, (_status, appended) => appended > 0);
      record(
        'pause (takes effect later)',
        (await measure({ operation: 'pause', executionId, ...ref, requestedBy: 'bench' }, executionId)).cost,
      );
      await pollUntil(executionId, 5_000, (status) => status === 'PAUSED');
      record(
        'wait_for_resume (state machine)',
        (await measure({ operation: 'wait_for_resume', executionId, ...ref, taskToken: 'bench-token' }, executionId)).cost,
      );
      record(
        'resume (starts next wave)',
        (await measure({ operation: 'resume', executionId, ...ref, requestedBy: 'bench' }, executionId)).cost,
      );
      await pollUntil(executionId, 5_000, (status) => status === 'COMPLETED');
      record('finalize (already complete)', (await measure({ operation: 'finalize', executionId, ...ref }, executionId)).cost);
      record('get_execution_details (ended)', (await measure({ operation: 'get_execution_details', executionId }, executionId)).cost);
      inDrill = false;
      drills[size] = drill;
      // The plan's previous execution now holds `size` events: start again.
      record(
        'start_execution (starts wave 1)',
        (await measure({ operation: 'start_execution', ...ref, executionType: 'DRILL', initiatedBy: 'bench@example.com' })).cost,
      );
    }
  } finally {
    perOperation.close();
    await world.close();
  }
  return { table, drills };
};

if (require.main === module) {
  measureCost()
    .then((cost) => console.log(JSON.stringify(cost, null, 1)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
