import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type ExecutionEvent, type ExecutionState, snapshotOf } from '../../domain/execution';
import type { StoredEvent } from '../../ports/executionEventStore';
import { MalformedEventItemError } from '../../ports/ledgerErrors';
import { EXECUTION_START_MARKER } from './keys';

export type Item = Record<string, AttributeValue>;

const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

/**
 * One ledger item: the event and its chain links and, when `withSnapshot`, the snapshot of the state it
 * produced. A format-2 link (with a stateDigest) stores the digest; a format-1 link always stores the snapshot.
 */
export const toEventItem = (stored: StoredEvent, stateAfter: ExecutionState, withSnapshot = true): Item => {
  const { event, prevHash, hash, stateDigest } = stored;
  const snapshot = withSnapshot || stateDigest === undefined;
  return marshall(
    {
      executionId: event.executionId,
      seq: event.seq,
      planId: event.planId,
      type: event.type,
      occurredAt: event.occurredAt,
      actor: event.actor,
      schemaVersion: event.schemaVersion,
      data: event.data,
      prevHash,
      hash,
      ...(stateDigest === undefined ? {} : { stateDigest: Buffer.from(stateDigest, 'hex') }),
      ...(snapshot ? { state: gzipSync(Buffer.from(JSON.stringify(snapshotOf(stateAfter)), 'utf8')) } : {}),
      ...(event.type === 'ExecutionStarted' ? { executionStart: EXECUTION_START_MARKER } : {}),
    },
    MARSHALL_OPTIONS,
  );
};

export { MalformedEventItemError };

const requireField = <T>(record: Record<string, unknown>, name: string, check: (value: unknown) => value is T): T => {
  const value = record[name];
  if (!check(value)) throw new MalformedEventItemError(`Event item field "${name}" is missing or malformed`);
  return value;
};
const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Reads a ledger item (from a Query or a stream NEW_IMAGE) back into an event with its chain links. */
export const fromEventItem = (item: Item): StoredEvent => {
  const record = unmarshall(item) as Record<string, unknown>;
  const event = {
    executionId: requireField(record, 'executionId', isString),
    planId: requireField(record, 'planId', isString),
    seq: requireField(record, 'seq', isNumber),
    type: requireField(record, 'type', isString),
    occurredAt: requireField(record, 'occurredAt', isString),
    actor: requireField(record, 'actor', isString),
    schemaVersion: requireField(record, 'schemaVersion', isNumber),
    data: requireField(record, 'data', isObject),
  } as ExecutionEvent;
  const digest = record.stateDigest;
  if (digest !== undefined && !(digest instanceof Uint8Array && digest.length === 32)) {
    throw new MalformedEventItemError('Event item field "stateDigest" is malformed');
  }
  const stored: StoredEvent = {
    event,
    prevHash: requireField(record, 'prevHash', isString),
    hash: requireField(record, 'hash', isString),
  };
  return digest === undefined ? stored : { ...stored, stateDigest: Buffer.from(digest).toString('hex') };
};

/** Whether the item carries a snapshot of its state (format 1: all; format 2: every K-th). */
export const hasSnapshot = (item: Item): boolean => item.state?.B !== undefined;

export const stateFromEventItem = (item: Item): ExecutionState => {
  const blob = item.state?.B;
  if (!blob) throw new MalformedEventItemError('Event item has no state snapshot');
  return JSON.parse(gunzipSync(Buffer.from(blob)).toString('utf8')) as ExecutionState;
};
