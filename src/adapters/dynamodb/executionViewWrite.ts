import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { ExecutionView } from '../../../projections/executionView';
import {
  headerItem,
  sameWaveContent,
  type SoloOf,
  soloKeyOf,
  splitView,
  type StoredParts,
  VIEW_ATTRIBUTES,
  waveItem,
  type WavePart,
} from './executionViewItem';
import { headerPatch } from './executionViewPatch';
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

/**
 * One write of a view: `lead` first and alone (the item every write over the same read contends on), then the
 * wave items (any order), then the header, the commit point. A solo write is its lead alone.
 */
export interface ViewWrite {
  lead?: PutItemCommandInput;
  waves: PutItemCommandInput[];
  header?: PutItemCommandInput;
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
 * `writeId`. Each item is conditional on the stored item being the one read.
 *
 * A solo write: when the view moved forward and, of its items, at most the header's solo wave item (soloKeyOf,
 * the wave in progress) changed, along with header fields nothing reads from the header alone (headerPatch),
 * only that wave item is written, carrying the header's writeId it extends and the header's changes since it.
 * That is what most polls do: one item of a few hundred bytes instead of the header and a wave.
 *
 * Otherwise the solo wave item leads (written first, changed or not: a write over the same read, solo or
 * not, then loses on it, so no two writes over one read both land), then each wave item whose content differs
 * from the stored one (or the stored one is newer than this view, from a write never committed), then the
 * header, which names the write of every wave item it commits. Throws ViewItemTooLargeError before anything is
 * written when an item would be too large.
 */
export const planViewWrite = (tableName: string, view: ExecutionView, over: StoredParts | undefined, writeId: string): ViewWrite => {
  const { header, waves } = splitView(view);
  const stored = over?.header;
  const soloKey = stored?.fields ? soloKeyOf(stored.fields) : undefined;
  const unchanged = (part: WavePart): boolean => {
    const item = over?.waves.get(part.key);
    return item?.writeId !== undefined && item.seq <= view.seq && sameWaveContent(item.content, part.content);
  };
  const put = (part: WavePart, solo?: SoloOf): PutItemCommandInput => ({
    TableName: tableName,
    Item: waveItem(view.executionId, part, view.seq, writeId, solo),
    ...expecting(over?.waves.get(part.key)),
  });
  const checked = (write: ViewWrite): ViewWrite => {
    for (const item of [write.lead, ...write.waves, write.header]) if (item) checkSize(view.executionId, item.Item as Item);
    return write;
  };

  const soloPart = waves.find((part) => part.key === soloKey);
  if (
    soloPart &&
    stored?.whole &&
    stored.writeId !== undefined &&
    stored.fields &&
    view.seq > (stored.seq ?? 0) &&
    waves.every((part) => part === soloPart || unchanged(part))
  ) {
    const patch = headerPatch(stored.fields, header);
    const lead = patch && put(soloPart, { base: stored.writeId, patch });
    // A patch too large to ride on the wave item (at most the header's own fields) goes the common way instead.
    if (lead && dynamoItemBytes(lead.Item as Item) <= MAX_VIEW_ITEM_BYTES) return { lead, waves: [] };
  }

  const waveWrites: string[] = [];
  const wavePuts: PutItemCommandInput[] = [];
  for (const part of waves) {
    if (part !== soloPart && unchanged(part)) {
      waveWrites.push(over?.waves.get(part.key)?.writeId as string);
      continue;
    }
    if (part !== soloPart) wavePuts.push(put(part));
    waveWrites.push(writeId);
  }
  return checked({
    ...(soloPart ? { lead: put(soloPart) } : {}),
    waves: wavePuts,
    header: { TableName: tableName, Item: headerItem(header, writeId, waveWrites), ...expecting(stored) },
  });
};
