/**
 * After a lost seq, handleCommand reads only what was appended since the head it holds (loadAfter): one Query
 * of the new items, folded onto its state with every link checked. It must come to exactly what a full load
 * comes to, and an item that does not link up must be judged by load itself (issue 17).
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import type { Item } from '../../../src/adapters/dynamodb/marshalEvent';
import { decidedFrom, type ExecutionEvent, initialState } from '../../../src/domain/execution';
import type { LoadedExecution } from '../../../src/ports/executionEventStore';
import { at, observe, recordWaveStarted, start } from '../../fixtures/commands';
import { DB_1, EXECUTION_ID } from '../../fixtures/plan';
import { givenCommands } from '../../support/deciderSpec';
import { countRequests } from '../../support/requestCounter';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';
import { withPackedEvent } from '../../support/packedItem';

/** A running wave whose first server is seen on one recovery instance, then the other, and so on: one event each. */
const historyOf = (events: number): readonly ExecutionEvent[] => {
  const opening = [start(), recordWaveStarted(1, at(1))];
  const flips = Array.from({ length: events }, (_, index) =>
    observe(1, 'STARTED', [{ serverId: DB_1, launchStatus: 'IN_PROGRESS', recoveryInstanceId: `i-0flip${index % 2}` }], at(2, index)),
  );
  const history = givenCommands(...opening, ...flips).events;
  if (history.length < events) throw new Error(`only ${history.length} events`);
  return history.slice(0, events);
};

describe('loading only what another writer appended', () => {
  let context: DynamoTestContext;
  let store: DynamoExecutionEventStore;
  let held: LoadedExecution;
  let history: readonly ExecutionEvent[];

  beforeEach(async () => {
    context = await startTestDynamo();
    store = new DynamoExecutionEventStore(context.client, context.config.tables.events);
    // Past a snapshot item (K = 20), so the events after the held head include one that carries a state digest.
    history = historyOf(24);
    const first = await store.append(await store.load(EXECUTION_ID), decidedFrom(initialState(), history.slice(0, 17)));
    if (!first.ok) throw new Error('seeding conflicted');
    held = first.loaded;
    const others = await store.append(held, decidedFrom(held.state, history.slice(17)));
    if (!others.ok) throw new Error('the other writer conflicted');
  });
  afterEach(() => stopTestDynamo(context));

  it('given another writer appended 7 events, then loadAfter comes to what load does, in one Query of those 7', async () => {
    const counter = countRequests(context.client);

    const after = await store.loadAfter(held);

    expect(counter.counts).toEqual({ QueryCommand: 1 });
    expect(after).toEqual(await store.load(EXECUTION_ID));
    expect(after.state.version).toBe(24);
  });

  it('given nothing was appended since the head, then the head is kept as it is', async () => {
    const loaded = await store.load(EXECUTION_ID);
    expect(await store.loadAfter(loaded)).toBe(loaded);
  });

  it('given an item after the head edited in the table, then loadAfter refuses it as broken, which the window of load alone would not see', async () => {
    const key = { executionId: { S: EXECUTION_ID }, seq: { N: '19' } };
    const { Item } = await context.client.send(new GetItemCommand({ TableName: context.config.tables.events, Key: key }));
    const edited = withPackedEvent(Item as Item, (content) => ({ ...content, actor: 'mallory' }));
    await context.client.send(new PutItemCommand({ TableName: context.config.tables.events, Item: edited }));
    const counter = countRequests(context.client);

    const outcome = async (run: () => Promise<LoadedExecution>) =>
      run().then(
        (loaded) => ({ loaded }),
        (error: unknown) => ({ error: error instanceof Error ? error.name : String(error) }),
      );
    const viaLoadAfter = await outcome(() => store.loadAfter(held));

    // The fold of the new items stopped at the edit: the chain is broken there, so nothing is decided on it, even
    // though load()'s window (from the snapshot at 20) would not reach seq 19.
    expect(counter.counts.QueryCommand).toBe(1);
    expect(viaLoadAfter).toEqual({ error: 'LedgerIntegrityError' });
  });
});
