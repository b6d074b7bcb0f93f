import { gunzipSync } from 'node:zlib';
import type { StoredEvent } from '../../ports/executionEventStore';
import type { LedgerRecord } from '../../ports/ledgerRecords';
import { attributeItemShapeProblem, fromAttributeItem } from './attributeEventItem';
import { EVENT_ATTRIBUTES } from './keys';
import type { Item } from './item';
import { isPackedItem, packedItemShapeProblem, readPackedItem } from './packedEventItem';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const parseSnapshot = (item: Item): { ok: true; snapshot: unknown } | { ok: false; problem: string } => {
  const blob = item[EVENT_ATTRIBUTES.state]?.B;
  if (!blob) return { ok: false, problem: 'no state snapshot' };
  try {
    return { ok: true, snapshot: JSON.parse(gunzipSync(Buffer.from(blob)).toString('utf8')) };
  } catch (error) {
    return { ok: false, problem: `state snapshot is not gzipped JSON (${message(error)})` };
  }
};

/** The item's event and links, or why it is not an item the store could have written in its format. */
const readItem = (item: Item): { ok: true; stored: StoredEvent } | { ok: false; problem: string } => {
  try {
    if (isPackedItem(item)) {
      const reading = readPackedItem(item);
      const problem = packedItemShapeProblem(item, reading);
      return problem ? { ok: false, problem } : { ok: true, stored: reading.stored };
    }
    const problem = attributeItemShapeProblem(item);
    return problem ? { ok: false, problem } : { ok: true, stored: fromAttributeItem(item) };
  } catch (error) {
    return { ok: false, problem: message(error) };
  }
};

/**
 * Reads one events-table item, of any format, as a ledger record without trusting it: every way it differs from
 * what the store writes (unknown attributes or event members, missing or mistyped fields, a bad digest or chain,
 * misplaced or disagreeing index attributes, an unreadable snapshot) becomes `problem`. Never throws.
 */
export const ledgerRecordFromItem = (item: Item): LedgerRecord => {
  const seq = Number(item[EVENT_ATTRIBUTES.seq]?.N);
  const read = readItem(item);
  if (!read.ok) return { seq, readable: false, problem: read.problem };
  const { stored } = read;
  const layout = isPackedItem(item) ? 'packed' : 'attributes';
  // Formats 2 and 3 keep a snapshot on every K-th item only (format 1 on every item): a format-2 item's hash
  // covers its state's digest whether or not it carries the snapshot, a format-3 item's only when it does.
  if (item[EVENT_ATTRIBUTES.state] === undefined && (stored.stateDigest !== undefined || layout === 'packed')) {
    return { seq, readable: true, stored, layout };
  }
  const snapshot = parseSnapshot(item);
  if (!snapshot.ok) return { seq, readable: false, problem: snapshot.problem };
  return { seq, readable: true, stored, snapshot: snapshot.snapshot, layout };
};
