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
import { hiddenDigestKeys } from './hiddenDigests';
import { endedAtSeqOf } from './ledgerEnd';

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

/**
 * Every object under the digest prefix, as stored, and the chain's verdict on them. The keys the listing skips or
 * ends before are probed: a digest hidden under a delete marker is a problem of the chain, not a shorter chain.
 */
export const readDigests = async (sources: DigestSources): Promise<{ stored: StoredDigest[]; chain: DigestChainCheck }> => {
  const keys = await sources.archive.listKeys();
  const stored = await readAll(sources.archive, keys);
  const hidden = await hiddenDigestKeys(sources.archive, keys);
  const publicKeyDer = await sources.publicKey.publicKeyDer();
  const expected = { prefix: sources.archive.prefix, keyId: sources.publicKey.keyId, publicKeyDer };
  return { stored, chain: checkDigestChain(stored, expected, hidden) };
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

/** Where the newest digest that names the execution vouches for it: its number, where it is, the item it recorded. */
export interface DigestVouchSeen {
  digestSeq: number;
  location: string;
  seq: number;
}

/**
 * What the signed digest chain says of one execution's ledger, all things considered; `ok` is whether it passes
 * an auditor (a warning at most). `endedAtSeq` is set when the ledger has ended (completed, failed, cancelled):
 * - covered (ok): a digest vouches for an item the ledger still has as it was, no digest contradicts it, and the
 *   chain is whole; an ended ledger is vouched for at least up to its end (only the record of its notification
 *   may be newer). `eventsAfter` newer than the vouch are a warning.
 * - uncovered (ok): the execution still runs (or is paused) and no digest names it yet: its hash chain alone vouches.
 * - unsealed: the ledger has ended, but no digest vouches for its end: the record an auditor relies on was never
 *   sealed (the writer was kept from it, or the end was written behind its back).
 * - contradicted: a verified digest recorded an item the ledger no longer has as it was (rewritten or cut).
 * - chain-broken: the digest chain has a problem, wherever it is: whoever can break it can also hide the newer
 *   digest that would contradict the ledger, so no vouch can be trusted to be the last word.
 */
export type DigestVerdict = { chainProblems: LocatedDigestProblem[]; digests: number; headSeq: number; endedAtSeq?: number } & (
  | {
      status: 'covered';
      ok: true;
      digestSeq: number;
      key: string;
      location: string;
      createdAt: string;
      seq: number;
      hash: string;
      eventsAfter: number;
      vouches: number;
    }
  | { status: 'uncovered'; ok: true }
  | { status: 'unsealed'; ok: false; endedAtSeq: number; vouched?: DigestVouchSeen }
  | { status: 'contradicted'; ok: false; problems: string[] }
  | { status: 'chain-broken'; ok: false; intactUpTo: number; vouchedSeq?: number }
);

/** The execution's ledger, as stored, against the digest chain (see DigestVerdict). */
export const digestVerdict = (
  executionId: string,
  records: LedgerRecord[],
  chain: DigestChainCheck,
  location: (key: string) => string,
): DigestVerdict => {
  const coverage = checkLedgerAgainstDigests(executionId, records, chain);
  const endedAtSeq = endedAtSeqOf(records);
  const common = {
    chainProblems: chain.problems.map((problem) => ({ ...problem, location: location(problem.key) })),
    digests: chain.newestSeq,
    headSeq: coverage.headSeq,
    ...(endedAtSeq === undefined ? {} : { endedAtSeq }),
  };
  if (coverage.status === 'contradicted') return { ...common, status: 'contradicted', ok: false, problems: coverage.problems };
  const newest = coverage.status === 'covered' ? coverage.newest : undefined;
  if (chain.problems.length > 0)
    return {
      ...common,
      status: 'chain-broken',
      ok: false,
      // Every numbered digest up to the newest verified: a break leaves the newer ones unverified.
      intactUpTo: chain.verified.at(-1)?.document.digestSeq ?? 0,
      ...(newest ? { vouchedSeq: newest.seq } : {}),
    };
  if (endedAtSeq !== undefined && (newest === undefined || newest.seq < endedAtSeq))
    return {
      ...common,
      status: 'unsealed',
      ok: false,
      endedAtSeq,
      ...(newest ? { vouched: { digestSeq: newest.digestSeq, location: location(newest.key), seq: newest.seq } } : {}),
    };
  if (coverage.status === 'uncovered') return { ...common, status: 'uncovered', ok: true };
  const { newest: vouch, eventsAfter, vouches } = coverage;
  return {
    ...common,
    status: 'covered',
    ok: true,
    digestSeq: vouch.digestSeq,
    key: vouch.key,
    location: location(vouch.key),
    createdAt: vouch.createdAt,
    seq: vouch.seq,
    hash: vouch.hash,
    eventsAfter,
    vouches,
  };
};
