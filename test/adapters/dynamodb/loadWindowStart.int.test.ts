/**
 * A load reads the newest K items (one of them carries a snapshot) and folds those after the snapshot. Once a
 * store has seen an execution's head, its next load starts its window at the snapshot at or below that head
 * (and the item before it, whose link it checks): the items older than the snapshot, about half of K on
 * average, are no longer read (issue 17: a poll's load). It is only a hint: whatever the ledger became since
 * (grown past the next snapshot, an item deleted or rewritten at the window's start, written under another K),
 * the load comes to what a store that never saw it comes to, reading the newest K when the hinted window cannot
 * show as much.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import type { Item } from '../../../src/adapters/dynamodb/marshalEvent';
import { decidedFrom, type ExecutionEvent, initialState } from '../../../src/domain/execution';
import type { TamperAlarm } from '../../../src/ports/tamperAlarms';
import { at, observe, recordWaveStarted, start } from '../../fixtures/commands';
import { DB_1, EXECUTION_ID } from '../../fixtures/plan';
import { givenCommands } from '../../support/deciderSpec';
import { linksOf, withLinks } from '../../audit/support/rawLedger';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';

/** A running wave whose first server is seen on one recovery instance, then the other: one event each. */
const historyOf = (events: number): readonly ExecutionEvent[] => {
  const flips = Array.from({ length: events }, (_, index) =>
    observe(1, 'STARTED', [{ serverId: DB_1, launchStatus: 'IN_PROGRESS', recoveryInstanceId: `i-0flip${index % 2}` }], at(2, index)),
  );
  return givenCommands(start(), recordWaveStarted(1, at(1)), ...flips).events.slice(0, events);
};

/** How many items each Query a client sends returns, as the SDK hands them back. */
const itemsPerQuery = (client: DynamoDBClient): number[] => {
  const counts: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') counts.push(((result.output as { Items?: unknown[] }).Items ?? []).length);
      return result;
    },
    { step: 'initialize', name: `itemsPerQuery-${Math.random()}` },
  );
  return counts;
};

