import type { VerifiedDigest } from './checkChain';

/** Where one digest vouches for an execution: it recorded the ledger's item `seq` with `hash`. */
export interface DigestVouch {
  key: string;
  digestSeq: number;
  createdAt: string;
  seq: number;
  hash: string;
}

export type DigestCoverage =
  /** No verified digest names the execution (yet). */
  | { status: 'uncovered'; headSeq: number }
  /** Every digest that names it agrees with the ledger; `newest` vouches for the most; events after it are newer than any digest. */
  | { status: 'covered'; newest: DigestVouch; vouches: number; headSeq: number; eventsAfter: number }
  /** A digest recorded a ledger item the ledger no longer has as it was: rewritten or cut after the digest. */
  | { status: 'contradicted'; problems: string[]; headSeq: number };

/**
 * The ledger as stored (each item's hash by seq, and the newest seq) checked against every verified digest that
 * names the execution. A whole rewrite recomputes every hash, so the items the digests recorded no longer match;
 * a cut ledger lacks them.
 */
export const digestCoverage = (
  executionId: string,
  ledgerHashes: ReadonlyMap<number, string>,
  digests: VerifiedDigest[],
): DigestCoverage => {
  const headSeq = Math.max(0, ...ledgerHashes.keys());
  const vouches: DigestVouch[] = digests.flatMap(({ key, document }) =>
    document.heads
      .filter((head) => head.executionId === executionId)
      .map((head) => ({ key, digestSeq: document.digestSeq, createdAt: document.createdAt, seq: head.seq, hash: head.hash })),
  );
  const newest = vouches.reduce<DigestVouch | undefined>(
    (best, vouch) => (best === undefined || vouch.seq >= best.seq ? vouch : best),
    undefined,
  );
  if (newest === undefined) return { status: 'uncovered', headSeq };
  const problems = vouches.flatMap((vouch) => {
    const stored = ledgerHashes.get(vouch.seq);
    if (stored === undefined)
      return [
        `digest #${vouch.digestSeq} (${vouch.key}) recorded seq ${vouch.seq}, but the ledger has no item ${vouch.seq} (it ends at ${headSeq})`,
      ];
    if (stored !== vouch.hash)
      return [
        `digest #${vouch.digestSeq} (${vouch.key}) recorded seq ${vouch.seq} with hash ${vouch.hash}; the ledger's item ${vouch.seq} has ${stored}: rewritten after the digest`,
      ];
    return [];
  });
  if (problems.length > 0) return { status: 'contradicted', problems, headSeq };
  return { status: 'covered', newest, vouches: vouches.length, headSeq, eventsAfter: headSeq - newest.seq };
};
