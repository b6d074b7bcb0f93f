/**
 * The local stand-in for the events table's stream given what the ledger never does (tampering): a PutItem over
 * a stored item, an UpdateItem, a DeleteItem. Each reaches the stream as the MODIFY or REMOVE record DynamoDB
 * would write, with the item before and after, before the write returns; the caller gets exactly the answer
 * DynamoDB gives to what it asked; and what changes nothing, or is refused, is no record at all.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { type ItemChange, tapPutItems } from '../../src/local/streamTap';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';

const key = (executionId: string, seq: number): Item => ({ executionId: { S: executionId }, seq: { N: String(seq) } });
const ledgerItem = (executionId: string, seq: number, actor = 'ops@example.com'): Item => ({
  ...key(executionId, seq),
  type: { S: 'ExecutionResumed' },
  actor: { S: actor },
});

describe('the local stream tap given changes to stored ledger items', () => {
  let context: DynamoTestContext;
  let events: string;
  let client: DynamoDBClient;
  let inserted: Item[];
  let changes: ItemChange[];
  let untap: () => void;

  beforeAll(async () => {
    context = await startTestDynamo();
    events = context.config.tables.events;
  });
  afterAll(() => stopTestDynamo(context));

  beforeEach(() => {
    client = createDynamoDbClient(context.config);
    inserted = [];
    changes = [];
    untap = tapPutItems(
      client,
      events,
      async (item) => {
        inserted.push(item);
      },
      async (change) => {
        changes.push(change);
      },
    );
  });
  afterEach(() => {
    untap();
    client.destroy();
  });

  /** Stores an item through the tap, then forgets what that delivered. */
  const given = async (item: Item) => {
    await client.send(new PutItemCommand({ TableName: events, Item: item }));
    inserted = [];
    changes = [];
  };
  const setActor = (executionId: string, seq: number, actor: string, returnValues?: 'ALL_NEW' | 'UPDATED_OLD' | 'ALL_OLD') =>
    client.send(
      new UpdateItemCommand({
        TableName: events,
        Key: key(executionId, seq),
        UpdateExpression: 'SET #actor = :actor',
        ExpressionAttributeNames: { '#actor': 'actor' },
        ExpressionAttributeValues: { ':actor': { S: actor } },
        ...(returnValues ? { ReturnValues: returnValues } : {}),
      }),
    );

  it('a PutItem over a stored item with another one: a MODIFY with both images, and the caller sees no old item', async () => {
    await given(ledgerItem('exec-put', 1));
    const output = await client.send(new PutItemCommand({ TableName: events, Item: ledgerItem('exec-put', 1, 'mallory@example.com') }));
    expect(output.Attributes).toBeUndefined();
    expect(inserted).toEqual([]);
    expect(changes).toEqual([
      {
        eventName: 'MODIFY',
        keys: key('exec-put', 1),
        oldImage: ledgerItem('exec-put', 1),
        newImage: ledgerItem('exec-put', 1, 'mallory@example.com'),
      },
    ]);
  });

  it('a PutItem of the very item stored: no change (DynamoDB writes no record when nothing changes)', async () => {
    await given(ledgerItem('exec-same', 1));
    await client.send(new PutItemCommand({ TableName: events, Item: ledgerItem('exec-same', 1) }));
    expect(changes).toEqual([]);
  });

  it('an UpdateItem: a MODIFY with the item before and after; the caller, who asked nothing, gets nothing', async () => {
    await given(ledgerItem('exec-update', 2));
    const output = await setActor('exec-update', 2, 'mallory@example.com');
    expect(output.Attributes).toBeUndefined();
    expect(changes).toEqual([
      {
        eventName: 'MODIFY',
        keys: key('exec-update', 2),
        oldImage: ledgerItem('exec-update', 2),
        newImage: ledgerItem('exec-update', 2, 'mallory@example.com'),
      },
    ]);
  });

  it.each([
    ['ALL_NEW', { actor: { S: 'eve' }, ...ledgerItem('exec-asked', 3, 'eve') }],
    ['UPDATED_OLD', { actor: { S: 'ops@example.com' } }],
    ['ALL_OLD', ledgerItem('exec-asked', 3)],
  ] as const)('an UpdateItem asking ReturnValues %s gets just that, and the MODIFY is delivered', async (asked, expected) => {
    await given(ledgerItem('exec-asked', 3));
    const output = await setActor('exec-asked', 3, 'eve', asked);
    expect(output.Attributes).toEqual(expected);
    expect(changes).toEqual([
      {
        eventName: 'MODIFY',
        keys: key('exec-asked', 3),
        oldImage: ledgerItem('exec-asked', 3),
        newImage: ledgerItem('exec-asked', 3, 'eve'),
      },
    ]);
  });

  it('an UpdateItem that creates the item is an INSERT, as on AWS', async () => {
    await setActor('exec-created', 1, 'eve');
    expect(changes).toEqual([]);
    expect(inserted).toEqual([{ ...key('exec-created', 1), actor: { S: 'eve' } }]);
  });

  it('an UpdateItem that changes nothing, or is refused by its condition, is no record', async () => {
    await given(ledgerItem('exec-noop', 1));
    await setActor('exec-noop', 1, 'ops@example.com');
    await expect(
      client.send(
        new UpdateItemCommand({
          TableName: events,
          Key: key('exec-noop', 1),
          UpdateExpression: 'SET #actor = :actor',
          ConditionExpression: 'attribute_not_exists(#actor)',
          ExpressionAttributeNames: { '#actor': 'actor' },
          ExpressionAttributeValues: { ':actor': { S: 'eve' } },
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(changes).toEqual([]);
    expect(inserted).toEqual([]);
  });

  it('a DeleteItem: a REMOVE with the old image; ALL_OLD only for a caller who asked; a missing item is no record', async () => {
    await given(ledgerItem('exec-delete', 4));
    await given(ledgerItem('exec-delete', 5));
    const quiet = await client.send(new DeleteItemCommand({ TableName: events, Key: key('exec-delete', 4) }));
    const asked = await client.send(new DeleteItemCommand({ TableName: events, Key: key('exec-delete', 5), ReturnValues: 'ALL_OLD' }));
    await client.send(new DeleteItemCommand({ TableName: events, Key: key('exec-delete', 6) }));
    expect(quiet.Attributes).toBeUndefined();
    expect(asked.Attributes).toEqual(ledgerItem('exec-delete', 5));
    expect(changes).toEqual([
      { eventName: 'REMOVE', keys: key('exec-delete', 4), oldImage: ledgerItem('exec-delete', 4) },
      { eventName: 'REMOVE', keys: key('exec-delete', 5), oldImage: ledgerItem('exec-delete', 5) },
    ]);
  });

  it('each change is delivered before the write returns', async () => {
    untap();
    const order: string[] = [];
    untap = tapPutItems(
      client,
      events,
      async () => undefined,
      async (change) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`delivered ${change.eventName}`);
      },
    );
    await given(ledgerItem('exec-order', 1));
    await setActor('exec-order', 1, 'eve');
    order.push('update returned');
    await client.send(new DeleteItemCommand({ TableName: events, Key: key('exec-order', 1) }));
    order.push('delete returned');
    expect(order).toEqual(['delivered MODIFY', 'update returned', 'delivered REMOVE', 'delete returned']);
  });

  it('other tables are not tapped, and without a change listener nothing but inserts is', async () => {
    untap();
    untap = tapPutItems(client, events, async (item) => {
      inserted.push(item);
    });
    await given(ledgerItem('exec-plain', 1));
    const output = await setActor('exec-plain', 1, 'eve');
    await client.send(new DeleteItemCommand({ TableName: events, Key: key('exec-plain', 1) }));
    expect(output.Attributes).toBeUndefined();
    expect(inserted).toEqual([]);
    expect(changes).toEqual([]);
  });
});
