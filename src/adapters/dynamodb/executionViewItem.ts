import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ExecutionView } from '../../../projections/executionView';
import type { Item } from './marshalEvent';

/** Attribute names of the executions table. Partition: executionId; `runningStatus` keys the sparse GSI. */
export const VIEW_ATTRIBUTES = {
  executionId: 'executionId',
  seq: 'seq',
  /** 'RUNNING' while the view's status is RUNNING, absent otherwise: only RUNNING views are in the index. */
  runningStatus: 'runningStatus',
} as const;

export const RUNNING = 'RUNNING';

const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

/** The view as an item: its fields as attributes, plus the index attribute when it is RUNNING. */
export const toViewItem = (view: ExecutionView): Item =>
  marshall(view.status === RUNNING ? { ...view, [VIEW_ATTRIBUTES.runningStatus]: RUNNING } : view, MARSHALL_OPTIONS);

export const fromViewItem = (item: Item): ExecutionView => {
  const { [VIEW_ATTRIBUTES.runningStatus]: _index, ...view } = unmarshall(item);
  return view as ExecutionView;
};

/**
 * Writes the view only if the stored one is still the one the writer read: absent when `expectedSeq`
 * is undefined, else at exactly that seq.
 */
export const putViewInput = (tableName: string, view: ExecutionView, expectedSeq: number | undefined): PutItemCommandInput =>
  expectedSeq === undefined
    ? {
        TableName: tableName,
        Item: toViewItem(view),
        ConditionExpression: 'attribute_not_exists(#executionId)',
        ExpressionAttributeNames: { '#executionId': VIEW_ATTRIBUTES.executionId },
      }
    : {
        TableName: tableName,
        Item: toViewItem(view),
        ConditionExpression: '#seq = :expected',
        ExpressionAttributeNames: { '#seq': VIEW_ATTRIBUTES.seq },
        ExpressionAttributeValues: { ':expected': { N: String(expectedSeq) } },
      };
