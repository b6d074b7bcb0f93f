/**
 * A ledger PutItem asks DynamoDB to name the item that refuses it (ReturnValuesOnConditionCheckFailure), at no
 * read cost. A writer that lost a seq then knows the winner's event without a Query: it folds it on, its link
 * checked as a read one is, and leaves with no read at all when the winner recorded what it meant to (two polls
 * that saw the same change). Only a writer with something still to write reads what followed the winner.
 * Against dynalite, through the real SDK client, every request counted.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { decide, decidedFrom, type ExecutionCommand, type ExecutionEvent, initialState } from '../../src/domain/execution';
import { handleCommand } from '../../src/operations/handleCommand';
import type { LoadedExecution } from '../../src/ports/executionEventStore';
import type { TamperAlarm } from '../../src/ports/tamperAlarms';
import { at, observe, recordWaveStarted, start } from '../fixtures/commands';
import { DB_1, EXECUTION_ID } from '../fixtures/plan';
import { givenCommands } from '../support/deciderSpec';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { withPackedEvent } from '../support/packedItem';
import { countRequests } from '../support/requestCounter';

/** DB_1 seen launching on `instance`: an ObserveWave that records one event unless that is already what the state holds. */
const seenOn = (instance: string, second: number): ExecutionCommand =>
  observe(1, 'STARTED', [{ serverId: DB_1, launchStatus: 'IN_PROGRESS', recoveryInstanceId: instance }], at(3, second));

const noBackoff = async () => undefined;

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
    expect(counter.counts).toEqual({ PutItemCommand: 1 });
  });

  it("given the winner recorded the same observation, when this writer runs it, then it ends on the winner's event with no read and nothing appended", async () => {
    await winnerAppends(seenOn('i-0second', 1));
    const counter = countRequests(context.client);

    const outcome = await handleCommand({ store, backoff: noBackoff }, held, () => seenOn('i-0second', 1));

    expect(counter.counts).toEqual({ PutItemCommand: 1 });
    expect(outcome).toMatchObject({ ok: true, appended: [] });
    expect(outcome.loaded).toEqual(await store.load(EXECUTION_ID));
  });

  it('given the winner recorded something else, when this writer runs its command, then it reads only what followed the winner and appends after it', async () => {
    await winnerAppends(seenOn('i-0second', 1));
    const counter = countRequests(context.client);

    const outcome = await handleCommand({ store, backoff: noBackoff }, held, () => seenOn('i-0third', 2));

    expect(counter.counts).toEqual({ PutItemCommand: 2, QueryCommand: 1 });
    expect(outcome.ok).toBe(true);
    expect(outcome.appended.map((stored) => stored.event.seq)).toEqual([6]);
    expect(outcome.loaded).toEqual(await store.load(EXECUTION_ID));
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
    // Judged on the item the refusal named, before any read.
    expect(counter.counts).toEqual({ PutItemCommand: 1 });
    expect(alarms).toMatchObject([{ kind: 'LedgerBroken', executionId: EXECUTION_ID, seq: 5 }]);
    expect((await store.head(EXECUTION_ID))?.seq).toBe(5);
  });
});
