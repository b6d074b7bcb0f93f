import type { DynamoDBRecord } from 'aws-lambda';
import type { ExecutionEvent } from '../../domain/execution';
import { type DecodedStreamRecord, type LedgerItemChange, PoisonRecordError } from '../../ports/ledgerStream';
import { EVENT_ATTRIBUTES } from './keys';
import { changedAttributeNames } from './changedAttributes';
import { fromEventItem } from './marshalEvent';
import { packedEventType } from './packedEventItem';
import { fromStreamImage, type StreamImage } from './streamImage';

const keyString = (record: DynamoDBRecord, name: string): string | undefined => record.dynamodb?.Keys?.[name]?.S;
const keyNumber = (record: DynamoDBRecord, name: string): number | undefined => {
  const text = record.dynamodb?.Keys?.[name]?.N;
  const value = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
};

/**
 * Reads an INSERT record of the events table's stream (its NewImage) as the ledger event it carries. A
 * record whose image is missing, is not a ledger event, or disagrees with the record's keys is poison: it
 * is returned with a PoisonRecordError and whatever its keys say, never thrown.
 */
export const decodeStreamRecord = (record: DynamoDBRecord, sequenceNumber: string): DecodedStreamRecord => {
  const keyExecutionId = keyString(record, 'executionId');
  const keySeq = keyNumber(record, 'seq');
  const image = record.dynamodb?.NewImage;
  const failed = (message: string, cause?: unknown): DecodedStreamRecord => ({
    sequenceNumber,
    executionId: keyExecutionId,
    seq: keySeq,
    decoded: { ok: false, error: new PoisonRecordError(message, { cause }) },
  });
  if (!image) return failed('INSERT record without a NewImage (is the stream view type NEW_AND_OLD_IMAGES?)');
  let event: ExecutionEvent;
  try {
    event = fromEventItem(fromStreamImage(image)).event;
  } catch (error) {
    return failed(`NEW_IMAGE is not a ledger event: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (keyExecutionId !== undefined && (keyExecutionId !== event.executionId || keySeq !== event.seq)) {
    return failed(`NEW_IMAGE (${event.executionId} #${event.seq}) disagrees with the record keys (${keyExecutionId} #${keySeq})`);
  }
  return { sequenceNumber, executionId: event.executionId, seq: event.seq, decoded: { ok: true, event } };
};

/** The event type an image held: its `type` (formats 1 and 2) or its packed event's (formats 3 and 4); never throws. */
const typeOf = (image: StreamImage | undefined): string | undefined => {
  if (!image) return undefined;
  const type = image[EVENT_ATTRIBUTES.type]?.S;
  if (type !== undefined || image[EVENT_ATTRIBUTES.event] === undefined) return type;
  try {
    return packedEventType(fromStreamImage(image));
  } catch {
    return undefined;
  }
};

/** ApproximateCreationDateTime is epoch seconds on DynamoDB Streams (milliseconds on Kinesis Data Streams). */
const recordedAtOf = (record: DynamoDBRecord): string | undefined => {
  const value = record.dynamodb?.ApproximateCreationDateTime;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  const date = new Date(value > 1e11 ? value : value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

/**
 * Reads a MODIFY or REMOVE record of the events table's stream: which item, when, and, as far as the record's
 * images tell (NEW_AND_OLD_IMAGES), which attributes changed and what the item held. Never throws: whatever
 * cannot be read is left out, since the change must be raised whatever else is wrong with the record.
 */
export const decodeLedgerItemChange = (record: DynamoDBRecord, sequenceNumber: string): LedgerItemChange => {
  const oldImage = record.dynamodb?.OldImage;
  const newImage = record.dynamodb?.NewImage;
  const recordedAt = recordedAtOf(record);
  const previousType = typeOf(oldImage);
  const change: LedgerItemChange = {
    sequenceNumber,
    eventId: record.eventID ?? `sequence-${sequenceNumber}`,
    change: record.eventName === 'REMOVE' ? 'removed' : 'modified',
    executionId: keyString(record, 'executionId'),
    seq: keyNumber(record, 'seq'),
    ...(recordedAt ? { recordedAt } : {}),
    ...(previousType ? { previousType } : {}),
  };
  if (change.change === 'modified' && oldImage && newImage) change.changedAttributes = changedAttributeNames(oldImage, newImage);
  return change;
};
