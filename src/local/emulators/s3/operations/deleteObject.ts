import type { S3Call, S3Context, S3Result } from '../context';
import { bucketNamed, newVersionId, objectKey, versionsOf } from '../lookup';
import { bypassesGovernance, checkDeletable } from '../objectLock';
import type { VersionRecord } from '../records';

/**
 * DeleteObject. Without a version id, a versioned bucket gets a delete marker and every version stays
 * (locked ones included; the key merely reads as absent); an unversioned one loses its 'null' version.
 * With a version id, that version is removed for good, unless Object Lock protects it: then 403
 * AccessDenied, whoever asks. A version id the key does not have is answered 204, as S3 answers it.
 */
export const deleteObject = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  const key = objectKey(call);
  const versions = versionsOf(bucket, key);
  const versionId = call.query.get('versionId');
  const now = context.now();
  if (versionId === null) {
    if (bucket.versioning === undefined) {
      if (versions.length > 0) bucket.objects.delete(key);
      context.store.save();
      return { output: {} };
    }
    const marker: VersionRecord = {
      versionId: bucket.versioning === 'Enabled' ? newVersionId() : 'null',
      deleteMarker: true,
      lastModified: now,
    };
    bucket.objects.set(key, [...versions.filter((existing) => marker.versionId !== 'null' || existing.versionId !== 'null'), marker]);
    context.store.save();
    return { output: { DeleteMarker: 'true', VersionId: marker.versionId } };
  }
  const target = versions.find((version) => version.versionId === versionId);
  if (!target) return { output: { VersionId: versionId } };
  checkDeletable(target, now, bypassesGovernance(call));
  const remaining = versions.filter((version) => version !== target);
  if (remaining.length > 0) bucket.objects.set(key, remaining);
  else bucket.objects.delete(key);
  context.store.save();
  return { output: { ...(target.deleteMarker ? { DeleteMarker: 'true' } : {}), VersionId: versionId } };
};
