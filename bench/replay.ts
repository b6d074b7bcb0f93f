/**
 * Replay: folding events in memory (the decider's evolve one event at a time and its fold, and the read model's
 * projectExecutionView), and replaying a 10,000-event execution from dynalite (read every event, fold them) as a
 * ratio to a bare Query of the same items and to a Query of 10,000 raw 300-byte items (what an event store with
 * the leanest items would read), beside the bare Query and store.readPages without the fold, each timed alone (their
 * differences are not costs: each pays for the garbage of the task before it). Appending: sequential
 * one-event appends of the store against raw conditional PutItems of 300-byte items on the same table. Loading
 * for a decision never replays: it reads the newest K items.
 */
import { type DynamoDBClient, PutItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { dynamoItemBytes } from '../src/adapters/dynamodb/itemSize';
import type { Item } from '../src/adapters/dynamodb/marshalEvent';
import { replayView } from '../projections/projectExecutionView';
import { localDynamoConfig } from './support/localDynamoConfig';
import { createDynamoDbClient } from '../src/adapters/dynamodb/client';
import { createTables } from '../src/adapters/dynamodb/createTables';
import { DynamoExecutionEventStore } from '../src/adapters/dynamodb/eventStore';
import { PACKED_READ_NAMES, PACKED_READ_PROJECTION } from '../src/adapters/dynamodb/keys';
import { decidedFrom, evolve, type ExecutionState, fold, initialState } from '../src/domain/execution';
import { startEmbeddedDynamo } from '../src/local/embeddedDynamo';
import { batchWrite, ledgerItems } from '../test/support/runningExecutions';
import { meter } from './support/meter';
import { historyInMemory } from './support/seed';
import { median, timeRuns } from './support/stats';

export const REPLAY_EVENTS = 10_000;
const ROUNDS = 5;
/** What a lean event item weighs (the figure the raw baseline's items are padded to). */
const RAW_ITEM_BYTES = 300;
const APPENDS = 400;

export interface Replay {
  events: number;
  /** Events a second folded in memory one evolve at a time, and by fold (a run of polls changed in place). */
  evolvePerSecond: number;
  foldPerSecond: number;
  projectPerSecond: number;
  /**
   * Median ms, no I/O: JSON.parse of every item's stored event text and the fold of the events, timed twice in each
   * round (the mean of the two); and, round by round, that time over the raw Query's. Any store whose items hold events as
   * JSON pays both in a replay, on top of its Query: with dynalite on the bench's thread, a replay by a store whose
   * Query costs at least the raw Query's takes at least 1 + that share of the raw Query's time.
   */
  floorMs: number;
  floorRatios: number[];
  /**
   * Round by round, the replay's time over the raw Query's of the same round (each the mean of the two timed in the
   * round): the judged figure is their median.
   */
  rawRatios: number[];
  /** Each round's two raw Queries, ms, in the order timed: the first follows readPages, the second the floor. */
  rawPairs: Array<[number, number]>;
  /** Each round's two replays, ms, in the order timed: the first follows the floor, the second readPages. */
  replayPairs: Array<[number, number]>;
  /** Median ms: every item by a bare paginated Query, store.readPages of the same items, and readPages + fold. */
  bareQueryMs: number;
  readMs: number;
  replayMs: number;
  /** Read units of reading every item once, strongly consistent (what a replay costs on DynamoDB). */
  readUnits: number;
  /** Median ms of a Query of REPLAY_EVENTS raw 300-byte items in one partition (each round's mean of the two). */
  rawQueryMs: number;
  /** Mean bytes of a ledger item in the replayed history, as DynamoDB counts them. */
  ledgerItemBytes: number;
  /** Sequential appends per second: one-event decisions through the store, and raw conditional PutItems. */
  appendsPerSecond: number;
  rawPutsPerSecond: number;
}

/** Items of the raw baseline: the key, and a payload that makes each RAW_ITEM_BYTES as DynamoDB counts them. */
const rawItems = (executionId: string, count: number, fromSeq = 1): Item[] =>
  Array.from({ length: count }, (_, index) => {
    const item: Item = { executionId: { S: executionId }, seq: { N: String(fromSeq + index) }, payload: { S: '' } };
    item.payload = { S: 'x'.repeat(RAW_ITEM_BYTES - dynamoItemBytes(item)) };
    return item;
  });

/** The JSON text of an item's event as the store keeps it (format 4: after its links); the bench's items are all short. */
const storedEventJson = (item: Item): string => {
  const text = item.event?.S;
  if (text === undefined) throw new Error(`seq ${item.seq?.N}: a gzipped event in the replayed history`);
  return text.slice(text.indexOf('{'));
};

/**
 * APPENDS one-event appends in a row (each a decision's one conditional PutItem, on the stream the previous one
 * returned), against as many raw conditional PutItems of 300-byte items: what any event store must do at least.
 */
const measureAppends = async (client: DynamoDBClient, tableName: string, store: DynamoExecutionEventStore) => {
  const executionId = 'exec-appends';
  const history = historyInMemory(executionId, APPENDS + 2);
  const started = history.slice(0, 2);
  let loaded = await store.load(executionId);
  const first = await store.append(loaded, decidedFrom(loaded.state, started));
  if (!first.ok) throw new Error('append conflicted');
  loaded = first.loaded;
  const appendStart = performance.now();
  for (const event of history.slice(2)) {
    const result = await store.append(loaded, decidedFrom(loaded.state, [event]));
    if (!result.ok) throw new Error('append conflicted');
    loaded = result.loaded;
  }
  const appendMs = performance.now() - appendStart;
  const raw = rawItems('raw-appends', APPENDS);
  const putStart = performance.now();
  for (const item of raw) {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#seq)',
        ExpressionAttributeNames: { '#seq': 'seq' },
      }),
    );
  }
  const putMs = performance.now() - putStart;
  return { appendsPerSecond: (APPENDS / appendMs) * 1000, rawPutsPerSecond: (APPENDS / putMs) * 1000 };
};

