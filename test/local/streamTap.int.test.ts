/**
 * The local stand-in for the events table's stream, at the DynamoDB client (src/local/streamTap.ts): what
 * reaches the stream, and when, for writes that land, writes that replace an item, writes refused by
 * another writer's item, and a write applied whose answer was lost on the wire.
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { putEventInput } from '../../src/adapters/dynamodb/putEventInput';
import { configFromEnv } from '../../src/config';
import { tapPutItems } from '../../src/local/streamTap';
import { type DynamoFaultProxy, startDynamoFaultProxy } from '../reliability/support/dynamoFaultProxy';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { countRequests } from '../support/requestCounter';

const ledgerItem = (executionId: string, seq: number, writer: string): Item => ({
  executionId: { S: executionId },
  seq: { N: String(seq) },
  type: { S: 'Anything' },
  writer: { S: writer },
});

describe('the local stream tap on a DynamoDB client', () => {
  let context: DynamoTestContext;
  let events: string;
  let client: DynamoDBClient;
  let delivered: Item[];
  let untap: () => void;

  beforeAll(async () => {
    context = await startTestDynamo();
    events = context.config.tables.events;
  });
  afterAll(() => stopTestDynamo(context));

  beforeEach(() => {
    client = createDynamoDbClient(context.config);
    delivered = [];
    untap = tapPutItems(client, events, async (item) => {
      delivered.push(item);
    });
  });
  afterEach(() => {
    untap();
    client.destroy();
  });

  const put = (input: PutItemCommandInput) => client.send(new PutItemCommand(input));

  it('hands each item put into the events table to the listener, awaited before the put returns', async () => {
    const order: string[] = [];
    untap();
    untap = tapPutItems(client, events, async (item) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(`delivered ${item.seq?.N}`);
    });
    for (const seq of [1, 2, 3]) {
      await put(putEventInput(events, ledgerItem('exec-order', seq, 'w1')));
      order.push(`returned ${seq}`);
    }
    expect(order).toEqual(['delivered 1', 'returned 1', 'delivered 2', 'returned 2', 'delivered 3', 'returned 3']);
  });

  it('ignores other tables and other commands', async () => {
    await put({ TableName: context.config.tables.plans, Item: { planId: { S: 'rp-tap' } } });
    await client.send(new GetItemCommand({ TableName: events, Key: { executionId: { S: 'exec-none' }, seq: { N: '1' } } }));
    expect(delivered).toEqual([]);
  });

  it('a put over an existing item is a MODIFY: not delivered, and its caller sees the old item only if it asked', async () => {
    const item = ledgerItem('exec-modify', 1, 'w1');
    expect(await put({ TableName: events, Item: item })).not.toHaveProperty('Attributes');
    expect(delivered).toEqual([item]);

    expect(await put({ TableName: events, Item: { ...item, type: { S: 'Tampered' } } })).not.toHaveProperty('Attributes');
    const asked = await put({ TableName: events, Item: item, ReturnValues: 'ALL_OLD' });
    expect(asked.Attributes?.type).toEqual({ S: 'Tampered' });
    expect(delivered).toEqual([item]);
  });

  it('a put refused because another writer holds the seq delivers nothing, judged on the item the refusal names with no read', async () => {
    const winner = ledgerItem('exec-race', 1, 'winner');
    await put(putEventInput(events, winner));
    delivered = [];
    const counter = countRequests(client);
    await expect(put(putEventInput(events, ledgerItem('exec-race', 1, 'loser')))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      Item: winner,
    });
    expect(delivered).toEqual([]);
    expect(counter.counts).toEqual({ PutItemCommand: 1 });
  });

  it('a refused put whose caller did not ask for the item it was refused on is not shown it', async () => {
    await put(putEventInput(events, ledgerItem('exec-race-plain', 1, 'winner')));
    const { ReturnValuesOnConditionCheckFailure: _asked, ...plain } = putEventInput(events, ledgerItem('exec-race-plain', 1, 'loser'));
    const refusal = await put(plain).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(refusal).not.toHaveProperty('Item');
  });

  describe('behind a faulty wire', () => {
    let proxy: DynamoFaultProxy;
    let wired: DynamoDBClient;

    beforeEach(async () => {
      proxy = await startDynamoFaultProxy(context.dynamo.endpoint);
      wired = createDynamoDbClient(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DYNAMODB_ENDPOINT: proxy.endpoint }));
      untap();
      untap = tapPutItems(wired, events, async (item) => {
        delivered.push(item);
      });
    });
    afterEach(async () => {
      wired.destroy();
      await proxy.close();
    });

    it('a put applied whose answer was lost is delivered once, though its retry is refused', async () => {
      const item = ledgerItem('exec-lost', 1, 'w-lost');
      proxy.inject({ kind: 'lostAnswer', count: 1, operations: ['PutItem'] });
      // The SDK retries; the retry finds the item its first attempt wrote (the event store then sees it is its own).
      await expect(wired.send(new PutItemCommand(putEventInput(events, item)))).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      expect(delivered).toEqual([item]);
    });

    it('a put whose answer was lost, its retry refused naming no item, is read back, and delivered though reading fails for a while', async () => {
      const item = ledgerItem('exec-lost-read', 1, 'w-lost-read');
      proxy.inject({ kind: 'lostAnswer', count: 1, operations: ['PutItem'] });
      // The retry is refused by the proxy, as by a DynamoDB that names no item: the tap reads the item back.
      proxy.inject({ kind: 'conditionalCheckFailed', count: 1, operations: ['PutItem'] });
      // More refusals than the SDK's own attempts (5): the tap's read-back tries again.
      proxy.inject({ kind: 'internalError', count: 5, operations: ['GetItem'] });
      await expect(wired.send(new PutItemCommand(putEventInput(events, item)))).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      expect(delivered).toEqual([item]);
    });

    it('an unconditional put whose answer was lost finds its own item on retry: one INSERT, delivered', async () => {
      const item = ledgerItem('exec-lost-plain', 1, 'w-lost-plain');
      proxy.inject({ kind: 'lostAnswer', count: 1, operations: ['PutItem'] });
      await wired.send(new PutItemCommand({ TableName: events, Item: item }));
      expect(delivered).toEqual([item]);
    });

    it('a refusal of a put that was never applied delivers nothing', async () => {
      proxy.inject({ kind: 'conditionalCheckFailed', count: 1, operations: ['PutItem'] });
      await expect(wired.send(new PutItemCommand(putEventInput(events, ledgerItem('exec-refused', 1, 'w'))))).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      expect(delivered).toEqual([]);
    });
  });
});
