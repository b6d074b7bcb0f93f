/**
 * Attribute names of the events table. Partition: executionId; sort: seq. Four item formats live in it:
 *  - format 4 (written now): the event packed in `event` after its chain links in base64, a snapshot on every
 *    K-th item, and on the ExecutionStarted item alone the attributes of the execution-starts index;
 *  - format 3 (written now for an event of 4 KB of JSON or more, gzipped; before, for all): the links in `chain`;
 *  - format 2: one attribute per envelope field, `data` a map, hashes as hex, `stateDigest`, a snapshot on every
 *    K-th item; format 1: the same without `stateDigest`, a snapshot on every item.
 */
export const EVENT_ATTRIBUTES = {
  executionId: 'executionId',
  seq: 'seq',
  /**
   * Format 4: the base64 of prevHash, hash and (on snapshot items) the state digest, then the canonical JSON of
   * the event without its keys (executionId and seq are the item's) nor the members it holds at their usual
   * value (schemaVersion 2, actor "system"). Format 3: that JSON whole, as a string, or gzipped binary when
   * longer than PACKED_EVENT_GZIP_FROM bytes (still written so).
   */
  event: 'event',
  /** Format 3: prevHash, hash and stateDigest, 32 bytes each, in that order. */
  chain: 'chain',
  /** Formats 1 and 2; on format 3, only the ExecutionStarted item's copy, projected by the execution-starts index. */
  planId: 'planId',
  type: 'type',
  /** Formats 1 and 2; on format 3, only the ExecutionStarted item's copy: the execution-starts index's sort key. */
  occurredAt: 'occurredAt',
  actor: 'actor',
  schemaVersion: 'schemaVersion',
  data: 'data',
  prevHash: 'prevHash',
  hash: 'hash',
  /** Only on ExecutionStarted items: the key of the sparse index that lists executions. */
  executionStart: 'executionStart',
  /**
   * gzip of the JSON snapshot of the state after this event. Format 1: on every item. Formats 2 and 3: on every
   * K-th item (seq a multiple of K), so a load reads at most K items, whatever the history, and most items are lean.
   */
  state: 'state',
  /** Format 2: SHA-256 of the canonical snapshot after this event (32 bytes), covered by `hash`. */
  stateDigest: 'stateDigest',
  /** A random id of the append that wrote the item: tells a write whose answer was lost from another writer's. */
  writer: 'writer',
} as const;

/** The sparse index of executions: one entry per ExecutionStarted, ordered by start time. */
export const EXECUTIONS_INDEX = 'execution-starts';
export const EXECUTION_START_MARKER = 'EXECUTION';

const NOT_READ_BACK: readonly string[] = [EVENT_ATTRIBUTES.state, EVENT_ATTRIBUTES.executionStart, EVENT_ATTRIBUTES.writer];

/** Everything but the state snapshot: what replay, verify and export read. */
export const EVENT_PROJECTION = Object.values(EVENT_ATTRIBUTES)
  .filter((name) => !NOT_READ_BACK.includes(name))
  .map((name) => `#${name}`)
  .join(', ');

export const EVENT_PROJECTION_NAMES: Record<string, string> = Object.fromEntries(
  Object.values(EVENT_ATTRIBUTES)
    .filter((name) => !NOT_READ_BACK.includes(name))
    .map((name) => [`#${name}`, name]),
);

/**
 * EVENT_PROJECTION less the partition key: a read of one execution knows its id (every item a Query on it returns
 * has that key), so each of its items need not bring it back: 30-odd bytes of 400-odd, on every page of a replay.
 */
export const EVENT_READ_PROJECTION = Object.values(EVENT_ATTRIBUTES)
  .filter((name) => !NOT_READ_BACK.includes(name) && name !== EVENT_ATTRIBUTES.executionId)
  .map((name) => `#${name}`)
  .join(', ');

/**
 * What a read of events asks each item for: its seq and the attributes of formats 3 and 4. dynalite's work grows
 * with every name a projection lists (DynamoDB bills the item whatever it projects); an item of format 1 or 2
 * comes back with its seq alone, and the store reads it again with EVENT_READ_PROJECTION.
 */
export const PACKED_READ_NAMES: Record<string, string> = {
  '#executionId': EVENT_ATTRIBUTES.executionId,
  '#seq': EVENT_ATTRIBUTES.seq,
  '#event': EVENT_ATTRIBUTES.event,
  '#chain': EVENT_ATTRIBUTES.chain,
};
export const PACKED_READ_PROJECTION = '#seq, #event, #chain';
