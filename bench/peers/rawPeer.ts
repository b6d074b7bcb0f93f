import { type DynamoDBClient, PutItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { dynamoItemBytes } from '../../src/adapters/dynamodb/itemSize';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { batchWrite } from '../../test/support/runningExecutions';
import { PeerCheckError, type Peer } from './peer';

/** What a lean event item weighs: the raw items are padded to it (the figure bench/replay.ts uses). */
export const RAW_ITEM_BYTES = 300;

export const RAW_PEER = 'raw PutItem';

/** Items keyed as drs-ledger's events table keys them, each RAW_ITEM_BYTES as DynamoDB counts them. */
const rawItems = (aggregateId: string, count: number): Item[] =>
  Array.from({ length: count }, (_, index) => {
    const item: Item = { executionId: { S: aggregateId }, seq: { N: String(index + 1) }, payload: { S: '' } };
    item.payload = { S: 'x'.repeat(RAW_ITEM_BYTES - dynamoItemBytes(item)) };
    return item;
  });

/** Every item of one aggregate, by a paginated, strongly consistent Query of the whole partition: nothing decoded. */
const queryAll = async (client: DynamoDBClient, tableName: string, aggregateId: string): Promise<number> => {
  let count = 0;
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'executionId = :id',
        ExpressionAttributeValues: { ':id': { S: aggregateId } },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    count += output.Count ?? 0;
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return count;
};

/**
 * The floor every DynamoDB event store stands on: one conditional PutItem of a ready-made 300-byte item per
 * event, on drs-ledger's events table, with no state carried and nothing to marshal; and, to read a history,
 * the Query of all its items, nothing decoded or folded (the baseline for a replay). Without snapshots
 * a decision's load is that same Query.
 */
export const rawPeer = (client: DynamoDBClient, tableName: string): Peer => ({
  name: RAW_PEER,
  startAppending: async (aggregateId, count) => {
    const items = rawItems(aggregateId, count);
    let next = 0;
    return async () => {
      const item = items[next];
      if (!item) throw new PeerCheckError(RAW_PEER, `more than ${count} appends`);
      next += 1;
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#seq)',
          ExpressionAttributeNames: { '#seq': 'seq' },
        }),
      );
    };
  },
  seedHistory: async (aggregateId, events) => {
    await batchWrite(client, tableName, rawItems(aggregateId, events));
    const read = async () => {
      const count = await queryAll(client, tableName, aggregateId);
      if (count !== events) throw new PeerCheckError(RAW_PEER, `the Query read ${count} items`);
    };
    return { load: read, replay: read };
  },
});