export const measureReplay = async (): Promise<Replay> => {
  const executionId = 'exec-replay';
  const events = historyInMemory(executionId, REPLAY_EVENTS);
  const evolveMs = median(await timeRuns(() => events.reduce<ExecutionState>(evolve, initialState()), { minRuns: 5, minMs: 1000 }));
  const foldMs = median(await timeRuns(() => fold(events, initialState()), { minRuns: 5, minMs: 1000 }));
  const projectMs = median(await timeRuns(() => replayView(events), { minRuns: 5, minMs: 1000 }));
  const items = ledgerItems(events);
  const texts = items.map(storedEventJson);
  // What a replay must do with what its Query brings back, whatever the store: parse each stored event text, and
  // fold the events (the history's own objects: decoding parsed JSON into typed events is left out, so this is a floor).
  const parseAndFold = () => {
    const parsed = texts.map((text) => JSON.parse(text) as unknown);
    if (parsed.length !== REPLAY_EVENTS) throw new Error(`parsed ${parsed.length} events`);
    return fold(events, initialState());
  };

  const dynamo = await startEmbeddedDynamo();
  const config = localDynamoConfig(dynamo.endpoint, 'replay');
  const client = createDynamoDbClient(config);
  try {
    await createTables(client, config.tables);
    await batchWrite(client, config.tables.events, items);
    await batchWrite(client, config.tables.events, rawItems('raw-replay', REPLAY_EVENTS));
    const store = new DynamoExecutionEventStore(client, config.tables.events);
    const input: QueryCommandInput = {
      TableName: config.tables.events,
      KeyConditionExpression: '#executionId = :id',
      ExpressionAttributeNames: PACKED_READ_NAMES,
      ExpressionAttributeValues: { ':id': { S: executionId } },
      // What store.read projects: the same bytes on the wire.
      ProjectionExpression: PACKED_READ_PROJECTION,
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
    // Read as the replay reads, page by page, keeping none (store.read's array of every event would cost its
    // garbage collector more than the fold does).
    const read = async () => {
      let events = 0;
      for await (const page of store.readPages(executionId)) events += page.length;
      if (events !== REPLAY_EVENTS) throw new Error(`store.readPages read ${events} events`);
    };
    // Read page by page, each page folded while the store fetches the next. fold is the decider's fold of many
    // events, a run of polls changing in place what it copied: verify and a load's refold fold the whole ledger
    // the same way, a step at a time (stepwiseFold). Time-travel views fold projectExecutionView instead.
    const replay = async () => {
      let state = initialState();
      for await (const page of store.readPages(executionId))
        state = fold(
          page.map(({ event }) => event),
          state,
        );
      if (state.version !== REPLAY_EVENTS) throw new Error(`replay reached version ${state.version}`);
    };
    const rawQuery = async () => {
      let count = 0;
      let startKey: QueryCommandInput['ExclusiveStartKey'];
      do {
        const output = await client.send(
          new QueryCommand({
            TableName: config.tables.events,
            KeyConditionExpression: 'executionId = :id',
            ExpressionAttributeValues: { ':id': { S: 'raw-replay' } },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        count += output.Count ?? 0;
        startKey = output.LastEvaluatedKey;
      } while (startKey);
      if (count !== REPLAY_EVENTS) throw new Error(`raw Query read ${count} items`);
    };
    const bare: number[] = [];
    const raw: number[] = [];
    const reads: number[] = [];
    const replays: number[] = [];
    const floors: number[] = [];
    const rawPairs: Array<[number, number]> = [];
    const replayPairs: Array<[number, number]> = [];
    const metered = meter(client);
    await bareQuery(); // warm up both paths once
    const readUnits = metered.usage().rcu;
    await replay();
    parseAndFold();
    const once = async (task: () => unknown) => (await timeRuns(task, { minRuns: 1, minMs: 0, maxRuns: 1 }))[0] as number;
    // Each round times the raw Query and the replay twice, in an order where each follows store.readPages once
    // and the floor once: whatever garbage a task leaves for the next, both sides of the ratio pay alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      bare.push(await once(bareQuery));
      const firstRead = await once(read);
      const firstRaw = await once(rawQuery);
      const firstFloor = await once(parseAndFold);
      const firstReplay = await once(replay);
      const secondRead = await once(read);
      const secondReplay = await once(replay);
      const secondFloor = await once(parseAndFold);
      const secondRaw = await once(rawQuery);
      rawPairs.push([firstRaw, secondRaw]);
      replayPairs.push([firstReplay, secondReplay]);
      raw.push((firstRaw + secondRaw) / 2);
      replays.push((firstReplay + secondReplay) / 2);
      floors.push((firstFloor + secondFloor) / 2);
      reads.push((firstRead + secondRead) / 2);
    }
    const appends = await measureAppends(client, config.tables.events, store);
    return {
      ...appends,
      rawQueryMs: median(raw),
      ledgerItemBytes: items.reduce((sum, item) => sum + dynamoItemBytes(item), 0) / items.length,
      events: REPLAY_EVENTS,
      evolvePerSecond: (REPLAY_EVENTS / evolveMs) * 1000,
      foldPerSecond: (REPLAY_EVENTS / foldMs) * 1000,
      projectPerSecond: (REPLAY_EVENTS / projectMs) * 1000,
      floorMs: median(floors),
      floorRatios: floors.map((ms, round) => ms / (raw[round] ?? NaN)),
      rawRatios: replays.map((ms, round) => ms / (raw[round] ?? NaN)),
      rawPairs,
      replayPairs,
      bareQueryMs: median(bare),
      readMs: median(reads),
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
