/** One stored digest object: its bytes and the signature stored with them. */
export interface DigestObject {
  key: string;
  bytes: Buffer;
  /** The DER signature kept in the object's metadata; undefined when the object has none. */
  signature: Buffer | undefined;
}

/**
 * What stands at a key: a readable object, nothing, or a delete marker over it. Object Lock keeps every version
 * of a digest, but a DeleteObject without a version id stacks a delete marker on the key, and the digest then
 * lists and reads as if it had never been written: only this tells the two apart.
 */
export type DigestKeyPresence = 'present' | 'absent' | 'deleted';

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
  /** The object as its current version stands; undefined when there is none (absent, or deleted). */
  get(key: string): Promise<DigestObject | undefined>;
  /** Whether the key holds an object, nothing, or a delete marker (its current version). */
  presence(key: string): Promise<DigestKeyPresence>;
  /** Every key under the prefix in key order (so in digest order), after `startAfter` when given. */
  listKeys(startAfter?: string): Promise<string[]>;
}
