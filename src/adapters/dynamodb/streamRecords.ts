import type { DynamoDBRecord } from 'aws-lambda';
import type { ExecutionEvent } from '../../domain/execution';
import { type DecodedStreamRecord, PoisonRecordError } from '../../ports/ledgerStream';
import { fromEventItem } from './marshalEvent';
import { fromStreamImage } from './streamImage';

const keyString = (record: DynamoDBRecord, name: string): string | undefined => record.dynamodb?.Keys?.[name]?.S;
const keyNumber = (record: DynamoDBRecord, name: string): number | undefined => {
  const text = record.dynamodb?.Keys?.[name]?.N;
  const value = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
};

/**
 * Reads an INSERT record of the events table's stream (NEW_IMAGE view) as the ledger event it carries. A
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
  if (!image) return failed('INSERT record without a NEW_IMAGE (is the stream view type NEW_IMAGE?)');
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
