import { createHash } from 'node:crypto';
import { crc32Base64 } from '../checksums';
import { type S3Call, type S3Context, type S3Result, headerOf } from '../context';
import { invalidArgument, invalidRequest, missingObjectLockConfiguration, noSuchKey, notImplemented, S3Error } from '../errors';
import { bucketNamed, currentVersion, newVersionId, objectKey, versionIdHeader, versionsOf } from '../lookup';
import { defaultRetentionAt, isRetentionMode, retainUntilDate } from '../objectLock';
import type { BucketRecord, Retention, VersionRecord } from '../records';

const preconditionFailed = (condition: string): S3Error =>
  new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: condition });

/** The retention a new version gets: the one the request asks for, else the bucket's default, else none. */
const requestedRetention = (call: S3Call, bucket: BucketRecord, now: number): Retention | undefined => {
  const mode = headerOf(call, 'x-amz-object-lock-mode');
  const until = headerOf(call, 'x-amz-object-lock-retain-until-date');
  if ((mode === undefined) !== (until === undefined)) {
    throw invalidArgument('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  }
  if (mode !== undefined && until !== undefined) {
    if (!bucket.objectLock) throw missingObjectLockConfiguration();
    if (!isRetentionMode(mode)) throw invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
    return { mode, retainUntil: retainUntilDate(until, now) };
  }
  const rule = bucket.objectLock?.defaultRetention;
  return rule ? defaultRetentionAt(rule, now) : undefined;
};

const legalHold = (call: S3Call, bucket: BucketRecord): 'ON' | undefined => {
  const status = headerOf(call, 'x-amz-object-lock-legal-hold');
  if (status === undefined) return undefined;
  if (!bucket.objectLock) throw missingObjectLockConfiguration();
  return status === 'ON' ? 'ON' : undefined;
};

/** If-None-Match: * (write only if absent) and If-Match: <etag> (write only over that version), as S3 takes them. */
const checkPreconditions = (call: S3Call, current: VersionRecord | undefined, key: string): void => {
  const live = current?.object;
  const ifNoneMatch = headerOf(call, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*') throw notImplemented('The S3 emulator takes If-None-Match: * only.');
    if (live) throw preconditionFailed('If-None-Match');
  }
  const ifMatch = headerOf(call, 'if-match');
  if (ifMatch !== undefined) {
    if (!live) throw noSuchKey(key);
    if (ifMatch !== live.etag && ifMatch !== '*') throw preconditionFailed('If-Match');
  }
};

const metadataOf = (call: S3Call): Record<string, string> => {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  return metadata;
};

/**
 * PutObject: in a versioned bucket every write is a new version and leaves the others as they were (a
 * locked one included); without versioning it replaces the 'null' version. Lock parameters need an
 * Object Lock bucket and, as S3 requires, a Content-MD5 or x-amz-checksum-* (the SDK sends CRC32).
 */
export const putObject = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  const key = objectKey(call);
  if (headerOf(call, 'x-amz-copy-source') !== undefined) throw notImplemented('The S3 emulator does not serve CopyObject.');
  const now = context.now();
  const retention = requestedRetention(call, bucket, now);
  const hold = legalHold(call, bucket);
  if ((retention || hold) && !call.integrity) {
    throw invalidRequest('Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
  }
  checkPreconditions(call, currentVersion(bucket, key), key);
  const version: VersionRecord = {
    versionId: bucket.versioning === 'Enabled' ? newVersionId() : 'null',
    lastModified: now,
    object: {
      etag: `"${createHash('md5').update(call.body).digest('hex')}"`,
      size: call.body.length,
      contentType: headerOf(call, 'content-type') ?? 'binary/octet-stream',
      metadata: metadataOf(call),
      crc32: crc32Base64(call.body),
      bodySha256: context.store.putBody(call.body),
    },
    ...(retention ? { retention } : {}),
    ...(hold ? { legalHold: hold } : {}),
  };
  const versions = versionsOf(bucket, key).filter((existing) => version.versionId !== 'null' || existing.versionId !== 'null');
  bucket.objects.set(key, [...versions, version]);
  context.store.save();
  return {
    output: {
      ETag: version.object?.etag,
      ...(headerOf(call, 'x-amz-checksum-crc32') === undefined
        ? {}
        : { ChecksumCRC32: version.object?.crc32, ChecksumType: 'FULL_OBJECT' }),
      VersionId: versionIdHeader(bucket, version),
    },
  };
};
