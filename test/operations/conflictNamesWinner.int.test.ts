/**
 * A ledger PutItem asks DynamoDB to name the item that refuses it (ReturnValuesOnConditionCheckFailure), at no
 * read cost. A writer that lost a seq then knows the winner's event without a Query: it folds it on, its link
 * checked as a read one is, and reads only what followed the winner before it decides again: the winner's event
 * may be the first of several, and a command is judged on the stream as it stands.
 * Against dynalite, through the real SDK client, every request counted. Snapshots every 5 items, so the
 * winner's seq 5 carries a state digest, checked against the fold like any other.
 */
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { decide, decidedFrom, type ExecutionCommand, type ExecutionEvent, initialState } from '../../src/domain/execution';
import { handleCommand } from '../../src/operations/handleCommand';
import type { LoadedExecution } from '../../src/ports/executionEventStore';
import type { TamperAlarm } from '../../src/ports/tamperAlarms';
import { at, observe, observeLaunched, recordWaveStarted, start } from '../fixtures/commands';
import { DB_1, EXECUTION_ID } from '../fixtures/plan';
import { givenCommands } from '../support/deciderSpec';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { withPackedEvent } from '../support/packedItem';
import { countRequests } from '../support/requestCounter';

/** DB_1 seen launching on `instance`: an ObserveWave that records one event unless that is already what the state holds. */
const seenOn = (instance: string, second: number): ExecutionCommand =>
  observe(1, 'STARTED', [{ serverId: DB_1, launchStatus: 'IN_PROGRESS', recoveryInstanceId: instance }], at(3, second));

const noBackoff = async () => undefined;

const SNAPSHOT_EVERY = 5;

/** The seq each Query of the ledger reads from (`:from`), in the order sent. */
const queriedFrom = (client: DynamoDBClient): string[] => {
  const from: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const value = (args.input as QueryCommandInput).ExpressionAttributeValues?.[':from']?.N;
      if (context.commandName === 'QueryCommand') from.push(value ?? 'head');
      return next(args);
    },
    { step: 'initialize', name: `queriedFrom-${Math.random()}` },
  );
  return from;
};

/** Just before `client` first sends a PutItem of `seq`, `before` runs (another writer, on a client of its own). */
const beforePutOf = (client: DynamoDBClient, seq: number, before: () => Promise<void>): void => {
  let fired = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!fired && context.commandName === 'PutItemCommand' && (args.input as PutItemCommandInput).Item?.seq?.N === String(seq)) {
        fired = true;
        await before();
      }
      return next(args);
    },
    { step: 'initialize', name: `beforePutOf-${Math.random()}` },
  );
};

