import { type DigestHead, digestKey, digestSignatureValid, parseDigest } from '../domain/digest';
import type { DigestArchive } from '../ports/digestArchive';
import type { CoveredHead } from '../ports/digestBookkeeping';
import type { DigestPublicKey } from '../ports/digestSigner';
import type { DigestReceipt } from '../ports/evidenceDigests';
import type { HeadFinding } from './headsToSeal';

/** Digests read at once. */
const READ_CONCURRENCY = 8;

export interface ConfirmedNotes {
  /** Heads a digest of ours holds, as the note said: where it is. */
  receipts: DigestReceipt[];
  /** Heads whose note names a digest that does not hold them: sealed as fresh, each with an alarm. */
  unconfirmed: Array<HeadFinding & { head: DigestHead }>;
}

export const receiptOf = (archive: DigestArchive, executionId: string, covered: CoveredHead): DigestReceipt => ({
  executionId,
  seq: covered.seq,
  hash: covered.hash,
  digestSeq: covered.digestSeq,
  key: covered.key,
  location: archive.location(covered.key),
});

/** The heads of digest #`digestSeq` read at `key`, or why that is not a digest of ours with that number. */
const readDigestAt = async (
  archive: DigestArchive,
  signer: DigestPublicKey,
  key: string,
  digestSeq: number,
): Promise<{ heads: DigestHead[] } | { problem: string }> => {
  if (key !== digestKey(archive.prefix, digestSeq)) return { problem: `${key.slice(0, 200)} is not where digest #${digestSeq} is kept` };
  const stored = await archive.get(key);
  if (!stored) return { problem: `digest #${digestSeq} (${key}) cannot be read` };
  const parsed = parseDigest(stored.bytes);
  if (!parsed.ok) return { problem: `digest #${digestSeq} (${key}) ${parsed.problem}` };
  if (
    parsed.document.digestSeq !== digestSeq ||
    parsed.document.keyId !== signer.keyId ||
    !stored.signature ||
    !digestSignatureValid(stored.bytes, stored.signature, await signer.publicKeyDer())
  )
    return { problem: `digest #${digestSeq} (${key}) is not a digest signed by ${signer.keyId}` };
  return { heads: parsed.document.heads };
};

/**
 * The writer's notes are hints kept in a table others can write: a note set to an execution's current head would
 * keep it from being sealed and put a digest that does not hold it in the end's notification. So before a note
 * stands for a seal, the digest it names is read and must be ours and hold exactly that head.
 */
export const confirmNotes = async (
  archive: DigestArchive,
  signer: DigestPublicKey,
  unchanged: Array<{ executionId: string; note: CoveredHead }>,
): Promise<ConfirmedNotes> => {
  const digests = new Map<string, Promise<{ heads: DigestHead[] } | { problem: string }>>();
  const confirmed: ConfirmedNotes = { receipts: [], unconfirmed: [] };
  for (let start = 0; start < unchanged.length; start += READ_CONCURRENCY) {
    const batch = unchanged.slice(start, start + READ_CONCURRENCY);
    const read = await Promise.all(
      batch.map(({ note }) => {
        const cacheKey = `${note.digestSeq}\n${note.key}`;
        const digest = digests.get(cacheKey) ?? readDigestAt(archive, signer, note.key, note.digestSeq);
        digests.set(cacheKey, digest);
        return digest;
      }),
    );
    read.forEach((digest, index) => {
      const { executionId, note } = batch[index] as (typeof batch)[number];
      const head: DigestHead = { executionId, seq: note.seq, hash: note.hash };
      const holds =
        'heads' in digest &&
        digest.heads.some((each) => each.executionId === executionId && each.seq === note.seq && each.hash === note.hash);
      if (holds) confirmed.receipts.push(receiptOf(archive, executionId, note));
      else
        confirmed.unconfirmed.push({
          executionId,
          head,
          problem: `Sealed again: the digest writer's note says digest #${note.digestSeq} holds seq ${note.seq}, but ${'problem' in digest ? digest.problem : 'it does not'}`,
        });
    });
  }
  return confirmed;
};
