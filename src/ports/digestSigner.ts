/** The digest signing key (an asymmetric KMS key, ECC_NIST_P256, on AWS): only the digest writer may sign. */
export interface DigestSigner {
  /** The key's ARN, written into each digest it signs. */
  readonly keyId: string;
  /** ECDSA_SHA_256 over a message whose SHA-256 is `sha256`: a DER-encoded signature. */
  signSha256(sha256: Buffer): Promise<Buffer>;
}

/** The signing key's public half, for verifiers. */
export interface DigestPublicKey {
  readonly keyId: string;
  /** DER SubjectPublicKeyInfo, as KMS's GetPublicKey answers it. */
  publicKeyDer(): Promise<Buffer>;
}