describe('a writer that lost a seq folds on the event the refusal named', () => {
  let context: DynamoTestContext;
  let store: DynamoExecutionEventStore;
  let alarms: TamperAlarm[];
  /** The stream as both writers read it: a running wave, 4 events; the winner takes seq 5. */
  let held: LoadedExecution;

  const winnerAppends = async (command: ExecutionCommand): Promise<ExecutionEvent> => {
    const decision = decide(command, held.state);
    if (!decision.ok || decision.events.length !== 1) throw new Error('the winner decided no single event');
    const written = await store.append(held, decision);
    if (!written.ok) throw new Error('the winner conflicted');
    return decision.events[0] as ExecutionEvent;
  };

  beforeEach(async () => {
    context = await startTestDynamo();
    alarms = [];
    store = new DynamoExecutionEventStore(context.client, context.config.tables.events, {
      snapshotEvery: SNAPSHOT_EVERY,
      onTamper: async (alarm) => {
        alarms.push(alarm);
      },
    });
    const opening = givenCommands(start(), recordWaveStarted(1, at(1)), seenOn('i-0first', 0)).events;
    const seeded = await store.append(await store.load(EXECUTION_ID), decidedFrom(initialState(), opening));
    if (!seeded.ok) throw new Error('seeding conflicted');
    held = seeded.loaded;
    if (held.state.version !== 4) throw new Error(`seeded ${held.state.version} events`);
  });
  afterEach(() => stopTestDynamo(context));

  it('given another writer took seq 5, when this writer appends there, then the conflict names that event and costs no read', async () => {
    const winner = await winnerAppends(seenOn('i-0second', 1));
    const counter = countRequests(context.client);

    const mine = decide(seenOn('i-0third', 2), held.state);
    if (!mine.ok) throw new Error('refused');
    const result = await store.append(held, mine);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.conflict).toMatchObject({ kind: 'VersionConflict', seq: 5, taken: { event: winner } });
    expect(result.conflict.taken?.stateDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(counter.counts).toEqual({ PutItemCommand: 1 });
  });

  it('given the winner recorded the same observation, when this writer runs it, then it reads only what followed the winner and appends nothing', async () => {
    await winnerAppends(seenOn('i-0second', 1));
    const counter = countRequests(context.client);
    const from = queriedFrom(context.client);

    const outcome = await handleCommand({ store, backoff: noBackoff }, held, () => seenOn('i-0second', 1));

    // The winner's event may be the first of several it appended: the command is judged on the stream as it stands.
    expect(counter.counts).toEqual({ PutItemCommand: 1, QueryCommand: 1 });
    expect(from).toEqual(['6']);
    expect(outcome).toMatchObject({ ok: true, appended: [] });
    expect(outcome.loaded).toEqual(await store.load(EXECUTION_ID));
  });

  it('given the winner recorded something else, when this writer runs its command, then it reads only what followed the winner and appends after it', async () => {
    await winnerAppends(seenOn('i-0second', 1));
    const counter = countRequests(context.client);
    const from = queriedFrom(context.client);

    const outcome = await handleCommand({ store, backoff: noBackoff }, held, () => seenOn('i-0third', 2));

    expect(counter.counts).toEqual({ PutItemCommand: 2, QueryCommand: 1 });
    expect(from).toEqual(['6']);
    expect(outcome.ok).toBe(true);
    expect(outcome.appended.map((stored) => stored.event.seq)).toEqual([6]);
    expect(outcome.loaded).toEqual(await store.load(EXECUTION_ID));
  });

  it("given another writer took the second of this writer's three seqs, when it runs, then it folds its own first event and the winner's, and only advances what is left", async () => {
    // This writer sees the wave's servers launched: WavePolled (5), WaveCompleted (6), WaveStartRequested (7). Just
    // before its seq 6, another writer that read its 5 sees the same: nothing to poll, so WaveCompleted and
    // WaveStartRequested.
    const otherClient = createDynamoDbClient(context.config);
    const other = new DynamoExecutionEventStore(otherClient, context.config.tables.events, { snapshotEvery: SNAPSHOT_EVERY });
    beforePutOf(context.client, 6, async () => {
      const advanced = await handleCommand({ store: other, backoff: noBackoff }, await other.load(EXECUTION_ID), () =>
        observeLaunched(1, at(4)),
      );
      if (advanced.appended.map((stored) => stored.event.seq).join() !== '6,7')
        throw new Error('the other writer did not advance the wave');
    });
    const counter = countRequests(context.client);
    const from = queriedFrom(context.client);

    const outcome = await handleCommand({ store, backoff: noBackoff }, held, () => observeLaunched(1, at(4)));
    otherClient.destroy();

    // Its seq 5 stored, 6 refused naming the winner's WaveCompleted: the Advance that follows still has a wave to
    // request on the state at 6, so it reads from 7, finds it requested, and is done.
    expect(counter.counts).toEqual({ PutItemCommand: 2, QueryCommand: 1 });
    expect(from).toEqual(['7']);
    expect(outcome.ok).toBe(true);
    expect(outcome.appended.map((stored) => [stored.event.seq, stored.event.type])).toEqual([[5, 'WavePolled']]);
    expect(outcome.loaded).toEqual(await store.load(EXECUTION_ID));
    expect((await store.read(EXECUTION_ID)).map((stored) => stored.event.type).slice(4)).toEqual([
      'WavePolled',
      'WaveCompleted',
      'WaveStartRequested',
    ]);
  });

  it("given the winner's item edited in the table after it was written, when the refusal names it, then the writer refuses to decide on it and raises the alarm", async () => {
    await winnerAppends(seenOn('i-0second', 1));
    const table = context.config.tables.events;
    const key = { executionId: { S: EXECUTION_ID }, seq: { N: '5' } };
    const { Item } = await context.client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    await context.client.send(
      new PutItemCommand({ TableName: table, Item: withPackedEvent(Item as Item, (content) => ({ ...content, actor: 'mallory' })) }),
    );
    const counter = countRequests(context.client);

    await expect(handleCommand({ store, backoff: noBackoff }, held, () => seenOn('i-0third', 2))).rejects.toMatchObject({
      name: 'LedgerIntegrityError',
    });
    // The named item does not link: it is read from the table (from seq 5) and judged there.
    expect(counter.counts).toEqual({ PutItemCommand: 1, QueryCommand: 1 });
    expect(alarms).toMatchObject([{ kind: 'LedgerBroken', executionId: EXECUTION_ID, seq: 5 }]);
    expect((await store.head(EXECUTION_ID))?.seq).toBe(5);
  });
});
