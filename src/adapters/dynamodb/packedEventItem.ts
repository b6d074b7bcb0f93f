import { gunzipSync, gzipSync } from 'node:zlib';
import { type ExecutionEvent, SCHEMA_VERSION, SYSTEM_ACTOR } from '../../domain/execution';
import { canonicalJson } from '../../domain/ledger/canonicalJson';
import type { StoredEvent } from '../../ports/executionEventStore';
import { MalformedEventItemError } from '../../ports/ledgerErrors';
import { EVENT_MEMBERS, eventFromFields, isObject } from './eventFields';
import { EVENT_ATTRIBUTES, EXECUTION_START_MARKER } from './keys';
import { LedgerItemTooLargeError, MAX_PACKED_EVENT_JSON_BYTES } from './ledgerItemSize';
import type { Item } from './item';

/**
 * Formats 3 and 4: the event packed in one attribute. A replay's time goes mostly into the bytes and attributes
 * of its items (DynamoDB's JSON on the wire, the SDK's and the store's decoding of each attribute and nested
 * map), so an item holds only its keys, `event` (the canonical JSON of the event without the keys it already
 * has), its links (prevHash and hash, 32 bytes each, then the state digest where the hash covers one: on the
 * items that carry a snapshot, every K-th, and on every item written before digests were kept to those), the
 * snapshot on every K-th item, and, on the ExecutionStarted item alone, the attributes the execution-starts
 * index needs (its marker, occurredAt, planId).
 * - Format 4 (written for every event of fewer than PACKED_EVENT_GZIP_FROM bytes of JSON): the links are the base64
 *   prefix of the `event` string, before the JSON's opening brace. An attribute costs dynalite and the SDK
 *   more than its bytes do, a binary one most (base64 checked and decoded on each side), so a replay of these
 *   items reads a tenth faster than of format 3's.
 * - Format 3 (written for longer events, and by earlier versions for all): the links in a `chain` binary
 *   attribute, `event` the JSON alone or, when long, gzipped.
 * The hash chain does not depend on the layout: the same links chain to the same hashes.
 */

/** JSON up to this many bytes is stored as a string; longer (large plans, many servers) gzipped, to stay far below 400 KB. */
export const PACKED_EVENT_GZIP_FROM = 4 * 1024;
const HASH_BYTES = 32;
/** prevHash and hash. */
export const CHAIN_BYTES = 2 * HASH_BYTES;
/** prevHash, hash and the state digest the hash covers. */
export const CHAIN_WITH_DIGEST_BYTES = 3 * HASH_BYTES;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Lengths of the base64 text of a format-4 item's links: 64 or 96 bytes. */
const LINKS_BASE64_LENGTHS: ReadonlySet<number> = new Set([88, 128]);

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

/**
 * Members a format-4 event leaves out when they hold these values (most events: the current schema, decided by
 * the system), and gets back when read: the same event, so the same hash, in 30-odd fewer bytes an item.
 */
const FORMAT_4_DEFAULTS: Readonly<Record<string, unknown>> = { schemaVersion: SCHEMA_VERSION, actor: SYSTEM_ACTOR };
const DEFAULTED = Object.entries(FORMAT_4_DEFAULTS);

/** A format-4 event's members with those it left out put back. */
export const withFormat4Defaults = (content: Record<string, unknown>): Record<string, unknown> => ({ ...FORMAT_4_DEFAULTS, ...content });

/** A format-4 event's members less those at the value it leaves out. */
export const withoutFormat4Defaults = (content: Record<string, unknown>): Record<string, unknown> => {
  const lean = { ...content };
  for (const [name, value] of DEFAULTED) if (lean[name] === value) delete lean[name];
  return lean;
};