describe("a load's window, started at the snapshot below the head the store last saw", () => {
  let context: DynamoTestContext;
  const history = historyOf(70);
  const key = (seq: number) => ({ executionId: { S: EXECUTION_ID }, seq: { N: String(seq) } });
  const table = () => context.config.tables.events;

  /** A store (K = 20 unless said) that wrote `count` events of the history: it has seen their head. */
  const writer = async (count: number, options: { onTamper?: (alarm: TamperAlarm) => Promise<void>; snapshotEvery?: number } = {}) => {
    const store = new DynamoExecutionEventStore(context.client, table(), options);
    const appended = await store.append(await store.load(EXECUTION_ID), decidedFrom(initialState(), history.slice(0, count)));
    if (!appended.ok) throw new Error('seeding conflicted');
    return store;
  };
  /** A store that has seen nothing: the reference a hinted load must agree with. */
  const fresh = () => new DynamoExecutionEventStore(context.client, table());

  beforeEach(async () => {
    context = await startTestDynamo();
  });
  afterEach(() => stopTestDynamo(context));

  it('given a head at 45 the store wrote, then its load reads 7 items (39 to 45, not 26 to 45) and comes to the same state', async () => {
    const store = await writer(45);
    const counts = itemsPerQuery(context.client);

    const loaded = await store.load(EXECUTION_ID);

    expect(counts).toEqual([7]);
    expect(loaded).toEqual(await fresh().load(EXECUTION_ID));
    expect(counts).toEqual([7, 20]);
    expect(loaded.state.version).toBe(45);
  });

  it('given another writer appended 25 more since (past the next snapshot), then the newest K are read, as without the hint', async () => {
    const store = await writer(45);
    await store.load(EXECUTION_ID);
    const other = fresh();
    const appended = await other.append(
      await other.load(EXECUTION_ID),
      decidedFrom((await other.load(EXECUTION_ID)).state, history.slice(45)),
    );
    if (!appended.ok) throw new Error('the other writer conflicted');
    const counts = itemsPerQuery(context.client);

    const loaded = await store.load(EXECUTION_ID);

    // The hinted Query's Limit cut it short of 39: the window cannot show that nothing is missing there.
    expect(counts).toEqual([20, 20]);
    expect(loaded).toEqual(await fresh().load(EXECUTION_ID));
    expect(loaded.state.version).toBe(70);
  });

  it('given the ledger is not what the store saw (recreated shorter), then it reads the newest K as if new', async () => {
    const store = await writer(45);
    for (let seq = 22; seq <= 45; seq += 1) await context.client.send(new DeleteItemCommand({ TableName: table(), Key: key(seq) }));
    const counts = itemsPerQuery(context.client);

    const loaded = await store.load(EXECUTION_ID);

    expect(counts).toEqual([0, 20]);
    expect(loaded.state.version).toBe(21);
    expect(loaded).toEqual(await fresh().load(EXECUTION_ID));
  });

  it('given the head last seen at a snapshot (40), then the window is that snapshot and the item before it', async () => {
    const store = await writer(40);
    const counts = itemsPerQuery(context.client);

    const loaded = await store.load(EXECUTION_ID);

    expect(counts).toEqual([2]);
    expect(loaded).toEqual(await fresh().load(EXECUTION_ID));
  });

  /** What a load comes to: its state's version, or the error it raised. */
  const outcomeOf = (load: Promise<{ state: { version: number } }>) =>
    load.then(
      (loaded) => ({ version: loaded.state.version }),
      (error: unknown) => ({ error: error instanceof Error ? error.name : String(error) }),
    );

  /** The hinted load refuses the ledger as broken, and so does a store that never saw it. */
  const expectRefusedAsByAFreshStore = async (store: DynamoExecutionEventStore) => {
    const hinted = await outcomeOf(store.load(EXECUTION_ID));
    expect(hinted).toEqual({ error: 'LedgerIntegrityError' });
    expect(await outcomeOf(fresh().load(EXECUTION_ID))).toEqual(hinted);
  };

  it('given the item before the snapshot deleted (39), then the hinted load refuses the ledger as a fresh one does', async () => {
    const store = await writer(45);
    await context.client.send(new DeleteItemCommand({ TableName: table(), Key: key(39) }));

    await expectRefusedAsByAFreshStore(store);
  });

  it('given snapshots every 13th (one at 39, where the window starts) and the hash of item 38 rewritten, then the hinted load refuses it as a fresh one does', async () => {
    await writer(45, { snapshotEvery: 13 });
    const reader = fresh();
    await reader.load(EXECUTION_ID);
    const { Item } = await context.client.send(new GetItemCommand({ TableName: table(), Key: key(38) }));
    // The item's own hash (what seq 39's prevHash must equal), one byte of it flipped.
    const { hash } = linksOf(Item as Item);
    const flipped = `${hash.slice(0, 16)}${(0xff ^ parseInt(hash.slice(16, 18), 16)).toString(16).padStart(2, '0')}${hash.slice(18)}`;
    await context.client.send(new PutItemCommand({ TableName: table(), Item: withLinks(Item as Item, { hash: flipped }) }));

    await expectRefusedAsByAFreshStore(reader);
  });

  it('given a ledger written under another K (snapshots every 30th), then a window without one is read again as the newest K, not refolded', async () => {
    await writer(45, { snapshotEvery: 30 });
    const reader = fresh();
    const expected = await reader.load(EXECUTION_ID);
    const counts = itemsPerQuery(context.client);

    const loaded = await reader.load(EXECUTION_ID);

    // 39 to 45 holds no snapshot under K = 30; 26 to 45 holds seq 30's. No Query of the whole ledger.
    expect(counts).toEqual([7, 20]);
    expect(loaded).toEqual(expected);
  });

  it('given the snapshot in the window edited, then the hinted load still raises its alarm and decides on the refold', async () => {
    const alarms: TamperAlarm[] = [];
    const store = await writer(45, { onTamper: async (alarm) => void alarms.push(alarm) });
    const { Item } = await context.client.send(new GetItemCommand({ TableName: table(), Key: key(40) }));
    const snapshot = Item as Item;
    // Another state's snapshot (seq 20's) in seq 40's item: its digest no longer matches what the hash covers.
    const other = (await context.client.send(new GetItemCommand({ TableName: table(), Key: key(20) }))).Item as Item;
    await context.client.send(new PutItemCommand({ TableName: table(), Item: { ...snapshot, state: other.state as Item[string] } }));

    const loaded = await store.load(EXECUTION_ID);

    expect(alarms.map((alarm) => `${alarm.kind} ${alarm.seq}`)).toEqual(['SnapshotMismatch 40']);
    expect(loaded.state.version).toBe(45);
  });
});
