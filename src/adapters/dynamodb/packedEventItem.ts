import { gunzipSync, gzipSync } from 'node:zlib';
import type { ExecutionEvent } from '../../domain/execution';
import { canonicalJson } from '../../domain/ledger/canonicalJson';
import type { StoredEvent } from '../../ports/executionEventStore';
import { MalformedEventItemError } from '../../ports/ledgerErrors';
import { EVENT_MEMBERS, eventFromFields, isObject } from './eventFields';
import { EVENT_ATTRIBUTES, EXECUTION_START_MARKER } from './keys';
import { LedgerItemTooLargeError, MAX_PACKED_EVENT_JSON_BYTES } from './ledgerItemSize';
import type { Item } from './item';

/**
 * Format 3: the event packed in one attribute, its links in another. A replay's time goes mostly into the
 * bytes and attributes of its items (DynamoDB's JSON on the wire, the SDK's and the store's decoding of each
 * attribute and nested map), so an item holds only its keys, `event` (the canonical JSON of the event without
 * the keys it already has), `chain` (prevHash and hash, 32 bytes each, then the state digest where the hash
 * covers one: on the items that carry a snapshot, every K-th, and on every item written before digests were
 * kept to those), the snapshot on every K-th item, and, on the ExecutionStarted item alone, the attributes the
 * execution-starts index needs (its marker, occurredAt, planId). The hash chain does not depend on the layout:
 * the same links chain to the same hashes.
 */

/** JSON up to this many bytes is stored as a string; longer (large plans, many servers) gzipped, to stay far below 400 KB. */
export const PACKED_EVENT_GZIP_FROM = 4 * 1024;
const HASH_BYTES = 32;
/** prevHash and hash. */
export const CHAIN_BYTES = 2 * HASH_BYTES;
/** prevHash, hash and the state digest the hash covers. */
export const CHAIN_WITH_DIGEST_BYTES = 3 * HASH_BYTES;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The members `event` holds: the event's, less the keys. */
const PACKED_MEMBERS: ReadonlySet<string> = new Set(EVENT_MEMBERS.filter((name) => name !== 'executionId' && name !== 'seq'));
const INDEX_ATTRIBUTES = [EVENT_ATTRIBUTES.executionStart, EVENT_ATTRIBUTES.occurredAt, EVENT_ATTRIBUTES.planId] as const;
const PACKED_FORMAT_ATTRIBUTES: ReadonlySet<string> = new Set([
  EVENT_ATTRIBUTES.executionId,
  EVENT_ATTRIBUTES.seq,
  EVENT_ATTRIBUTES.event,
  EVENT_ATTRIBUTES.chain,
  EVENT_ATTRIBUTES.state,
  EVENT_ATTRIBUTES.writer,
  ...INDEX_ATTRIBUTES,
]);

export const isPackedItem = (item: Item): boolean => item[EVENT_ATTRIBUTES.event] !== undefined;

const hashBytes = (hex: string, name: string): Buffer => {
  if (!SHA256_HEX.test(hex)) throw new TypeError(`${name} is not a SHA-256 hex digest`);
  return Buffer.from(hex, 'hex');
};

/** The `event` and `chain` attributes of a link, with its state digest when its hash covers one. */
export const packEvent = (stored: StoredEvent): Item => {
  const { event, prevHash, hash, stateDigest } = stored;
  const { executionId: _key, seq: _sortKey, ...content } = event;
  const json = canonicalJson(content);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_PACKED_EVENT_JSON_BYTES) throw new LedgerItemTooLargeError(event.executionId, event.seq, event.type, bytes, 'event JSON');
  const links = [hashBytes(prevHash, 'prevHash'), hashBytes(hash, 'hash')];
  if (stateDigest !== undefined) links.push(hashBytes(stateDigest, 'stateDigest'));
  const chain = Buffer.concat(links);
  const item: Item = {
    [EVENT_ATTRIBUTES.event]: bytes < PACKED_EVENT_GZIP_FROM ? { S: json } : { B: gzipSync(Buffer.from(json, 'utf8')) },
    [EVENT_ATTRIBUTES.chain]: { B: chain },
  };
  if (event.type === 'ExecutionStarted') {
    item[EVENT_ATTRIBUTES.executionStart] = { S: EXECUTION_START_MARKER };
    item[EVENT_ATTRIBUTES.occurredAt] = { S: event.occurredAt };
    item[EVENT_ATTRIBUTES.planId] = { S: event.planId };
  }
  return item;
};

const malformed = (problem: string) => new MalformedEventItemError(`Event item field "${EVENT_ATTRIBUTES.event}" ${problem}`);