/** The `event` and `chain` attributes of a link, with its state digest when its hash covers one. */
export const packEvent = (stored: StoredEvent): Item => {
  const { event, prevHash, hash, stateDigest } = stored;
  const { executionId: _key, seq: _sortKey, ...content } = event;
  const full = canonicalJson(content);
  const bytes = Buffer.byteLength(full, 'utf8');
  if (bytes > MAX_PACKED_EVENT_JSON_BYTES) throw new LedgerItemTooLargeError(event.executionId, event.seq, event.type, bytes, 'event JSON');
  const links = [hashBytes(prevHash, 'prevHash'), hashBytes(hash, 'hash')];
  if (stateDigest !== undefined) links.push(hashBytes(stateDigest, 'stateDigest'));
  const chain = Buffer.concat(links);
  const item: Item =
    bytes < PACKED_EVENT_GZIP_FROM
      ? { [EVENT_ATTRIBUTES.event]: { S: chain.toString('base64') + canonicalJson(withoutFormat4Defaults(content)) } }
      : { [EVENT_ATTRIBUTES.event]: { B: gzipSync(Buffer.from(full, 'utf8')) }, [EVENT_ATTRIBUTES.chain]: { B: chain } };
  if (event.type === 'ExecutionStarted') {
    item[EVENT_ATTRIBUTES.executionStart] = { S: EXECUTION_START_MARKER };
    item[EVENT_ATTRIBUTES.occurredAt] = { S: event.occurredAt };
    item[EVENT_ATTRIBUTES.planId] = { S: event.planId };
  }
  return item;
};

const malformed = (problem: string) => new MalformedEventItemError(`Event item field "${EVENT_ATTRIBUTES.event}" ${problem}`);

/** Whether the item is format 4: its links in the `event` string, no `chain` attribute. */
const linksInEvent = (item: Item): boolean => item[EVENT_ATTRIBUTES.chain] === undefined && item[EVENT_ATTRIBUTES.event]?.S !== undefined;

/** Where a format-4 `event` string's JSON starts: its first brace (never a base64 character), or -1. */
const jsonStart = (text: string): number => text.indexOf('{');

