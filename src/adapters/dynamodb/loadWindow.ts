import { type ExecutionState, initialState, stepwiseFold } from '../../domain/execution';
import { chainHash, genesisHash, linkProblem, stateDigest } from '../../domain/ledger';
import type { StoredEvent } from '../../ports/executionEventStore';
import { fromEventItem, hasSnapshot, type Item, stateFromEventItem } from './marshalEvent';
import { isPackedItem } from './packedEventItem';

/** How a load's window of newest items came out. */
export type WindowState =
  | { ok: true; state: ExecutionState }
  /** The window alone cannot give a state to decide on: the caller refolds the whole ledger, verified. */
  | { ok: false; reason: 'no-verifiable-snapshot' | 'not-contiguous'; seq?: number }
  /** Something in the window is not what the store wrote: it must not be decided on, and an alarm is due. */
  | { ok: false; reason: 'tampered'; seq: number; detail: string };

/** Folds `links` (oldest first) onto `state`, each checked against the link before it and the fold. */
const foldChecked = (state: ExecutionState, links: readonly StoredEvent[], previousHash: string): WindowState => {
  let folded = state;
  const step = stepwiseFold(state);
  let prev = previousHash;
  for (const link of links) {
    folded = step(link.event);
    const problem = linkProblem(prev, link, folded);
    if (problem) return { ok: false, reason: 'tampered', seq: link.event.seq, detail: problem };
    prev = link.hash;
  }
  return { ok: true, state: folded };
};

/**
 * The state after the newest item, from a load's window (the newest items, newest first): the newest
 * format-2 snapshot in it, checked against the digest its item's chained hash covers, with every newer event
 * folded onto it and each of their links checked (hash, prevHash, state digest against the fold), or all the
 * events when the window reaches seq 1 (the first linked to the genesis). A format-1 snapshot (covered by
 * nothing) is never decided on: the caller refolds the whole ledger instead, verified the same way.
 */
export const stateFromWindow = (items: readonly Item[]): WindowState => {
  let stored: StoredEvent[];
  try {
    stored = items.map(fromEventItem);
  } catch (error) {
    const seq = Number(items.find((item) => item.seq?.N)?.seq?.N ?? 0);
    return { ok: false, reason: 'tampered', seq, detail: error instanceof Error ? error.message : String(error) };
  }
  const head = stored[0];
  if (!head) return { ok: true, state: initialState() };
  // The store only moves forward in format: an item laid out as before format 3 that is newer than a format-3
  // one was rewritten (a lean format-3 link hashes as a format-1 one, so only the layout shows it).
  const oldestPacked = items.map(isPackedItem).lastIndexOf(true);
  const rewritten = items.findIndex((item, index) => index < oldestPacked && !isPackedItem(item));
  if (rewritten >= 0) {
    const seq = (stored[rewritten] as StoredEvent).event.seq;
    return { ok: false, reason: 'tampered', seq, detail: 'an item laid out as before format 3, newer than format-3 items' };
  }
  for (const [index, link] of stored.entries()) {
    if (link.event.seq !== head.event.seq - index) return { ok: false, reason: 'not-contiguous', seq: link.event.seq };
  }
  const at = items.findIndex(hasSnapshot);
  if (at < 0) {
    const oldest = stored.at(-1) as StoredEvent;
    if (oldest.event.seq !== 1) return { ok: false, reason: 'no-verifiable-snapshot', seq: oldest.event.seq };
    return foldChecked(initialState(), [...stored].reverse(), genesisHash(oldest.event.executionId, oldest.event.planId));
  }
  const link = stored[at] as StoredEvent;
  const { seq } = link.event;
  if (link.stateDigest === undefined) {
    // A format-1 snapshot is covered by nothing; a format-3 one always by its item's hash: one without was put there.
    if (!isPackedItem(items[at] as Item)) return { ok: false, reason: 'no-verifiable-snapshot', seq };
    return { ok: false, reason: 'tampered', seq, detail: 'a snapshot whose digest the item hash does not cover' };
  }
  if (chainHash(link.prevHash, link.event, link.stateDigest) !== link.hash) {
    return { ok: false, reason: 'tampered', seq, detail: 'the item hash does not cover its event and state digest' };
  }
  const older = stored[at + 1];
  if (older && link.prevHash !== older.hash)
    return { ok: false, reason: 'tampered', seq, detail: 'the item does not link to the one before it' };
  let snapshot: ExecutionState;
  try {
    snapshot = stateFromEventItem(items[at] as Item);
  } catch {
    return { ok: false, reason: 'tampered', seq, detail: 'the snapshot cannot be read' };
  }
  if (stateDigest(snapshot) !== link.stateDigest) {
    return { ok: false, reason: 'tampered', seq, detail: 'the snapshot does not match the digest its hash covers' };
  }
  return foldChecked(snapshot, stored.slice(0, at).reverse(), link.hash);
};
