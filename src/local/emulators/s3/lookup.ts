import { randomBytes } from 'node:crypto';
import type { S3Call, S3Context } from './context';
import { noSuchBucket, noSuchVersion } from './errors';
import type { BucketRecord, VersionRecord } from './records';

export const bucketNamed = (context: S3Context, call: S3Call): BucketRecord => {
  const bucket = context.store.buckets.get(call.bucket);
  if (!bucket) throw noSuchBucket(call.bucket);
  return bucket;
};

/** The key of an object-level call (the router sends only those here). */
export const objectKey = (call: S3Call): string => {
  if (call.key === undefined) throw new Error('an object operation without a key');
  return call.key;
};

export const versionsOf = (bucket: BucketRecord, key: string): VersionRecord[] => bucket.objects.get(key) ?? [];

export const currentVersion = (bucket: BucketRecord, key: string): VersionRecord | undefined => versionsOf(bucket, key).at(-1);

export const namedVersion = (bucket: BucketRecord, key: string, versionId: string): VersionRecord => {
  const version = versionsOf(bucket, key).find((candidate) => candidate.versionId === versionId);
  if (!version) throw noSuchVersion(key, versionId);
  return version;
};

/** 32 URL-safe characters, like S3's version ids. */
export const newVersionId = (): string => randomBytes(24).toString('base64url');

/** The x-amz-version-id S3 sends: only once the bucket has had versioning ('null' for a version written without it). */
export const versionIdHeader = (bucket: BucketRecord, version: VersionRecord): string | undefined =>
  bucket.versioning === undefined ? undefined : version.versionId;

/** HTTP date (RFC 7231), as S3 writes Last-Modified. */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

export const isoDate = (ms: number): string => new Date(ms).toISOString();
