import type { StoredEvent } from '../ports/executionEventStore';

/**
 * How a ledger was found to be tampered with; each has its own signature, so they are told apart:
 * - modified:  an event's content no longer hashes to its stored hash; or it was rehashed, so its stored
 *              hash breaks the link to the next, otherwise intact, event; or a self-consistent event that
 *              links to neither neighbour replaced it; or its state snapshot is not the fold of the events.
 * - missing:   a gap in the seqs; or an event gone and the later ones renumbered down (the event at seq k
 *              was chained at k+1 and none was chained at k); or the table ends before an expected head.
 * - inserted:  an item a gapless 1-based stream cannot have (a seq such as 4.5 or 0); an item whose removal
 *              heals the chain (later events renumbered up, their content chained one seq lower); a
 *              self-consistent event at the end that is not chained onto the one before; an event after
 *              the recorded end (after an expected head, or after the terminal event other than its
 *              notification).
 * - reordered: events moved among existing seqs: the event at seq k was chained at another seq j, and the
 *              event chained at k is stored at another seq.
 * - malformed: an item the store could not have written (missing or mistyped fields, unknown attributes,
 *              an unreadable snapshot, a misplaced index marker), or a chained history the domain cannot fold.
 */
export type TamperKind = 'modified' | 'missing' | 'inserted' | 'reordered' | 'malformed';

export interface ChainBreak {
  firstBadSeq: number;
  problem: TamperKind;
  detail: string;
}

export const chainBreak = (firstBadSeq: number, problem: TamperKind, detail: string): ChainBreak => ({ firstBadSeq, problem, detail });

export type ChainVerification = { ok: true; headHash: string; headSeq: number; events: StoredEvent[] } | ({ ok: false } & ChainBreak);

/** A head recorded elsewhere (an evidence report, an export header): the ledger must end exactly there. */
export interface ExpectedHead {
  seq: number;
  hash: string;
}

export interface VerifyOptions {
  expectedHead?: ExpectedHead;
}
