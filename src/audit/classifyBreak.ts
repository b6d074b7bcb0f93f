import type { StoredEvent } from '../ports/executionEventStore';
import type { LedgerRecord } from '../ports/ledgerRecords';
import { type ChainBreak, chainBreak as brk, type ExpectedHead } from './chainVerification';
import { chainHash } from '../domain/ledger';
import { hashesAt, isReadable, linkBefore, type ReadableRecord } from './chainLinks';

/** Where the walk stood when an integer-seq, readable record at the expected seq failed its link. */
export interface BreakSite {
  records: readonly LedgerRecord[];
  index: number;
  /** The record's seq: the one the walk expected. */
  seq: number;
  /** The hash it should link to. */
  link: string;
  /** Events 1..seq-1, verified. */
  verified: readonly StoredEvent[];
  expectedHead?: ExpectedHead;
}

/** The seq, other than `seq`, at which the content was chained: where a moved event came from. */
const chainedAt = (stored: StoredEvent, seq: number, records: readonly LedgerRecord[]): number | undefined => {
  const highest = Math.max(...records.map((record) => (Number.isInteger(record.seq) ? record.seq : 0)));
  for (let candidate = 1; candidate <= highest + 1; candidate += 1) {
    if (candidate !== seq && hashesAt(stored, candidate)) return candidate;
  }
  return undefined;
};

/** A content that does not hash where it is stored: modified, or moved (reordered, renumbered). */
const classifyBadContent = (site: BreakSite, record: ReadableRecord): ChainBreak => {
  const { records, index, seq, link, verified } = site;
  const origin = chainedAt(record.stored, seq, records);
  if (origin !== undefined && origin < seq && record.stored.prevHash === linkBefore(origin, verified, record.stored)) {
    return brk(
      origin,
      'inserted',
      `seq ${seq} holds the event chained at seq ${origin}: the item(s) at seq ${origin}..${seq - 1} were inserted and later events renumbered up`,
    );
  }
  if (origin !== undefined && origin > seq) {
    const displaced = records.find((other, at) => at !== index && isReadable(other) && other.seq !== seq && hashesAt(other.stored, seq));
    if (displaced) {
      return brk(
        seq,
        'reordered',
        `seq ${seq} holds the event chained at seq ${origin}, and seq ${displaced.seq} holds the event chained at seq ${seq}`,
      );
    }
    return brk(
      seq,
      'missing',
      `the event chained at seq ${seq} is gone: seq ${seq} holds the one chained at seq ${origin} (later events renumbered down)`,
    );
  }
  if (origin !== undefined) {
    return brk(seq, 'modified', `seq ${seq} holds a copy of the event chained at seq ${origin}`);
  }
  const next = records[index + 1];
  if (isReadable(next) && next.seq === seq + 1 && next.stored.prevHash === link && hashesAt(next.stored, seq)) {
    return brk(seq, 'inserted', `the item at seq ${seq} is extra: the next item holds the event chained at seq ${seq} onto seq ${seq - 1}`);
  }
  // A forger rehashing with format 1's formula (the event alone) on a format-2 item, whose hash covers its state digest.
  const { stored } = record;
  if (stored.stateDigest !== undefined && chainHash(stored.prevHash, { ...stored.event, seq }) === stored.hash) {
    return brk(seq, 'modified', `seq ${seq} was rewritten and rehashed without its state digest, which a format-2 item's hash covers`);
  }
  return brk(seq, 'modified', `the content at seq ${seq} no longer hashes to its stored hash`);
};

/** A self-consistent event that does not link onto the previous one. */
const classifyBadLink = (site: BreakSite, record: ReadableRecord): ChainBreak => {
  const { records, index, seq, expectedHead } = site;
  if (seq === 1) return brk(1, 'modified', 'seq 1 does not chain from the genesis hash of its execution and plan');
  const next = records[index + 1];
  if (isReadable(next) && next.seq === seq + 1 && next.stored.prevHash === record.stored.hash) {
    return brk(
      seq - 1,
      'modified',
      `the stored hash of seq ${seq - 1} breaks the link to seq ${seq}, which is intact: seq ${seq - 1} was rewritten and rehashed`,
    );
  }
  if (next === undefined) {
    if (expectedHead && expectedHead.seq >= seq) {
      return expectedHead.seq === seq && expectedHead.hash === record.stored.hash
        ? brk(
            seq - 1,
            'modified',
            `seq ${seq} is the expected head, but the stored hash of seq ${seq - 1} breaks the link to it: seq ${seq - 1} was rewritten and rehashed`,
          )
        : brk(seq, 'modified', `seq ${seq} is self-consistent but not chained onto seq ${seq - 1}: it replaced the original event`);
    }
    return brk(seq, 'inserted', `seq ${seq} is self-consistent but not chained onto seq ${seq - 1}: an extra event appended at the end`);
  }
  return brk(seq, 'modified', `seq ${seq} is self-consistent but links to neither neighbour: it replaced the original event`);
};

/** Names the first break of the chain by the signature of what was done to it. */
export const classifyBreak = (site: BreakSite): ChainBreak => {
  const record = site.records[site.index];
  if (!isReadable(record)) throw new Error('classifyBreak needs a readable record');
  return hashesAt(record.stored, site.seq) ? classifyBadLink(site, record) : classifyBadContent(site, record);
};