/** The JSON text of `event`, inflated (within MAX_PACKED_EVENT_JSON_BYTES) when gzipped. */
const eventJson = (item: Item): string => {
  const value = item[EVENT_ATTRIBUTES.event];
  if (value?.S !== undefined) return value.S;
  if (value?.B === undefined) throw malformed('is neither a string nor a binary');
  try {
    return gunzipSync(value.B, { maxOutputLength: MAX_PACKED_EVENT_JSON_BYTES }).toString('utf8');
  } catch {
    throw malformed(`is not gzipped JSON of at most ${MAX_PACKED_EVENT_JSON_BYTES / 1024 / 1024} MiB`);
  }
};

/** The parsed `event` attribute, before the keys are put back into it. */
const eventContent = (item: Item): Record<string, unknown> => {
  let content: unknown;
  try {
    content = JSON.parse(eventJson(item));
  } catch (error) {
    if (error instanceof MalformedEventItemError) throw error;
    throw malformed('is not JSON');
  }
  if (!isObject(content) || Array.isArray(content)) throw malformed('is not a JSON object');
  return content;
};

/** The same bytes, not copied. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const isChainLength = (bytes: number) => bytes === CHAIN_BYTES || bytes === CHAIN_WITH_DIGEST_BYTES;

const chainOf = (item: Item): Buffer => {
  const bytes = item[EVENT_ATTRIBUTES.chain]?.B;
  if (bytes === undefined || !isChainLength(bytes.byteLength)) {
    throw new MalformedEventItemError(
      `Event item field "${EVENT_ATTRIBUTES.chain}" is missing or neither ${CHAIN_BYTES} nor ${CHAIN_WITH_DIGEST_BYTES} bytes`,
    );
  }
  return asBuffer(bytes);
};

export interface PackedReading {
  stored: StoredEvent;
  /** Members of `event` that no event has (the keys among them: they are the item's): the audit names them. */
  unexpectedMembers: string[];
}

/** Reads a format-3 item back into an event with its chain links; the keys are the item's. */
export const readPackedItem = (item: Item): PackedReading => {
  const content = eventContent(item);
  const unexpectedMembers = Object.keys(content).filter((name) => !PACKED_MEMBERS.has(name));
  content.executionId = item[EVENT_ATTRIBUTES.executionId]?.S;
  content.seq = Number(item[EVENT_ATTRIBUTES.seq]?.N);
  const event: ExecutionEvent = eventFromFields(content);
  // One hex conversion, then slices: a fraction of the time of a conversion each, on every item of a replay.
  const links = chainOf(item).toString('hex');
  const prevHash = links.slice(0, 2 * HASH_BYTES);
  const hash = links.slice(2 * HASH_BYTES, 4 * HASH_BYTES);
  return {
    stored: links.length > 4 * HASH_BYTES ? { event, prevHash, hash, stateDigest: links.slice(4 * HASH_BYTES) } : { event, prevHash, hash },
    unexpectedMembers,
  };
};

/** The stored hash of a format-3 item, unchecked (undefined when `chain` is not what the store writes). */
export const packedItemHash = (item: Item): string | undefined => {
  const bytes = item[EVENT_ATTRIBUTES.chain]?.B;
  return bytes !== undefined && isChainLength(bytes.byteLength) ? asBuffer(bytes).toString('hex', HASH_BYTES, 2 * HASH_BYTES) : undefined;
};

/** Why a format-3 item is not one the store could have written (beyond what reading it checks), or undefined. */
export const packedItemShapeProblem = (item: Item, reading: PackedReading): string | undefined => {
  const unexpected = Object.keys(item).filter((name) => !PACKED_FORMAT_ATTRIBUTES.has(name));
  if (unexpected.length) return `unexpected attribute(s) ${unexpected.sort().join(', ')}`;
  if (reading.unexpectedMembers.length)
    return `"${EVENT_ATTRIBUTES.event}" has unexpected member(s) ${reading.unexpectedMembers.sort().join(', ')}`;
  const { event } = reading.stored;
  if (event.type !== 'ExecutionStarted') {
    const misplaced = INDEX_ATTRIBUTES.filter((name) => item[name] !== undefined);
    return misplaced.length
      ? `execution-starts index attribute(s) ${misplaced.join(', ')} on an event other than ExecutionStarted`
      : undefined;
  }
  if (item[EVENT_ATTRIBUTES.executionStart]?.S !== EXECUTION_START_MARKER)
    return 'ExecutionStarted without its execution-starts index marker';
  if (item[EVENT_ATTRIBUTES.occurredAt]?.S !== event.occurredAt || item[EVENT_ATTRIBUTES.planId]?.S !== event.planId) {
    return "the execution-starts index attributes (occurredAt, planId) are not the event's";
  }
  return undefined;
};

/** The event type a format-3 item holds, or undefined when it cannot be read; never throws (stream images). */
export const packedEventType = (item: Item): string | undefined => {
  try {
    const type = eventContent(item).type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
};
