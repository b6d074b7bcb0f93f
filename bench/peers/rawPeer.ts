import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoItemBytes } from '../../src/adapters/dynamodb/itemSize';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { PeerCheckError, type Peer } from './peer';

/** What a lean event item weighs: the raw items are padded to it (the figure bench/replay.ts uses). */
export const RAW_ITEM_BYTES = 300;

/** Items keyed as drs-ledger's events table keys them, each RAW_ITEM_BYTES as DynamoDB counts them. */
const rawItems = (aggregateId: string, count: number): Item[] =>
  Array.from({ length: count }, (_, index) => {
    const item: Item = { executionId: { S: aggregateId }, seq: { N: String(index + 1) }, payload: { S: '' } };
    item.payload = { S: 'x'.repeat(RAW_ITEM_BYTES - dynamoItemBytes(item)) };
    return item;
  });

/**
 * The floor every DynamoDB event store stands on: one conditional PutItem of a ready-made 300-byte item per
 * event, on drs-ledger's events table, with no state carried and nothing to marshal.
 */
export const rawPeer = (client: DynamoDBClient, tableName: string): Peer => ({
  name: 'raw PutItem',
  startAppending: async (aggregateId, count) => {
    const items = rawItems(aggregateId, count);
    let next = 0;
    return async () => {
      const item = items[next];
      if (!item) throw new PeerCheckError('raw PutItem', `more than ${count} appends`);
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
});
