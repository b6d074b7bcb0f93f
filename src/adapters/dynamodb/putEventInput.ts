import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from './marshalEvent';

/**
 * Appends one event only if its seq is free: the optimistic concurrency of the whole ledger. A refusal names the
 * item holding the seq (no read capacity consumed), so a writer that lost learns what won without a Query.
 */
export const putEventInput = (tableName: string, item: Item): PutItemCommandInput => ({
  TableName: tableName,
  Item: item,
  ConditionExpression: 'attribute_not_exists(#seq)',
  ExpressionAttributeNames: { '#seq': 'seq' },
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
});
