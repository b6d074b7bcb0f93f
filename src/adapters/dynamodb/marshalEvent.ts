import { gunzipSync, gzipSync } from 'node:zlib';
import { type ExecutionState, snapshotOf } from '../../domain/execution';
import type { StoredEvent } from '../../ports/executionEventStore';
import { MalformedEventItemError } from '../../ports/ledgerErrors';
import { attributeItemHash, fromAttributeItem } from './attributeEventItem';
import type { Item } from './item';
import { EVENT_ATTRIBUTES } from './keys';
import { isPackedItem, packedItemHash, packEvent, readPackedEvent } from './packedEventItem';

export type { Item };

/**
 * One ledger item as the store writes it (format 4, or 3 for a long event: packedEventItem.ts): the keys, the event and its chain
 * links and, when `withSnapshot`, the gzipped snapshot of the state it produced, whose digest the link must
 * then cover (chainEvents with coveredStates): a snapshot covered by no hash is never written.
 */
export const toEventItem = (stored: StoredEvent, stateAfter: ExecutionState, withSnapshot = true): Item => {
  if (withSnapshot && stored.stateDigest === undefined) {
    throw new TypeError(`seq ${stored.event.seq}: a snapshot item's hash covers its state digest, and this link has none`);
  }
  const item: Item = {
    [EVENT_ATTRIBUTES.executionId]: { S: stored.event.executionId },
    [EVENT_ATTRIBUTES.seq]: { N: String(stored.event.seq) },
    ...packEvent(stored),
  };
  if (withSnapshot) item[EVENT_ATTRIBUTES.state] = { B: gzipSync(Buffer.from(JSON.stringify(snapshotOf(stateAfter)), 'utf8')) };
  return item;
};

export { MalformedEventItemError };

/**
 * Reads a ledger item of any format (from a Query, which may project EVENT_PROJECTION, or a stream image) back
 * into an event with its chain links. Throws MalformedEventItemError for an item the store could not have written.
 */
export const fromEventItem = (item: Item): StoredEvent => (isPackedItem(item) ? readPackedEvent(item) : fromAttributeItem(item));

/** The hash an item stores, in any format, from its `event` and `chain` or its `hash` alone (unchecked): what `head` projects. */
export const itemHash = (item: Item): string | undefined => (isPackedItem(item) ? packedItemHash(item) : attributeItemHash(item));

/** Whether the item carries a snapshot of its state (format 1: all; formats 2 to 4: every K-th). */
export const hasSnapshot = (item: Item): boolean => item.state?.B !== undefined;

export const stateFromEventItem = (item: Item): ExecutionState => {
  const blob = item.state?.B;
  if (!blob) throw new MalformedEventItemError('Event item has no state snapshot');
  return JSON.parse(gunzipSync(Buffer.from(blob)).toString('utf8')) as ExecutionState;
};
