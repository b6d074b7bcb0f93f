import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { p256 } from '@noble/curves/nist';

/**
 * P-256 ECDSA with SHA-256, as KMS's ECDSA_SHA_256 does it. node:crypto makes the keys and exports the
 * public key; the signing itself is @noble/curves', because KMS signs a digest the caller computed
 * (MessageType DIGEST) and node:crypto can only sign a message it hashes itself. Signatures are
 * DER-encoded (ANSI X9.62, RFC 3279), randomised and not normalised to low S, as KMS returns them.
 */

/** SHA-256's digest length: a DIGEST message for ECDSA_SHA_256 must be exactly this long. */
export const SHA_256_BYTES = 32;

/** A new P-256 private key, as PKCS#8 PEM. */
export const newP256PrivateKeyPem = (): string =>
  generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { format: 'pem', type: 'pkcs8' },
    publicKeyEncoding: { format: 'pem', type: 'spki' },
  }).privateKey;

/** The public key as GetPublicKey returns it: DER-encoded SubjectPublicKeyInfo. */
export const publicKeyDer = (privateKeyPem: string): Buffer => createPublicKey(privateKeyPem).export({ format: 'der', type: 'spki' });

const privateScalar = (privateKeyPem: string): Buffer => {
  const { d } = createPrivateKey(privateKeyPem).export({ format: 'jwk' });
  if (!d) throw new Error('not an EC private key');
  return Buffer.from(d, 'base64url');
};

/** The uncompressed point 04 || x || y. */
const publicPoint = (privateKeyPem: string): Buffer => {
  const { x, y } = createPublicKey(privateKeyPem).export({ format: 'jwk' });
  if (!x || !y) throw new Error('not an EC key');
  return Buffer.concat([Buffer.from([4]), Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url')]);
};

export const signDigest = (privateKeyPem: string, digest: Uint8Array): Buffer =>
  Buffer.from(p256.sign(digest, privateScalar(privateKeyPem), { prehash: false, lowS: false, extraEntropy: true }).toBytes('der'));

/** False for a signature that does not verify, and for bytes that are not a DER-encoded signature at all. */
export const verifyDigest = (privateKeyPem: string, digest: Uint8Array, signature: Uint8Array): boolean => {
  try {
    return p256.verify(signature, digest, publicPoint(privateKeyPem), { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
};
