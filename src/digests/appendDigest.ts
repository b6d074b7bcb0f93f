import { type DigestHead, type DigestTrigger, digestBytes, digestKey, newDigest, parseDigest, sha256Hex } from '../domain/digest';
import type { DigestArchive } from '../ports/digestArchive';
import type { DigestBookkeeping } from '../ports/digestBookkeeping';
import type { DigestPublicKey, DigestSigner } from '../ports/digestSigner';
import { findChainHead } from './chainHead';

export interface AppendDeps {
  signer: DigestSigner & DigestPublicKey;
  archive: DigestArchive;
  book: DigestBookkeeping;
  retentionDays: number;
  now: () => string;
}

export interface AppendedDigest {
  digestSeq: number;
  key: string;
  sha256: string;
  heads: DigestHead[];
}

/** Writers that lose the race for a digest number read the new head and try again, this many times. */
const MAX_ATTEMPTS = 8;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The later of two instants: a writer whose clock is behind the newest digest's dates its digest as that one. */
const notBefore = (now: string, previous: string | undefined): string =>
  previous !== undefined && Date.parse(previous) > Date.parse(now) ? previous : now;

/**
 * Writes the heads as the next digest of the chain: claims its number with a write-if-absent in the bucket (a
 * writer that loses the race reads the new head and tries again), then notes the new end of the chain and the
 * heads it holds. What is signed is first read back as a verifier would: a digest verifiers would refuse is never
 * signed, since every digest after it would be unverifiable too.
 */
export const appendDigest = async (deps: AppendDeps, trigger: DigestTrigger, heads: DigestHead[]): Promise<AppendedDigest> => {
  const { archive, book, signer } = deps;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const previous = await findChainHead(archive, book, signer);
    const digestSeq = (previous?.link.digestSeq ?? 0) + 1;
    const createdAt = notBefore(deps.now(), previous?.createdAt);
    const document = newDigest({ digestSeq, createdAt, trigger, keyId: signer.keyId, previous: previous?.link ?? null, heads });
    const bytes = digestBytes(document);
    const readBack = parseDigest(bytes);
    if (!readBack.ok) throw new Error(`Digest #${digestSeq} would be refused by verifiers: it ${readBack.problem}; nothing was signed`);
    const sha256 = sha256Hex(bytes);
    const signature = await signer.signSha256(Buffer.from(sha256, 'hex'));
    const key = digestKey(archive.prefix, digestSeq);
    const retainUntil = new Date(Date.parse(createdAt) + deps.retentionDays * DAY_MS).toISOString();
    if (!(await archive.putIfAbsent(key, bytes, signature, retainUntil))) continue;
    await book.raiseChainHint(digestSeq);
    await book.recordCovered(document.heads.map((head) => ({ ...head, digestSeq, key })));
    return { digestSeq, key, sha256, heads: document.heads };
  }
  throw new Error(`Could not claim a digest number in ${MAX_ATTEMPTS} attempts: other writers kept taking them`);
};
