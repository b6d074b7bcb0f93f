import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { StoredEvent } from '../../ports/executionEventStore';
import { MalformedEventItemError } from '../../ports/ledgerErrors';
import { eventFromFields, requireHashText } from './eventFields';
import { EVENT_ATTRIBUTES, EXECUTION_START_MARKER } from './keys';
import type { Item } from './item';

/**
 * Formats 1 and 2, written before format 3 and still read: one attribute per envelope field, `data` a map,
 * prevHash and hash as hex text, and (format 2) the 32-byte `stateDigest` the hash covers.
 */
const ATTRIBUTE_FORMAT_ATTRIBUTES: ReadonlySet<string> = new Set([
  EVENT_ATTRIBUTES.executionId,
  EVENT_ATTRIBUTES.seq,
  EVENT_ATTRIBUTES.planId,
  EVENT_ATTRIBUTES.type,
  EVENT_ATTRIBUTES.occurredAt,
  EVENT_ATTRIBUTES.actor,
  EVENT_ATTRIBUTES.schemaVersion,
  EVENT_ATTRIBUTES.data,
  EVENT_ATTRIBUTES.prevHash,
  EVENT_ATTRIBUTES.hash,
  EVENT_ATTRIBUTES.executionStart,
  EVENT_ATTRIBUTES.state,
  EVENT_ATTRIBUTES.stateDigest,
  EVENT_ATTRIBUTES.writer,
]);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Reads a format-1 or format-2 item back into an event with its chain links. */
export const fromAttributeItem = (item: Item): StoredEvent => {
  const record = unmarshall(item) as Record<string, unknown>;
  const event = eventFromFields(record);
  const digest = record.stateDigest;
  if (digest !== undefined && !(digest instanceof Uint8Array && digest.length === 32)) {
    throw new MalformedEventItemError('Event item field "stateDigest" is malformed');
  }
  const stored: StoredEvent = { event, prevHash: requireHashText(record, 'prevHash'), hash: requireHashText(record, 'hash') };
  return digest === undefined ? stored : { ...stored, stateDigest: Buffer.from(digest).toString('hex') };
};

/** The stored hash of a format-1 or format-2 item, unchecked. */
export const attributeItemHash = (item: Item): string | undefined => item[EVENT_ATTRIBUTES.hash]?.S;

/** Why a format-1 or format-2 item is not one the store could have written, or undefined when its shape is right. */
export const attributeItemShapeProblem = (item: Item): string | undefined => {
  const unexpected = Object.keys(item).filter((name) => !ATTRIBUTE_FORMAT_ATTRIBUTES.has(name));
  if (unexpected.length) return `unexpected attribute(s) ${unexpected.sort().join(', ')}`;
  for (const name of [EVENT_ATTRIBUTES.prevHash, EVENT_ATTRIBUTES.hash]) {
    const value = item[name]?.S;
    if (value !== undefined && !SHA256_HEX.test(value)) return `"${name}" is not a SHA-256 hex digest`;
  }
  const isStart = item[EVENT_ATTRIBUTES.type]?.S === 'ExecutionStarted';
  const marker = item[EVENT_ATTRIBUTES.executionStart];
  if (isStart && marker?.S !== EXECUTION_START_MARKER) return 'ExecutionStarted without its execution-starts index marker';
  if (!isStart && marker !== undefined) return 'execution-starts index marker on an event other than ExecutionStarted';
  return undefined;
};
