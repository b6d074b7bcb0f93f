/**
 * Replay: folding events in memory (the decider's evolve, and the read model's projectExecutionView), and
 * replaying a 10,000-event execution from dynalite (read every event, fold them) as a ratio to a bare Query
 * of the same items. Loading for a decision never replays: it reads the head item's state snapshot.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { replayView } from '../projections/projectExecutionView';
import { createDynamoDbClient } from '../src/adapters/dynamodb/client';
import { createTables } from '../src/adapters/dynamodb/createTables';
import { DynamoExecutionEventStore } from '../src/adapters/dynamodb/eventStore';
import { EVENT_PROJECTION, EVENT_PROJECTION_NAMES } from '../src/adapters/dynamodb/keys';
import { configFromEnv } from '../src/config';
import { fold, initialState } from '../src/domain/execution';
import { startEmbeddedDynamo } from '../src/local/embeddedDynamo';
import { batchWrite, ledgerItems } from '../test/support/runningExecutions';
import { meter } from './support/meter';
import { historyInMemory } from './support/seed';
import { median, timeRuns } from './support/stats';

export const REPLAY_EVENTS = 10_000;
const ROUNDS = 5;

export interface Replay {
  events: number;
  evolvePerSecond: number;
  projectPerSecond: number;
  /** Median ms: every item by a bare paginated Query, and store.read + fold of the same items. */
  bareQueryMs: number;
  replayMs: number;
  /** Read units of reading every item once, strongly consistent (what a replay costs on DynamoDB). */
  readUnits: number;
}

export const measureReplay = async (): Promise<Replay> => {
  const executionId = 'exec-replay';
  const events = historyInMemory(executionId, REPLAY_EVENTS);
  const evolveMs = median(await timeRuns(() => fold(events, initialState()), { minRuns: 5, minMs: 1000 }));
  const projectMs = median(await timeRuns(() => replayView(events), { minRuns: 5, minMs: 1000 }));

  const dynamo = await startEmbeddedDynamo();
  const config = configFromEnv({
    DRS_LEDGER_LOCAL: 'true',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DRS_LEDGER_TABLE_PREFIX: 'replay',
  });
  const client = createDynamoDbClient(config);
  try {
    await createTables(client, config.tables);
    await batchWrite(client, config.tables.events, ledgerItems(events));
    const store = new DynamoExecutionEventStore(client, config.tables.events);
    const input: QueryCommandInput = {
      TableName: config.tables.events,
      KeyConditionExpression: '#executionId = :id',
      ExpressionAttributeNames: EVENT_PROJECTION_NAMES,
      ExpressionAttributeValues: { ':id': { S: executionId } },
      ProjectionExpression: EVENT_PROJECTION,
      ConsistentRead: true,
    };
    const bareQuery = async () => {
      let count = 0;
      let startKey: QueryCommandInput['ExclusiveStartKey'];
      do {
        const output = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
        count += output.Count ?? 0;
        startKey = output.LastEvaluatedKey;
      } while (startKey);
      if (count !== REPLAY_EVENTS) throw new Error(`bare Query read ${count} items`);
    };
    const replay = async () => {
      const state = fold(
        (await store.read(executionId)).map((stored) => stored.event),
        initialState(),
      );
      if (state.version !== REPLAY_EVENTS) throw new Error(`replay reached version ${state.version}`);
    };
    const bare: number[] = [];
    const replays: number[] = [];
    const metered = meter(client);
    await bareQuery(); // warm up both paths once
    const readUnits = metered.usage().rcu;
    await replay();
    for (let round = 0; round < ROUNDS; round += 1) {
      bare.push(...(await timeRuns(bareQuery, { minRuns: 1, minMs: 0, maxRuns: 1 })));
      replays.push(...(await timeRuns(replay, { minRuns: 1, minMs: 0, maxRuns: 1 })));
    }
    return {
      events: REPLAY_EVENTS,
      evolvePerSecond: (REPLAY_EVENTS / evolveMs) * 1000,
      projectPerSecond: (REPLAY_EVENTS / projectMs) * 1000,
      bareQueryMs: median(bare),
      replayMs: median(replays),
      readUnits,
    };
  } finally {
    client.destroy();
    await dynamo.close();
  }
};

if (require.main === module) {
  measureReplay().then(
    (result) => console.log(JSON.stringify(result, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
