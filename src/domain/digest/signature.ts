import { createPublicKey, verify } from 'node:crypto';

/**
 * Checks a digest's signature as KMS makes it with ECDSA_SHA_256 (and as `openssl dgst -sha256 -verify`
 * checks it): a DER-encoded ECDSA signature over SHA-256 of the digest's bytes, by the P-256 key whose
 * public half is `publicKeyDer` (DER SubjectPublicKeyInfo, what KMS's GetPublicKey answers).
 */
export const digestSignatureValid = (bytes: Uint8Array, signature: Uint8Array, publicKeyDer: Uint8Array): boolean => {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
    return verify('sha256', bytes, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
};

/** A public key in PEM, as openssl reads it. */
export const publicKeyPem = (publicKeyDer: Uint8Array): string =>
  createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
