import { createHash } from 'node:crypto';
import { canonicalJson } from '../ledger/canonicalJson';

/**
 * The ledger's digests, in the manner of CloudTrail's log-file integrity validation: each digest lists the
 * executions' ledger heads written since the previous digest, links to the previous digest by its SHA-256,
 * and is signed (ECDSA P-256 over SHA-256 of its bytes) by a key only the digest writer may use. Digests
 * live where the ledger's writers cannot reach: a bucket whose objects no one can overwrite or delete.
 */
export const DIGEST_FORMAT = 'drs-ledger-digest/1';
export const DIGEST_SIGNATURE_ALGORITHM = 'ECDSA_SHA_256';

/** One execution's ledger head as the digest saw it: the item at `seq` has `hash`. */
export interface DigestHead {
  executionId: string;
  seq: number;
  hash: string;
}

/** The previous digest, named by number, object key and SHA-256 of its bytes: the chain's link. */
export interface DigestLink {
  digestSeq: number;
  key: string;
  sha256: string;
}

export type DigestTrigger = 'ExecutionEnded' | 'Schedule';

export interface DigestDocument {
  format: typeof DIGEST_FORMAT;
  /** 1 for the first digest, then one more for each. */
  digestSeq: number;
  createdAt: string;
  trigger: DigestTrigger;
  /** The KMS key that signs this digest (its ARN): a digest signed by any other key is not ours. */
  keyId: string;
  signatureAlgorithm: typeof DIGEST_SIGNATURE_ALGORITHM;
  previous: DigestLink | null;
  /** Sorted by executionId; one head per execution. */
  heads: DigestHead[];
}

/** Digests are numbered in their key, zero-padded, so that listing the prefix lists them in order. */
export const DIGEST_SEQ_DIGITS = 12;

export const digestKey = (prefix: string, digestSeq: number): string =>
  `${prefix}${String(digestSeq).padStart(DIGEST_SEQ_DIGITS, '0')}.json`;

/** The digest number a key names under `prefix`, or undefined for a key that is not a digest's. */
export const digestSeqOfKey = (prefix: string, key: string): number | undefined => {
  if (!key.startsWith(prefix)) return undefined;
  const match = /^(\d{12})\.json$/.exec(key.slice(prefix.length));
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

/** The bytes that are stored, hashed and signed: canonical JSON, so anyone can recompute them. */
export const digestBytes = (document: DigestDocument): Buffer => Buffer.from(canonicalJson(document), 'utf8');

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const sortedHeads = (heads: DigestHead[]): DigestHead[] =>
  [...heads].sort((a, b) => (a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0));

export const newDigest = (fields: Omit<DigestDocument, 'format' | 'signatureAlgorithm'>): DigestDocument => ({
  format: DIGEST_FORMAT,
  signatureAlgorithm: DIGEST_SIGNATURE_ALGORITHM,
  ...fields,
  heads: sortedHeads(fields.heads),
});
