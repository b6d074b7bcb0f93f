import { createHash } from 'node:crypto';
import type { ExecutionEvent } from '../execution/events';
import { snapshotOf } from '../execution/snapshot';
import type { ExecutionState } from '../execution/state';
import { canonicalJson } from './canonicalJson';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The first event of an execution chains from its ids, so a stream cannot be moved to another execution. */
export const genesisHash = (executionId: string, planId: string): string => sha256(`drs-ledger:genesis:${executionId}:${planId}`);

/**
 * The digest of the state an event leaves: SHA-256 of the canonical JSON of its snapshot (what a ledger item
 * stores, and what a decision may be made on). Anyone holding the events can recompute it by folding them.
 */
export const stateDigest = (state: ExecutionState): string => sha256(canonicalJson(snapshotOf(state)));

/**
 * Hash of one event's canonical content (envelope and payload), linked to the previous event's hash. Items that
 * carry a snapshot (every item of format 2, the K-th items of formats 3 and 4) also cover the digest of the state the
 * event leaves, so a snapshot cannot be altered without breaking the chain; the other items of formats 3 and 4, and
 * format-1 items (written before), cover the event alone.
 */
export const chainHash = (prevHash: string, event: ExecutionEvent, digest?: string): string =>
  sha256(digest === undefined ? `${prevHash}\n${canonicalJson(event)}` : `${prevHash}\n${canonicalJson(event)}\nstate:${digest}`);

export interface ChainedEvent {
  event: ExecutionEvent;
  prevHash: string;
  hash: string;
  /**
   * The digest of the state after the event, covered by `hash`: on every format-2 item and on the snapshot items
   * of formats 3 and 4 (coversState). Absent on format-1 items and on the packed formats' other items.
   */
  stateDigest?: string;
}

/**
 * Links a decision's events onto a chain whose head is `headHash` (or the genesis for a new execution). With
 * `states` (the state after each event, as the decision produced it), each link covers that state's digest,
 * except where the state is undefined (coveredStates: the store covers the states of its snapshot items).
 * Without, format 1 (kept for ledgers written before, and their exports).
 */
export const chainEvents = (
  headHash: string | undefined,
  events: readonly ExecutionEvent[],
  states?: readonly (ExecutionState | undefined)[],
): ChainedEvent[] => {
  if (states && states.length !== events.length) throw new Error(`chainEvents: ${events.length} events but ${states.length} states`);
  const chained: ChainedEvent[] = [];
  let prevHash = headHash;
  for (const [index, event] of events.entries()) {
    const link = prevHash ?? genesisHash(event.executionId, event.planId);
    const state = states?.[index];
    const digest = state === undefined ? undefined : stateDigest(state);
    const hash = chainHash(link, event, digest);
    chained.push(digest === undefined ? { event, prevHash: link, hash } : { event, prevHash: link, hash, stateDigest: digest });
    prevHash = hash;
  }
  return chained;
};

/**
 * Whether the link at `seq` covers the digest of the state its event leaves: only the items that carry a
 * snapshot (every `snapshotEvery`-th) do, as a load decides on a snapshot only after checking it against the
 * digest its item's hash covers. Elsewhere the digest would cost every append a canonical serialisation and a
 * hash of the whole state, and every item 32 bytes, for nothing the fold of the events does not already give.
 */
export const coversState = (seq: number, snapshotEvery: number): boolean => seq % snapshotEvery === 0;

/** The decided states whose digests the chain covers (those of snapshot items), undefined elsewhere: for chainEvents. */
export const coveredStates = (
  events: readonly ExecutionEvent[],
  states: readonly ExecutionState[],
  snapshotEvery: number,
): (ExecutionState | undefined)[] =>
  states.map((state, index) => (coversState((events[index] as ExecutionEvent).seq, snapshotEvery) ? state : undefined));

/** A stored link as a load or a verifier finds it. */
export interface StoredLink {
  event: ExecutionEvent;
  prevHash: string;
  hash: string;
  stateDigest?: string;
}

/**
 * Why a stored link cannot be trusted as the one after `expectedPrev` leaving `stateAfter` (the fold of the
 * events up to it), or undefined: its prevHash must be the link before, its hash must cover its event (and,
 * in format 2, its state digest), and that digest must be the digest of the fold.
 */
export const linkProblem = (expectedPrev: string, link: StoredLink, stateAfter: ExecutionState): string | undefined => {
  const { seq } = link.event;
  if (link.prevHash !== expectedPrev) return `seq ${seq} does not link to the item before it`;
  if (chainHash(link.prevHash, link.event, link.stateDigest) !== link.hash) return `seq ${seq} does not hash to its stored hash`;
  if (link.stateDigest !== undefined && link.stateDigest !== stateDigest(stateAfter)) {
    return `seq ${seq}'s state digest is not the digest of the fold of its events`;
  }
  return undefined;
};
