import { type DigestLink, digestKey, digestSeqOfKey, digestSignatureValid, parseDigest, sha256Hex } from '../domain/digest';
import type { DigestArchive } from '../ports/digestArchive';
import type { DigestBookkeeping } from '../ports/digestBookkeeping';
import type { DigestPublicKey } from '../ports/digestSigner';

/**
 * The newest digest in the bucket, as the link the next one names (null before the first). The noted number
 * only says where to start listing: the bucket decides. A hint ahead of the bucket (a lie, or a note of a write
 * that failed) falls back to listing the whole prefix, so the chain is never continued past a gap. The newest
 * digest must be ours (signed by our key, naming it): a planted object stops the chain, it is never chained onto,
 * since every genuine digest after it would then link to a forgery.
 */
export const findChainHead = async (archive: DigestArchive, book: DigestBookkeeping, key: DigestPublicKey): Promise<DigestLink | null> => {
  const hint = await book.chainHint();
  const hinted = hint > 0 ? await archive.listKeys(hint > 1 ? digestKey(archive.prefix, hint - 1) : undefined) : [];
  const keys = hinted.includes(digestKey(archive.prefix, hint)) ? hinted : await archive.listKeys();
  const numbered = keys.filter((key) => digestSeqOfKey(archive.prefix, key) !== undefined);
  const newestKey = numbered.at(-1);
  if (newestKey === undefined) return null;
  const newest = await archive.get(newestKey);
  if (!newest) throw new Error(`Digest ${newestKey} was listed but cannot be read`);
  const parsed = parseDigest(newest.bytes);
  const digestSeq = digestSeqOfKey(archive.prefix, newestKey) as number;
  const ours =
    parsed.ok &&
    parsed.document.digestSeq === digestSeq &&
    parsed.document.keyId === key.keyId &&
    newest.signature !== undefined &&
    digestSignatureValid(newest.bytes, newest.signature, await key.publicKeyDer());
  if (!ours) {
    // Never chain onto something that is not a digest of ours: verification would have to reject everything after it.
    throw new Error(
      `The newest object ${newestKey} in the digest bucket is not a digest signed by ${key.keyId}; digests stop until it is looked into`,
    );
  }
  return { digestSeq, key: newestKey, sha256: sha256Hex(newest.bytes) };
};
