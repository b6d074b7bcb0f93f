import { type DigestLink, digestKey, digestSeqOfKey, digestSignatureValid, parseDigest, sha256Hex } from '../domain/digest';
import type { DigestArchive } from '../ports/digestArchive';
import type { DigestBookkeeping } from '../ports/digestBookkeeping';
import type { DigestPublicKey } from '../ports/digestSigner';
import { DigestChainTamperedError } from './chainTampered';

/** The newest digest of the chain: the link the next one names, and the time it gives (the next is dated no earlier). */
export interface ChainHead {
  link: DigestLink;
  createdAt: string;
}

const newestListedKey = async (archive: DigestArchive, book: DigestBookkeeping): Promise<string | undefined> => {
  const hint = await book.chainHint();
  const hinted = hint > 0 ? await archive.listKeys(hint > 1 ? digestKey(archive.prefix, hint - 1) : undefined) : [];
  const keys = hinted.includes(digestKey(archive.prefix, hint)) ? hinted : await archive.listKeys();
  return keys.filter((key) => digestSeqOfKey(archive.prefix, key) !== undefined).at(-1);
};

/**
 * The newest digest in the bucket (null before the first). The noted number only says where to start listing:
 * the bucket decides. A hint ahead of the bucket (a lie, or a note of a write that failed) falls back to listing
 * the whole prefix, so the chain is never continued past a gap.
 *
 * Two tamperings stop the chain (DigestChainTamperedError), since writing on would hide them for good:
 * - the key after the newest listed digest is a delete marker: that digest exists (Object Lock keeps it) but is
 *   hidden, and If-None-Match: * succeeds over a delete marker, so writing there would fork the chain;
 * - the newest digest is not ours (signed by our key, naming it): every genuine digest after it would link to a forgery.
 */
export const findChainHead = async (archive: DigestArchive, book: DigestBookkeeping, key: DigestPublicKey): Promise<ChainHead | null> => {
  const newestKey = await newestListedKey(archive, book);
  const digestSeq = newestKey === undefined ? 0 : (digestSeqOfKey(archive.prefix, newestKey) as number);
  const nextKey = digestKey(archive.prefix, digestSeq + 1);
  if ((await archive.presence(nextKey)) === 'deleted')
    throw new DigestChainTamperedError(
      `digest #${digestSeq + 1} (${nextKey}) was deleted: a delete marker hides it, and a digest written there would fork the chain`,
    );
  if (newestKey === undefined) return null;
  const newest = await archive.get(newestKey);
  if (!newest) {
    if ((await archive.presence(newestKey)) === 'deleted')
      throw new DigestChainTamperedError(`digest #${digestSeq} (${newestKey}) was deleted while it was read: a delete marker hides it`);
    throw new Error(`Digest ${newestKey} was listed but cannot be read`);
  }
  const parsed = parseDigest(newest.bytes);
  const ours =
    parsed.ok &&
    parsed.document.digestSeq === digestSeq &&
    parsed.document.keyId === key.keyId &&
    newest.signature !== undefined &&
    digestSignatureValid(newest.bytes, newest.signature, await key.publicKeyDer());
  if (!parsed.ok || !ours)
    throw new DigestChainTamperedError(`The newest object ${newestKey} in the digest bucket is not a digest signed by ${key.keyId}`);
  return { link: { digestSeq, key: newestKey, sha256: sha256Hex(newest.bytes) }, createdAt: parsed.document.createdAt };
};
