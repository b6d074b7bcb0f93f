import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from './marshalEvent';

/** Appends one event only if its seq is free: the optimistic concurrency of the whole ledger. */
export const putEventInput = (tableName: string, item: Item): PutItemCommandInput => ({
  TableName: tableName,
  Item: item,
  ConditionExpression: 'attribute_not_exists(#seq)',
  ExpressionAttributeNames: { '#seq': 'seq' },
});
