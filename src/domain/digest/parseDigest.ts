import { z } from 'zod';
import { identifierSchema } from '../identifier';
import { canonicalJson } from '../ledger/canonicalJson';
import { DIGEST_FORMAT, DIGEST_SIGNATURE_ALGORITHM, type DigestDocument } from './document';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in 64 lowercase hex digits');
const positive = z.number().int('must be a positive integer').positive('must be a positive integer');
const headSchema = z.strictObject({ executionId: identifierSchema('executionId'), seq: positive, hash: hex64 });

const digestSchema = z.strictObject({
  format: z.literal(DIGEST_FORMAT),
  digestSeq: positive,
  createdAt: z.iso.datetime(),
  trigger: z.enum(['ExecutionEnded', 'Schedule']),
  keyId: z.string().min(1).max(2048),
  signatureAlgorithm: z.literal(DIGEST_SIGNATURE_ALGORITHM),
  previous: z.strictObject({ digestSeq: positive, key: z.string().min(1).max(1024), sha256: hex64 }).nullable(),
  heads: z.array(headSchema),
});

/**
 * Why a head cannot go into a digest (undefined when it can): the digest would carry it as given, and a
 * digest verifiers refuse (an id outside the id alphabet, a seq that is no positive integer, a hash that is
 * not 64 lowercase hex digits) would stop the chain for good.
 */
export const digestHeadProblem = (head: unknown): string | undefined => {
  const parsed = headSchema.safeParse(head);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return issue ? `${issue.path.join('.') || 'head'}: ${issue.message}` : 'not a ledger head';
};

export type ParsedDigest = { ok: true; document: DigestDocument } | { ok: false; problem: string };

/**
 * Reads a digest's bytes without trusting them: JSON of the expected shape, and canonical (the bytes a writer
 * of this format would have produced), so that what was signed is exactly what is read.
 */
export const parseDigest = (bytes: Uint8Array): ParsedDigest => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  const parsed = digestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: `is not a ${DIGEST_FORMAT} digest (${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid'})`,
    };
  }
  if (canonicalJson(json) !== Buffer.from(bytes).toString('utf8')) return { ok: false, problem: 'is not in canonical JSON form' };
  return { ok: true, document: parsed.data };
};
