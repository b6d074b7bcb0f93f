import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { ExecutionView } from '../../../projections/executionView';
import { headerItem, sameWaveContent, splitView, type StoredParts, VIEW_ATTRIBUTES, waveItem } from './executionViewItem';
import { dynamoItemBytes } from './itemSize';
import type { Item } from './marshalEvent';

/**
 * The largest view item the store writes: DynamoDB's 400 KB less a margin, so a field added to a wave or a
 * server later does not turn the largest plan the validator accepts into a failed write in production.
 */
export const MAX_VIEW_ITEM_BYTES = 350 * 1024;

/** A view item over the limit: refused before anything of the view is written, and never retried as if it could pass. */
export class ViewItemTooLargeError extends Error {
  constructor(
    readonly executionId: string,
    readonly item: string,
    readonly bytes: number,
  ) {
    super(
      `Execution ${executionId}: view item ${item} would be ${bytes} bytes, over the ${MAX_VIEW_ITEM_BYTES}-byte limit of a view item ` +
        '(DynamoDB allows 409,600); nothing of this view was written',
    );
    this.name = 'ViewItemTooLargeError';
  }
}

/** One write of a view: the wave items to put first (any order), then the header, the commit point. */
export interface ViewWrite {
  waves: PutItemCommandInput[];
  header: PutItemCommandInput;
}

/** The condition that the stored item is still the one the writer read (or that there is none). */
const expecting = (
  stored: { writeId?: string } | undefined,
): Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> => {
  if (stored === undefined)
    return { ConditionExpression: 'attribute_not_exists(#item)', ExpressionAttributeNames: { '#item': VIEW_ATTRIBUTES.item } };
  if (stored.writeId === undefined) {
    return {
      ConditionExpression: 'attribute_exists(#item) AND attribute_not_exists(#writeId)',
      ExpressionAttributeNames: { '#item': VIEW_ATTRIBUTES.item, '#writeId': VIEW_ATTRIBUTES.writeId },
    };
  }
  return {
    ConditionExpression: '#writeId = :writeId',
    ExpressionAttributeNames: { '#writeId': VIEW_ATTRIBUTES.writeId },
    ExpressionAttributeValues: { ':writeId': { S: stored.writeId } },
  };
};

const checkSize = (executionId: string, item: Item): void => {
  const bytes = dynamoItemBytes(item);
  if (bytes > MAX_VIEW_ITEM_BYTES) throw new ViewItemTooLargeError(executionId, item[VIEW_ATTRIBUTES.item]?.S ?? '?', bytes);
};

/**
 * What to write to store `view` over what a read saw (`over`; undefined: nothing may exist yet), as write
 * `writeId`. A wave item is written only when its content differs from the stored one (or the stored one
 * is newer than this view, from a write never committed); each is conditional on the stored item being the
 * one read. The header, conditional on the stored header being the one read, names the write of every wave
 * item it commits. Throws ViewItemTooLargeError before anything is written when an item would be too large.
 */
export const planViewWrite = (tableName: string, view: ExecutionView, over: StoredParts | undefined, writeId: string): ViewWrite => {
  const { header, waves } = splitView(view);
  const waveWrites: string[] = [];
  const wavePuts: PutItemCommandInput[] = [];
  for (const part of waves) {
    const stored = over?.waves.get(part.key);
    if (stored?.writeId !== undefined && stored.seq <= view.seq && sameWaveContent(stored.content, part.content)) {
      waveWrites.push(stored.writeId);
      continue;
    }
    wavePuts.push({ TableName: tableName, Item: waveItem(view.executionId, part, view.seq, writeId), ...expecting(stored) });
    waveWrites.push(writeId);
  }
  const headerPut: PutItemCommandInput = {
    TableName: tableName,
    Item: headerItem(header, writeId, waveWrites),
    ...expecting(over?.header),
  };
  for (const put of [...wavePuts, headerPut]) checkSize(view.executionId, put.Item as Item);
  return { waves: wavePuts, header: headerPut };
};
