import { type ExecutionState, evolve, initialState } from '../../domain/execution';
import { chainHash, stateDigest } from '../../domain/ledger';
import type { StoredEvent } from '../../ports/executionEventStore';
import { fromEventItem, hasSnapshot, type Item, stateFromEventItem } from './marshalEvent';

/** How a load's window of newest items came out. */
export type WindowState =
  | { ok: true; state: ExecutionState }
  /** `tampered`: the window's snapshot is not the one its item's hash covers; it must not be decided on. */
  | { ok: false; reason: 'no-verifiable-snapshot' | 'not-contiguous' | 'broken-link' | 'tampered'; seq?: number; detail?: string };

/**
 * The state after the newest item, from a load's window (the newest items, newest first): the newest
 * format-2 snapshot in it, checked against the digest its item's chained hash covers, with the newer events
 * folded onto it (each linked to the one before), or the events alone when the window reaches seq 1. A
 * format-1 snapshot (covered by nothing) is never decided on: the caller folds the whole ledger instead.
 */
export const stateFromWindow = (items: readonly Item[]): WindowState => {
  const stored: StoredEvent[] = items.map(fromEventItem);
  const head = stored[0];
  if (!head) return { ok: true, state: initialState() };
  for (const [index, link] of stored.entries()) {
    if (link.event.seq !== head.event.seq - index) return { ok: false, reason: 'not-contiguous', seq: link.event.seq };
    const older = stored[index + 1];
    if (older && link.prevHash !== older.hash) return { ok: false, reason: 'broken-link', seq: link.event.seq };
  }
  const at = items.findIndex(hasSnapshot);
  let base: ExecutionState;
  let newer: StoredEvent[];
  if (at >= 0) {
    const item = items[at] as Item;
    const link = stored[at] as StoredEvent;
    if (link.stateDigest === undefined) return { ok: false, reason: 'no-verifiable-snapshot', seq: link.event.seq };
    if (chainHash(link.prevHash, link.event, link.stateDigest) !== link.hash) {
      return { ok: false, reason: 'tampered', seq: link.event.seq, detail: 'the item hash does not cover its state digest' };
    }
    let snapshot: ExecutionState;
    try {
      snapshot = stateFromEventItem(item);
    } catch {
      return { ok: false, reason: 'tampered', seq: link.event.seq, detail: 'the snapshot cannot be read' };
    }
    if (stateDigest(snapshot) !== link.stateDigest) {
      return { ok: false, reason: 'tampered', seq: link.event.seq, detail: 'the snapshot does not match the digest its hash covers' };
    }
    base = snapshot;
    newer = stored.slice(0, at).reverse();
  } else {
    const oldest = stored.at(-1) as StoredEvent;
    if (oldest.event.seq !== 1) return { ok: false, reason: 'no-verifiable-snapshot', seq: oldest.event.seq };
    base = initialState();
    newer = [...stored].reverse();
  }
  return { ok: true, state: newer.reduce<ExecutionState>((state, link) => evolve(state, link.event), base) };
};
