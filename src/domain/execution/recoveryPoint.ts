/**
 * Recovery points: which recovery snapshot a launch used and its point in time, and the moment an execution
 * may ask every server to be recovered "as of". The rules here are pure: the caller supplies the clock.
 */

/** The snapshot a server was launched from (absent: DRS's latest data) and the point in time of its data. */
export interface RecoveryPoint {
  /** ISO-8601 instant: DescribeRecoveryInstances' pointInTimeSnapshotDateTime, or the chosen snapshot's timestamp. */
  pointInTime: string;
  snapshotId?: string;
}

/** DRS's ids are `pit-` and 17 characters; the ledger accepts a little more, never a text of any length. */
export const MAX_SNAPSHOT_ID_LENGTH = 64;
const SNAPSHOT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** An instant with a date, a time and a zone, as DRS and JavaScript write them. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** How far back a recovery "as of" may reach: DRS keeps point-in-time snapshots for at most 365 days. */
export const MAX_RECOVER_AS_OF_AGE_DAYS = 365;
/** A client's clock may run a little ahead of the service's. */
const RECOVER_AS_OF_SKEW_MS = 5_000;

/** The calendar has the day (JavaScript's parser would roll 30 February over into March). */
const isCalendarDay = (text: string): boolean => {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/** Whether `text` is an ISO-8601 instant (date, time and zone) that names a real moment. */
export const isInstant = (text: unknown): text is string =>
  typeof text === 'string' && text.length <= 40 && INSTANT.test(text) && isCalendarDay(text) && Number.isFinite(Date.parse(text));

export const isSnapshotId = (text: unknown): text is string => typeof text === 'string' && SNAPSHOT_ID.test(text);

/** Why a recovery point cannot be recorded as given, or undefined. */
export const recoveryPointProblem = (point: RecoveryPoint): string | undefined => {
  if (!isInstant(point.pointInTime))
    return `recovery point time must be an ISO-8601 instant, got ${JSON.stringify(String(point.pointInTime).slice(0, 40))}`;
  if (point.snapshotId !== undefined && !isSnapshotId(point.snapshotId)) {
    return `recovery snapshot id must be 1 to ${MAX_SNAPSHOT_ID_LENGTH} letters, digits, '-' or '_'`;
  }
  return undefined;
};

/** Why `recoverAsOf` cannot be asked for at `now`: not an instant, in the future, or older than DRS keeps snapshots. */
export const recoverAsOfProblem = (recoverAsOf: unknown, now: string): string | undefined => {
  if (!isInstant(recoverAsOf)) return 'recoverAsOf must be an ISO-8601 instant with a time zone, e.g. 2026-01-31T09:30:00Z';
  const asOf = Date.parse(recoverAsOf);
  const at = Date.parse(now);
  if (asOf > at + RECOVER_AS_OF_SKEW_MS) return `recoverAsOf ${recoverAsOf} is in the future (now is ${now})`;
  if (at - asOf > MAX_RECOVER_AS_OF_AGE_DAYS * 86_400_000) {
    return `recoverAsOf ${recoverAsOf} is more than ${MAX_RECOVER_AS_OF_AGE_DAYS} days ago: DRS keeps no recovery snapshot that old`;
  }
  return undefined;
};

/** A recovery snapshot as the choice needs it: one still being created has no timestamp. */
export interface SnapshotCandidate {
  snapshotId: string;
  timestamp?: string;
}

/**
 * The snapshot a recovery "as of" `recoverAsOf` launches a server from: the newest completed one taken at or
 * before that moment. Snapshots still being created (no timestamp) or with an unreadable time are never chosen.
 * Deterministic (ties go to the smaller id), so whoever takes a crashed start over chooses the same.
 */
export const chooseSnapshot = <S extends SnapshotCandidate>(snapshots: readonly S[], recoverAsOf: string): S | undefined => {
  const limit = Date.parse(recoverAsOf);
  let best: { snapshot: S; at: number } | undefined;
  for (const snapshot of snapshots) {
    if (snapshot.timestamp === undefined || !isInstant(snapshot.timestamp)) continue;
    const at = Date.parse(snapshot.timestamp);
    if (at > limit) continue;
    if (!best || at > best.at || (at === best.at && snapshot.snapshotId < best.snapshot.snapshotId)) best = { snapshot, at };
  }
  return best?.snapshot;
};

/** Seconds of data a recovery point lost: from its time to `from` (the wave's start, or the moment asked for). */
export const rpoSecondsOf = (pointInTime: string, from: string): number => Math.round((Date.parse(from) - Date.parse(pointInTime)) / 1000);
