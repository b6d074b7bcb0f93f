import type { S3Call, S3Context, S3Result } from '../context';
import { malformedXml, methodNotAllowed, noSuchKey, S3Error } from '../errors';
import { bucketNamed, currentVersion, namedVersion, objectKey } from '../lookup';
import { bypassesGovernance, checkRetentionChange, isRetentionMode, requireObjectLock, retainUntilDate } from '../objectLock';
import type { BucketRecord, Retention, VersionRecord } from '../records';
import type { Members } from '../restXml';

/** The version a retention call names: versionId, or the current one (a delete marker has no retention). */
const lockableVersion = (bucket: BucketRecord, call: S3Call): VersionRecord => {
  const key = objectKey(call);
  const versionId = call.query.get('versionId');
  const version = versionId === null ? currentVersion(bucket, key) : namedVersion(bucket, key, versionId);
  if (!version || (versionId === null && version.deleteMarker)) throw noSuchKey(key);
  if (version.deleteMarker) throw methodNotAllowed({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': version.versionId });
  return version;
};

/** The retention a PutObjectRetention body asks for: Mode and RetainUntilDate together, or neither (remove it). */
const requested = (payload: Members | undefined, now: number): Retention | undefined => {
  const retention = payload?.Retention as Members | undefined;
  if (!retention) throw malformedXml();
  const { Mode: mode, RetainUntilDate: until } = retention;
  if (mode === undefined && until === undefined) return undefined;
  if (!isRetentionMode(mode) || typeof until !== 'string') throw malformedXml();
  return { mode, retainUntil: retainUntilDate(until, now) };
};

/**
 * PutObjectRetention: sets, extends or (where the lock allows) shortens or removes a version's
 * retention. Under COMPLIANCE only extending is allowed, to anyone; under GOVERNANCE loosening needs
 * x-amz-bypass-governance-retention.
 */
export const putObjectRetention = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  requireObjectLock(bucket);
  const version = lockableVersion(bucket, call);
  const now = context.now();
  const retention = requested(call.payload, now);
  checkRetentionChange(version.retention, retention, now, bypassesGovernance(call));
  if (retention) version.retention = retention;
  else delete version.retention;
  context.store.save();
  return { output: {} };
};

export const getObjectRetention = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  requireObjectLock(bucket);
  const version = lockableVersion(bucket, call);
  if (!version.retention) {
    throw new S3Error('NoSuchObjectLockConfiguration', 404, 'The specified object does not have a ObjectLock configuration');
  }
  return { output: { Retention: { Mode: version.retention.mode, RetainUntilDate: version.retention.retainUntil } } };
};
