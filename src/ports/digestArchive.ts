/** One stored digest object: its bytes and the signature stored with them. */
export interface DigestObject {
  key: string;
  bytes: Buffer;
  /** The DER signature kept in the object's metadata; undefined when the object has none. */
  signature: Buffer | undefined;
}

/**
 * Where digests are kept: a bucket no ledger writer can rewrite (S3 with versioning and Object Lock in
 * COMPLIANCE mode on AWS). Keys are `<prefix><digest number, 12 digits>.json`.
 */
export interface DigestArchive {
  readonly prefix: string;
  /** How a person names the object (`s3://bucket/key`). */
  location(key: string): string;
  /**
   * Writes the digest only where no object is (S3's If-None-Match: *), locked until `retainUntil`.
   * Answers false, having written nothing, when the key is taken: another writer's digest is there.
   */
  putIfAbsent(key: string, bytes: Buffer, signature: Buffer, retainUntil: string): Promise<boolean>;
  get(key: string): Promise<DigestObject | undefined>;
  /** Every key under the prefix in key order (so in digest order), after `startAfter` when given. */
  listKeys(startAfter?: string): Promise<string[]>;
}
