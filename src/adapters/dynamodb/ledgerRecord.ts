import { gunzipSync } from 'node:zlib';
import type { StoredEvent } from '../../ports/executionEventStore';
import type { LedgerRecord } from '../../ports/ledgerRecords';
import { EVENT_ATTRIBUTES, EXECUTION_START_MARKER } from './keys';
import { fromEventItem, type Item } from './marshalEvent';

const KNOWN_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(EVENT_ATTRIBUTES));
const SHA256_HEX = /^[0-9a-f]{64}$/;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Why the item is not one the store could have written, or undefined when its shape is right. */
const shapeProblem = (item: Item): string | undefined => {
  const unexpected = Object.keys(item).filter((name) => !KNOWN_ATTRIBUTES.has(name));
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

const parseSnapshot = (item: Item): { ok: true; snapshot: unknown } | { ok: false; problem: string } => {
  const blob = item[EVENT_ATTRIBUTES.state]?.B;
  if (!blob) return { ok: false, problem: 'no state snapshot' };
  try {
    return { ok: true, snapshot: JSON.parse(gunzipSync(Buffer.from(blob)).toString('utf8')) };
  } catch (error) {
    return { ok: false, problem: `state snapshot is not gzipped JSON (${message(error)})` };
  }
};

/**
 * Reads one events-table item as a ledger record without trusting it: every way it differs from what the
 * store writes (unknown attributes, missing or mistyped fields, a bad digest, a misplaced index marker, an
 * unreadable snapshot) becomes `problem`. Never throws.
 */
export const ledgerRecordFromItem = (item: Item): LedgerRecord => {
  const seq = Number(item[EVENT_ATTRIBUTES.seq]?.N);
  const unreadable = (problem: string): LedgerRecord => ({ seq, readable: false, problem });
  const shape = shapeProblem(item);
  if (shape) return unreadable(shape);
  let stored: StoredEvent;
  try {
    stored = fromEventItem(item);
  } catch (error) {
    return unreadable(message(error));
  }
  // Format 2 keeps a snapshot on every K-th item only; each item's digest is what its hash covers.
  if (item[EVENT_ATTRIBUTES.state] === undefined && stored.stateDigest !== undefined) return { seq, readable: true, stored };
  const snapshot = parseSnapshot(item);
  if (!snapshot.ok) return unreadable(snapshot.problem);
  return { seq, readable: true, stored, snapshot: snapshot.snapshot };
};
