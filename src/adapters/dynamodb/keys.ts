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
  /** gzip of the JSON state after this event: loading an execution reads one item, whatever its history. */
  state: 'state',
} as const;

/** Everything but the state snapshot: what replay, verify and export read. */
export const EVENT_PROJECTION = Object.values(EVENT_ATTRIBUTES)
  .filter((name) => name !== EVENT_ATTRIBUTES.state)
  .map((name) => `#${name}`)
  .join(', ');

export const EVENT_PROJECTION_NAMES: Record<string, string> = Object.fromEntries(
  Object.values(EVENT_ATTRIBUTES)
    .filter((name) => name !== EVENT_ATTRIBUTES.state)
    .map((name) => [`#${name}`, name]),
);
