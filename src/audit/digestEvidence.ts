import {
  checkDigestChain,
  type DigestChainCheck,
  type DigestCoverage,
  digestCoverage,
  type DigestProblem,
  type StoredDigest,
} from '../domain/digest';
import type { DigestArchive } from '../ports/digestArchive';
import type { DigestPublicKey } from '../ports/digestSigner';
import type { LedgerRecord } from '../ports/ledgerRecords';

/** Where the digest chain is read from: its bucket, and the public half of the key that alone may sign it. */
export interface DigestSources {
  archive: DigestArchive;
  publicKey: DigestPublicKey;
}

/** Digests read at once: a long chain is read in a few seconds without flooding the bucket. */
const READ_CONCURRENCY = 8;

const readAll = async (archive: DigestArchive, keys: string[]): Promise<StoredDigest[]> => {
  const stored: StoredDigest[] = [];
  for (let start = 0; start < keys.length; start += READ_CONCURRENCY) {
    const batch = await Promise.all(keys.slice(start, start + READ_CONCURRENCY).map((key) => archive.get(key)));
    // A key listed and then gone reads as empty bytes: the chain check names it as unreadable.
    stored.push(
      ...batch.map((object, index) => object ?? { key: keys[start + index] as string, bytes: Buffer.alloc(0), signature: undefined }),
    );
  }
  return stored;
};

/** Every object under the digest prefix, as stored, and the chain's verdict on them. */
export const readDigests = async (sources: DigestSources): Promise<{ stored: StoredDigest[]; chain: DigestChainCheck }> => {
  const keys = await sources.archive.listKeys();
  const stored = await readAll(sources.archive, keys);
  const publicKeyDer = await sources.publicKey.publicKeyDer();
  return { stored, chain: checkDigestChain(stored, { prefix: sources.archive.prefix, keyId: sources.publicKey.keyId, publicKeyDer }) };
};

/** The whole digest chain, every digest read and checked: signatures, numbering, links. */
export const readDigestChain = async (sources: DigestSources): Promise<DigestChainCheck> => (await readDigests(sources)).chain;

/** Each readable ledger item's hash by its key's seq: what digests recorded is compared with this. */
export const ledgerHashes = (records: LedgerRecord[]): Map<number, string> =>
  new Map(records.flatMap((record) => (record.readable ? [[record.seq, record.stored.hash] as const] : [])));

/** The execution's ledger, as stored, against every verified digest that names it. */
export const checkLedgerAgainstDigests = (executionId: string, records: LedgerRecord[], chain: DigestChainCheck): DigestCoverage =>
  digestCoverage(executionId, ledgerHashes(records), chain.verified);

/** A problem of the digest chain, with where its digest is (`s3://bucket/key`). */
export interface LocatedDigestProblem extends DigestProblem {
  location: string;
}

/**
 * What the signed digest chain says of one execution's ledger, all things considered:
 * - covered: a digest before any break of the chain vouches for an item the ledger still has as it was, and no
 *   digest contradicts it; `chainProblems` (after that digest) do not touch it.
 * - uncovered: no digest names the execution yet (and the chain is intact): the hash chain alone vouches.
 * - contradicted: a verified digest recorded an item the ledger no longer has as it was (rewritten or cut).
 * - chain-broken: the chain breaks where the digest that would vouch for the ledger (its head, or the events
 *   after the newest vouch) would be: nothing after the break can be trusted.
 */
export type DigestVerdict = { chainProblems: LocatedDigestProblem[]; digests: number } & (
  | {
      status: 'covered';
      digestSeq: number;
      key: string;
      location: string;
      createdAt: string;
      seq: number;
      hash: string;
      eventsAfter: number;
      vouches: number;
    }
  | { status: 'uncovered'; headSeq: number }
  | { status: 'contradicted'; problems: string[] }
  | { status: 'chain-broken'; intactUpTo: number; headSeq: number; vouchedSeq?: number }
);

/** The execution's ledger, as stored, against the digest chain (see DigestVerdict). */
export const digestVerdict = (
  executionId: string,
  records: LedgerRecord[],
  chain: DigestChainCheck,
  location: (key: string) => string,
): DigestVerdict => {
  const coverage = checkLedgerAgainstDigests(executionId, records, chain);
  const common = {
    chainProblems: chain.problems.map((problem) => ({ ...problem, location: location(problem.key) })),
    digests: chain.newestSeq,
  };
  if (coverage.status === 'contradicted') return { ...common, status: 'contradicted', problems: coverage.problems };
  // Every numbered digest up to the newest verified: a break leaves the newer ones unverified.
  const intactUpTo = chain.verified.at(-1)?.document.digestSeq ?? 0;
  const vouchedToHead = coverage.status === 'covered' && coverage.eventsAfter === 0;
  if (intactUpTo < chain.newestSeq && !vouchedToHead)
    return {
      ...common,
      status: 'chain-broken',
      intactUpTo,
      headSeq: coverage.headSeq,
      ...(coverage.status === 'covered' ? { vouchedSeq: coverage.newest.seq } : {}),
    };
  if (coverage.status === 'uncovered') return { ...common, status: 'uncovered', headSeq: coverage.headSeq };
  const { newest } = coverage;
  return {
    ...common,
    status: 'covered',
    digestSeq: newest.digestSeq,
    key: newest.key,
    location: location(newest.key),
    createdAt: newest.createdAt,
    seq: newest.seq,
    hash: newest.hash,
    eventsAfter: coverage.eventsAfter,
    vouches: coverage.vouches,
  };
};
