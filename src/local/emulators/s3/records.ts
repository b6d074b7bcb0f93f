/** What the S3 emulator keeps (saved as s3-emulator.json, bodies beside it by their SHA-256). */

export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface Retention {
  mode: RetentionMode;
  /** ISO 8601. */
  retainUntil: string;
}

/** One version of a key, or a delete marker. */
export interface VersionRecord {
  /** 'null' in a bucket that never had versioning, as S3 names that version. */
  versionId: string;
  deleteMarker?: true;
  /** Epoch milliseconds. */
  lastModified: number;
  /** Set for objects, not delete markers. */
  object?: {
    /** Quoted MD5 of the body, as S3 gives a single-part upload's ETag. */
    etag: string;
    size: number;
    contentType: string;
    metadata: Record<string, string>;
    /** Base64 CRC32 of the body, given back with ChecksumMode ENABLED. */
    crc32: string;
    /** Hex SHA-256 of the body: the name of the file that holds it. */
    bodySha256: string;
  };
  retention?: Retention;
  legalHold?: 'ON';
}

export interface DefaultRetention {
  mode: RetentionMode;
  days?: number;
  years?: number;
}

export interface BucketRecord {
  name: string;
  createdAt: number;
  /** Unset until PutBucketVersioning (or Object Lock at creation) sets it; never unset again, as in S3. */
  versioning?: 'Enabled' | 'Suspended';
  /** Set once Object Lock is enabled; it cannot be disabled. */
  objectLock?: { defaultRetention?: DefaultRetention };
  /** Each key's versions, oldest first; the last one is current. */
  objects: Map<string, VersionRecord[]>;
}

export interface S3StateFile {
  version: 1;
  buckets: Array<Omit<BucketRecord, 'objects'> & { objects: Array<[string, VersionRecord[]]> }>;
}
