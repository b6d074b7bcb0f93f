/** Attribute names of the events table. Partition: executionId; sort: seq. */
export const EVENT_ATTRIBUTES = {
  executionId: 'executionId',
  seq: 'seq',
  planId: 'planId',
  type: 'type',
  occurredAt: 'occurredAt',
  actor: 'actor',
  schemaVersion: 'schemaVersion',
  data: 'data',
  prevHash: 'prevHash',
  hash: 'hash',
  /** Only on ExecutionStarted items: the key of the sparse index that lists executions. */
  executionStart: 'executionStart',
  /**
   * gzip of the JSON snapshot of the state after this event. Format 1: on every item. Format 2: on every K-th
   * item (seq a multiple of K), so a load reads at most K items, whatever the history, and most items are lean.
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
