import { type DigestDocument, digestKey, digestSeqOfKey, sha256Hex } from './document';
import { parseDigest } from './parseDigest';
import { digestSignatureValid } from './signature';

/** One stored digest as read from its bucket, not yet trusted. */
export interface StoredDigest {
  key: string;
  bytes: Uint8Array;
  /** The DER signature stored with it (base64 in the object's metadata), or undefined when there is none. */
  signature: Uint8Array | undefined;
}

/** A digest that passed every check: its signature, its key, its link to the one before. */
export interface VerifiedDigest {
  key: string;
  sha256: string;
  document: DigestDocument;
}

export interface DigestProblem {
  /** The digest concerned (its key), or the gap's. */
  key: string;
  problem: string;
}

export interface DigestChainCheck {
  /** The digests that can be trusted, in order: those up to the first break. */
  verified: VerifiedDigest[];
  problems: DigestProblem[];
  /** The last digest's number (0 when there is none). */
  newestSeq: number;
}

export interface ChainExpectations {
  prefix: string;
  /** The signing key's ARN: the only one a digest of ours names. */
  keyId: string;
  /** Its public half, DER SubjectPublicKeyInfo. */
  publicKeyDer: Uint8Array;
}

/** Why one digest cannot be trusted on its own (no link checked here), or its parsed document. */
const checkOne = (
  stored: StoredDigest,
  expected: ChainExpectations,
): { ok: true; document: DigestDocument; sha256: string } | { ok: false; problem: string } => {
  const parsed = parseDigest(stored.bytes);
  if (!parsed.ok) return { ok: false, problem: `the digest ${parsed.problem}` };
  const { document } = parsed;
  if (document.keyId !== expected.keyId) return { ok: false, problem: `it names signing key ${document.keyId}, not ${expected.keyId}` };
  if (!stored.signature) return { ok: false, problem: 'it carries no signature' };
  if (!digestSignatureValid(stored.bytes, stored.signature, expected.publicKeyDer))
    return { ok: false, problem: "its signature does not verify with the signing key's public key" };
  if (digestKey(expected.prefix, document.digestSeq) !== stored.key)
    return {
      ok: false,
      problem: `it says it is digest #${document.digestSeq}, which belongs at ${digestKey(expected.prefix, document.digestSeq)}`,
    };
  return { ok: true, document, sha256: sha256Hex(stored.bytes) };
};

/**
 * The whole chain's verdict: every digest signed by our key, numbered from 1 without a gap, each linked to
 * the one before by number, key and SHA-256, none dated before its predecessor. Every problem is named with
 * its digest; the digests trusted are those before the first problem (a digest after a break links to
 * something unverified, so it proves nothing on its own). `deletedKeys` are digest keys a delete marker
 * hides (found by probing the bucket where the listing ends or skips): each is a problem of its own.
 */
export const checkDigestChain = (
  stored: StoredDigest[],
  expected: ChainExpectations,
  deletedKeys: readonly string[] = [],
): DigestChainCheck => {
  const problems: DigestProblem[] = [];
  const verified: VerifiedDigest[] = [];
  const listed = new Set(stored.map((digest) => digest.key));
  const entries: Array<{ key: string; digest: StoredDigest | undefined }> = [
    ...stored.map((digest) => ({ key: digest.key, digest })),
    // A key that lists is not hidden, whatever a probe said a moment before.
    ...deletedKeys.filter((key) => !listed.has(key)).map((key) => ({ key, digest: undefined })),
  ];
  const ordered = entries
    .map((entry) => ({ ...entry, seq: digestSeqOfKey(expected.prefix, entry.key) }))
    .sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
  let previous: VerifiedDigest | undefined;
  let expectedSeq = 1;
  let broken = false;
  for (const { key, digest, seq } of ordered) {
    if (seq === undefined) {
      if (digest) problems.push({ key, problem: 'an object under the digest prefix that is not named as a digest' });
      continue;
    }
    if (seq > expectedSeq) {
      const missing = seq - expectedSeq === 1 ? `#${expectedSeq} is` : `#${expectedSeq} to #${seq - 1} are`;
      problems.push({ key: digestKey(expected.prefix, expectedSeq), problem: `digest ${missing} missing: the chain has a gap` });
      broken = true;
    }
    expectedSeq = seq + 1;
    if (!digest) {
      // Object Lock kept the version, but a delete marker over it hides it from every listing and plain read.
      problems.push({ key, problem: `digest #${seq} was deleted (a delete marker hides it)` });
      broken = true;
      previous = undefined;
      continue;
    }
    const one = checkOne(digest, expected);
    if (!one.ok) {
      problems.push({ key: digest.key, problem: `digest #${seq} cannot be trusted: ${one.problem}` });
      broken = true;
      previous = undefined;
      continue;
    }
    const { document } = one;
    const link = document.previous;
    const linkProblem =
      seq === 1
        ? link === null
          ? undefined
          : 'the first digest names a previous one'
        : link === null
          ? 'it names no previous digest'
          : previous === undefined
            ? undefined // the previous digest already has its own problem
            : link.digestSeq !== previous.document.digestSeq || link.key !== previous.key || link.sha256 !== previous.sha256
              ? `its link to the previous digest (#${link.digestSeq}, sha256 ${link.sha256.slice(0, 16)}…) does not match digest #${previous.document.digestSeq} (sha256 ${previous.sha256.slice(0, 16)}…)`
              : Date.parse(document.createdAt) < Date.parse(previous.document.createdAt)
                ? `it is dated ${document.createdAt}, before digest #${previous.document.digestSeq} (${previous.document.createdAt})`
                : undefined;
    if (linkProblem) {
      problems.push({ key: digest.key, problem: `digest #${seq}: ${linkProblem}` });
      broken = true;
    }
    const current: VerifiedDigest = { key: digest.key, sha256: one.sha256, document };
    if (!broken) verified.push(current);
    previous = current;
  }
  return { verified, problems, newestSeq: expectedSeq - 1 };
};
