import { type S3Call, type S3Context, type S3Result, headerOf } from '../context';
import { methodNotAllowed, noSuchKey, notImplemented } from '../errors';
import { bucketNamed, currentVersion, httpDate, namedVersion, objectKey, versionIdHeader } from '../lookup';
import type { BucketRecord, VersionRecord } from '../records';
import type { Members } from '../restXml';

/** The version a GET or HEAD reads: the one named by versionId, or the current one. A delete marker is never read. */
const readableVersion = (bucket: BucketRecord, key: string, versionId: string | null): VersionRecord => {
  if (versionId !== null) {
    const version = namedVersion(bucket, key, versionId);
    if (version.deleteMarker) throw methodNotAllowed({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': version.versionId });
    return version;
  }
  const current = currentVersion(bucket, key);
  if (!current) throw noSuchKey(key);
  if (current.deleteMarker) throw noSuchKey(key, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': current.versionId });
  return current;
};

/** HeadObject's members, which GetObject answers too (with the body). */
const objectHeaders = (context: S3Context, call: S3Call): { members: Members; version: VersionRecord } => {
  const bucket = bucketNamed(context, call);
  if (headerOf(call, 'range') !== undefined) throw notImplemented('The S3 emulator does not serve byte ranges.');
  const version = readableVersion(bucket, objectKey(call), call.query.get('versionId'));
  const object = version.object;
  if (!object) throw new Error('a readable version without an object');
  const checksums = headerOf(call, 'x-amz-checksum-mode') === 'ENABLED' ? { ChecksumCRC32: object.crc32, ChecksumType: 'FULL_OBJECT' } : {};
  const members: Members = {
    AcceptRanges: 'bytes',
    LastModified: httpDate(version.lastModified),
    ContentLength: String(object.size),
    ETag: object.etag,
    ...checksums,
    VersionId: versionIdHeader(bucket, version),
    ContentType: object.contentType,
    Metadata: object.metadata,
    ObjectLockMode: version.retention?.mode,
    ObjectLockRetainUntilDate: version.retention?.retainUntil,
    ObjectLockLegalHoldStatus: version.legalHold,
  };
  return { members, version };
};

export const headObject = (context: S3Context, call: S3Call): S3Result => ({ output: objectHeaders(context, call).members });

export const getObject = (context: S3Context, call: S3Call): S3Result => {
  const { members, version } = objectHeaders(context, call);
  return { output: { ...members, Body: context.store.body(version.object?.bodySha256 ?? '') } };
};