/** The JSON text of `event`, after a format-4 item's links, inflated (within MAX_PACKED_EVENT_JSON_BYTES) when gzipped. */
const eventJson = (item: Item): string => {
  const value = item[EVENT_ATTRIBUTES.event];
  if (value?.S !== undefined) {
    if (!linksInEvent(item)) return value.S;
    const start = jsonStart(value.S);
    return start < 0 ? value.S : value.S.slice(start);
  }
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

/**
 * Where a format-4 item's links are decoded: a replay decodes them for every item, and a Buffer made for each
 * costs more than decoding them. Used only between a write into it and a read of it, with nothing awaited between.
 */
const LINKS_SCRATCH = Buffer.alloc(CHAIN_WITH_DIGEST_BYTES);

/**
 * Decodes a format-4 item's links (the base64 before its JSON) into LINKS_SCRATCH: how many bytes they are, or 0
 * when they are not links the store writes.
 */
const decodeLinks = (text: string): number => {
  const start = jsonStart(text);
  const prefix = start < 0 ? text : text.slice(0, start);
  if (!LINKS_BASE64_LENGTHS.has(prefix.length)) return 0;
  // Node's decoder skips what is not base64: only text that encodes back to itself is the store's (a tenth of
  // the time of a regular expression, on every item of a replay).
  const bytes = LINKS_SCRATCH.write(prefix, 0, 'base64');
  return isChainLength(bytes) && LINKS_SCRATCH.toString('base64', 0, bytes) === prefix ? bytes : 0;
};

const malformedLinks = () =>
  new MalformedEventItemError(
    `Event item field "${EVENT_ATTRIBUTES.event}" does not begin with ${CHAIN_BYTES} or ${CHAIN_WITH_DIGEST_BYTES} bytes of links in base64`,
  );

/** A format-3 item's `chain` attribute: its links. */
const chainAttribute = (item: Item): Buffer => {
  const bytes = item[EVENT_ATTRIBUTES.chain]?.B;
  if (bytes === undefined || !isChainLength(bytes.byteLength)) {
    throw new MalformedEventItemError(
      `Event item field "${EVENT_ATTRIBUTES.chain}" is missing or neither ${CHAIN_BYTES} nor ${CHAIN_WITH_DIGEST_BYTES} bytes`,
    );
  }
  return asBuffer(bytes);
};

/** An item's links in hex: prevHash, hash, then the state digest where there is one. */
const linksHex = (item: Item): string => {
  if (!linksInEvent(item)) return chainAttribute(item).toString('hex');
  const bytes = decodeLinks(item[EVENT_ATTRIBUTES.event]?.S ?? '');
  if (bytes === 0) throw malformedLinks();
  return LINKS_SCRATCH.toString('hex', 0, bytes);
};

export interface PackedReading {
  stored: StoredEvent;
  /** Members of `event` that no event has (the keys among them: they are the item's): the audit names them. */
  unexpectedMembers: string[];
}

/** The event of a format-3 or format-4 item with its chain links; the keys are the item's. */
export const readPackedEvent = (item: Item): StoredEvent => storedFrom(item, eventContent(item));

/** Reads a format-3 or format-4 item back into an event with its chain links, and what else its event holds. */
export const readPackedItem = (item: Item): PackedReading => {
  const content = eventContent(item);
  const unexpectedMembers = Object.keys(content).filter((name) => !PACKED_MEMBERS.has(name));
  return { stored: storedFrom(item, content), unexpectedMembers };
};

const storedFrom = (item: Item, content: Record<string, unknown>): StoredEvent => {
  const keys = { executionId: item[EVENT_ATTRIBUTES.executionId]?.S, seq: Number(item[EVENT_ATTRIBUTES.seq]?.N) };
  const event: ExecutionEvent = eventFromFields(content, keys, linksInEvent(item) ? FORMAT_4_DEFAULTS : undefined);
  // One hex conversion, then slices: a fraction of the time of a conversion each, on every item of a replay.
  const links = linksHex(item);
  const prevHash = links.slice(0, 2 * HASH_BYTES);
  const hash = links.slice(2 * HASH_BYTES, 4 * HASH_BYTES);
  return links.length > 4 * HASH_BYTES ? { event, prevHash, hash, stateDigest: links.slice(4 * HASH_BYTES) } : { event, prevHash, hash };
};

/** The stored hash of a format-3 or format-4 item, unchecked (undefined when its links are not what the store writes). */
export const packedItemHash = (item: Item): string | undefined => {
  if (linksInEvent(item)) {
    return decodeLinks(item[EVENT_ATTRIBUTES.event]?.S ?? '') === 0 ? undefined : LINKS_SCRATCH.toString('hex', HASH_BYTES, 2 * HASH_BYTES);
  }
  const bytes = item[EVENT_ATTRIBUTES.chain]?.B;
  return bytes !== undefined && isChainLength(bytes.byteLength) ? asBuffer(bytes).toString('hex', HASH_BYTES, 2 * HASH_BYTES) : undefined;
};

/** Why a format-3 or format-4 item is not one the store could have written (beyond what reading it checks), or undefined. */
export const packedItemShapeProblem = (item: Item, reading: PackedReading): string | undefined => {
  const unexpected = Object.keys(item).filter((name) => !PACKED_FORMAT_ATTRIBUTES.has(name));
  if (unexpected.length) return `unexpected attribute(s) ${unexpected.sort().join(', ')}`;
  if (reading.unexpectedMembers.length)
    return `"${EVENT_ATTRIBUTES.event}" has unexpected member(s) ${reading.unexpectedMembers.sort().join(', ')}`;
  if (linksInEvent(item)) {
    const written = defaultsWritten(item);
    if (written.length) return `"${EVENT_ATTRIBUTES.event}" holds ${written.join(', ')} at the value format 4 leaves out`;
  }
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

/** Members a format-4 item's JSON holds at the value the store leaves out (never written so: a rewrite). */
const defaultsWritten = (item: Item): string[] => {
  const content = eventContent(item);
  return DEFAULTED.filter(([name, value]) => content[name] === value).map(([name]) => name);
};

/** The event type a format-3 or format-4 item holds, or undefined when it cannot be read; never throws (stream images). */
export const packedEventType = (item: Item): string | undefined => {
  try {
    const type = eventContent(item).type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
};
