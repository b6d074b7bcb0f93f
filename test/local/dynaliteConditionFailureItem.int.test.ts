/**
 * The local DynamoDB (dynalite, taught by src/local/dynaliteConditionFailureItem.ts) answers a write refused on
 * its condition as DynamoDB does when asked `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`: the item that
 * refused it on the ConditionalCheckFailedException the real SDK client throws, for PutItem, UpdateItem and
 * DeleteItem; nothing when not asked, or when no item was stored; a ValidationException for any other value.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  DeleteItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { teachConditionFailureItem } from '../../src/local/dynaliteConditionFailureItem';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';

const refusal = (send: Promise<unknown>) =>
  send.then(
    () => {
      throw new Error('the write was not refused');
    },
    (error: unknown) => error,
  );

/** The item the ConditionalCheckFailedException of a refused write carries. */
const refusedItem = async (send: Promise<unknown>) => {
  const error = await refusal(send);
  expect(error).toBeInstanceOf(ConditionalCheckFailedException);
  return (error as ConditionalCheckFailedException).Item;
};

describe('dynalite refusing a conditional write names the item that refused it', () => {
  let context: DynamoTestContext;
  let client: DynamoDBClient;
  let table: string;
  const key = { executionId: { S: 'exec-condition' }, seq: { N: '1' } };
  const stored = { ...key, event: { S: 'the winner' }, writer: { S: 'w-1' }, state: { B: Uint8Array.from([1, 2, 3]) } };
  const takenSeq = { ConditionExpression: 'attribute_not_exists(#seq)', ExpressionAttributeNames: { '#seq': 'seq' } };

  beforeAll(async () => {
    context = await startTestDynamo();
    client = context.client;
    table = context.config.tables.events;
    await client.send(new PutItemCommand({ TableName: table, Item: stored }));
  });
  afterAll(() => stopTestDynamo(context));

  const loserPut = (asking: Pick<PutItemCommandInput, 'ReturnValuesOnConditionCheckFailure'>) =>
    new PutItemCommand({ TableName: table, Item: { ...key, event: { S: 'the loser' } }, ...takenSeq, ...asking });

  it('given a seq already stored, when a PutItem on it asks for ALL_OLD, then the refusal carries the stored item whole', async () => {
    expect(await refusedItem(client.send(loserPut({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })))).toEqual(stored);
  });

  it.each([
    [
      'UpdateItem',
      () =>
        new UpdateItemCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #e = :e',
          ExpressionAttributeValues: { ':e': { S: 'x' } },
          ConditionExpression: 'attribute_not_exists(#seq)',
          ExpressionAttributeNames: { '#seq': 'seq', '#e': 'event' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
    ],
    [
      'DeleteItem',
      () => new DeleteItemCommand({ TableName: table, Key: key, ...takenSeq, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
    ],
  ])(
    'given a seq already stored, when a %s refused on it asks for ALL_OLD, then the refusal carries the stored item',
    async (_, command) => {
      expect(await refusedItem(client.send(command()))).toEqual(stored);
    },
  );

  it.each([
    ['NONE', 'NONE' as const],
    ['not given', undefined],
  ])('given ReturnValuesOnConditionCheckFailure %s, when a PutItem is refused, then the refusal carries no item', async (_, value) => {
    expect(await refusedItem(client.send(loserPut(value ? { ReturnValuesOnConditionCheckFailure: value } : {})))).toBeUndefined();
  });

  it('given no item under the key, when a write conditioned on one being there asks for ALL_OLD, then the refusal carries no item', async () => {
    const absent = new DeleteItemCommand({
      TableName: table,
      Key: { executionId: { S: 'exec-condition' }, seq: { N: '2' } },
      ConditionExpression: 'attribute_exists(#seq)',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });

    expect(await refusedItem(client.send(absent))).toBeUndefined();
  });

  it('given a value outside ALL_OLD and NONE, when a PutItem is sent, then it is a ValidationException, as AWS answers, and nothing is written', async () => {
    const error = await refusal(
      client.send(
        new PutItemCommand({
          TableName: table,
          Item: { executionId: { S: 'exec-condition' }, seq: { N: '3' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_NEW' as 'ALL_OLD',
        }),
      ),
    );

    expect(error).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('[ALL_OLD, NONE]') });
    const accepted = await client.send(
      new PutItemCommand({ TableName: table, Item: { executionId: { S: 'exec-condition' }, seq: { N: '3' } }, ...takenSeq }),
    );
    expect(accepted.$metadata.httpStatusCode).toBe(200);
  });

  it('given the module already taught, when taught again, then nothing is wrapped twice and a refusal still carries the item', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const db = require('dynalite/db') as { checkConditional: unknown };
    const taught = db.checkConditional;
    teachConditionFailureItem();
    teachConditionFailureItem();

    expect(db.checkConditional).toBe(taught);

    expect(await refusedItem(client.send(loserPut({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })))).toEqual(stored);
  });
});
