import type { S3Call } from './context';
import { headerOf } from './context';
import { invalidArgument, missingObjectLockConfiguration, protectedByObjectLock } from './errors';
import type { BucketRecord, DefaultRetention, Retention, RetentionMode, VersionRecord } from './records';

/**
 * Object Lock as S3 enforces it. A version under COMPLIANCE retention cannot be deleted, nor its
 * retention shortened, loosened to GOVERNANCE or removed, by anyone, until the date passes; GOVERNANCE
 * yields to x-amz-bypass-governance-retention: true; a legal hold blocks deletion until it is lifted.
 * Writing the key again only adds a version, and a delete without a version id only adds a delete
 * marker: the locked version itself stays as it was.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export const underRetention = (version: VersionRecord, now: number): boolean =>
  version.retention !== undefined && Date.parse(version.retention.retainUntil) > now;

export const requireObjectLock = (bucket: BucketRecord): NonNullable<BucketRecord['objectLock']> => {
  if (!bucket.objectLock) throw missingObjectLockConfiguration();
  return bucket.objectLock;
};

export const bypassesGovernance = (call: S3Call): boolean => headerOf(call, 'x-amz-bypass-governance-retention')?.toLowerCase() === 'true';

/** Throws AccessDenied, as S3 does, when deleting this version would break its lock. */
export const checkDeletable = (version: VersionRecord, now: number, bypassGovernance: boolean): void => {
  if (version.deleteMarker) return;
  if (version.legalHold === 'ON') throw protectedByObjectLock();
  if (underRetention(version, now) && (version.retention?.mode === 'COMPLIANCE' || !bypassGovernance)) throw protectedByObjectLock();
};

/** A retain-until date as S3 takes it: a valid date in the future, kept as ISO 8601. */
export const retainUntilDate = (text: string, now: number): string => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || ms <= now) throw invalidArgument('The retain until date must be in the future!', 'RetainUntilDate', text);
  return new Date(ms).toISOString();
};

/** Throws AccessDenied when replacing `existing` by `requested` (undefined: removing it) loosens a lock in force. */
export const checkRetentionChange = (
  existing: Retention | undefined,
  requested: Retention | undefined,
  now: number,
  bypassGovernance: boolean,
): void => {
  if (!existing || Date.parse(existing.retainUntil) <= now) return;
  const loosened =
    requested === undefined ||
    Date.parse(requested.retainUntil) < Date.parse(existing.retainUntil) ||
    (existing.mode === 'COMPLIANCE' && requested.mode !== 'COMPLIANCE');
  if (loosened && (existing.mode === 'COMPLIANCE' || !bypassGovernance)) throw protectedByObjectLock();
};

/** The bucket's default retention applied to a version written at `now`. */
export const defaultRetentionAt = (rule: DefaultRetention, now: number): Retention => {
  const until = new Date(now + (rule.days ?? 0) * DAY_MS);
  if (rule.years !== undefined) until.setUTCFullYear(until.getUTCFullYear() + rule.years);
  return { mode: rule.mode, retainUntil: until.toISOString() };
};

export const isRetentionMode = (value: unknown): value is RetentionMode => value === 'GOVERNANCE' || value === 'COMPLIANCE';
