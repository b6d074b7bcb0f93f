import { stableSnapshotId } from './ids';
import type { ReplicationRecord, ServerStateRecord, SnapshotRecord } from './records';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** DRS's point-in-time policy: a snapshot every 10 minutes for the last hour, hourly for a day, daily for 7 days. */
const POLICY = [
  { everyMs: 10 * MINUTE, forMs: HOUR },
  { everyMs: HOUR, forMs: DAY },
  { everyMs: DAY, forMs: 7 * DAY },
];

/** States in which a server has no consistent copy yet, so no recovery snapshot at all. */
const NO_SNAPSHOTS_YET = new Set(['INITIATING', 'INITIAL_SYNC']);

export const HEALTHY_REPLICATION: ReplicationRecord = { state: 'CONTINUOUS', lagSeconds: 0 };

const iso = (ms: number): string => new Date(Math.floor(ms)).toISOString();

/**
 * A server's snapshots under DRS's policy at `nowMs`, oldest first. Replication lag shifts them: only data that
 * reached DRS can be in a snapshot, so marks later than now less the lag are not taken, except the newest one,
 * which DRS is still creating (no `timestamp`). Ids are stable: the same mark keeps its id between calls.
 */
export const pointInTimeSchedule = (sourceServerID: string, nowMs: number, replication: ReplicationRecord): SnapshotRecord[] => {
  if (NO_SNAPSHOTS_YET.has(replication.state)) return [];
  const marks = new Set<number>();
  for (const { everyMs, forMs } of POLICY) {
    for (let mark = Math.floor(nowMs / everyMs) * everyMs; mark > nowMs - forMs; mark -= everyMs) marks.add(mark);
  }
  const dataUpTo = nowMs - replication.lagSeconds * 1000;
  const ordered = [...marks].sort((a, b) => a - b);
  const taken = ordered.filter((mark) => mark <= dataUpTo);
  const creating = ordered.filter((mark) => mark > dataUpTo).pop();
  const snapshot = (mark: number, done: boolean): SnapshotRecord => ({
    snapshotID: stableSnapshotId(`${sourceServerID}/${mark}`),
    expectedTimestamp: iso(mark),
    ...(done ? { timestamp: iso(mark) } : {}),
  });
  return [...taken.map((mark) => snapshot(mark, true)), ...(creating !== undefined ? [snapshot(creating, false)] : [])];
};

/** The server's snapshots now: the ones the admin API set, or the policy's. */
export const snapshotsOf = (sourceServerID: string, state: ServerStateRecord, nowMs: number): SnapshotRecord[] =>
  state.snapshots ?? pointInTimeSchedule(sourceServerID, nowMs, state.replication ?? HEALTHY_REPLICATION);

/** An ISO 8601 duration as DRS writes lagDuration: PT0S, PT42S, PT1H5M, P2DT3H. */
export const isoDuration = (seconds: number): string => {
  const whole = Math.floor(seconds);
  const fraction = Math.round((seconds - whole) * 1000);
  const days = Math.floor(whole / 86_400);
  const hours = Math.floor((whole % 86_400) / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  const secText = fraction > 0 ? `${secs}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}` : String(secs);
  const time = `${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${secs > 0 || fraction > 0 ? `${secText}S` : ''}`;
  if (days === 0) return `PT${time || '0S'}`;
  return `P${days}D${time ? `T${time}` : ''}`;
};
