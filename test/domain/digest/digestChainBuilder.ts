import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  type DigestDocument,
  type DigestHead,
  digestBytes,
  digestKey,
  newDigest,
  sha256Hex,
  type StoredDigest,
} from '../../../src/domain/digest';

export const PREFIX = 'digests/';
export const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';

/** A P-256 key pair as KMS holds one: the public half as GetPublicKey answers it (DER SPKI). */
export const signingKey = (): { privateKey: KeyObject; publicKeyDer: Buffer } => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }) };
};

export const signed = (bytes: Buffer, privateKey: KeyObject): Buffer => sign('sha256', bytes, { key: privateKey, dsaEncoding: 'der' });

export const head = (executionId: string, seq: number, fill = seq.toString(16)): DigestHead => ({
  executionId,
  seq,
  hash: fill.padStart(64, '0').slice(-64),
});

/** A well-formed chain of digests, each recording the given heads, signed by `privateKey`. */
export const chainOf = (
  privateKey: KeyObject,
  headsPerDigest: DigestHead[][],
  start = Date.parse('2026-11-30T10:00:00Z'),
): StoredDigest[] => {
  const stored: StoredDigest[] = [];
  let previous: DigestDocument['previous'] = null;
  headsPerDigest.forEach((heads, index) => {
    const digestSeq = index + 1;
    const document = newDigest({
      digestSeq,
      createdAt: new Date(start + index * 60_000).toISOString(),
      trigger: 'Schedule',
      keyId: KEY_ARN,
      previous,
      heads,
    });
    const bytes = digestBytes(document);
    const key = digestKey(PREFIX, digestSeq);
    stored.push({ key, bytes, signature: signed(bytes, privateKey) });
    previous = { digestSeq, key, sha256: sha256Hex(bytes) };
  });
  return stored;
};
