import { stableSnapshotId } from './ids';
import type { LaunchConfigurationRecord, ReplicationRecord, SnapshotRecord } from './records';
import { ISO8601_DATE_TIME, RECOVERY_SNAPSHOT_ID } from './validation';

/**
 * What the admin API accepts for one server's replication, launch configuration and snapshots, checked whole
 * (a bad body throws a clear message and changes nothing). The values are DRS's: the states and errors of its
 * model, so that every answer the emulator derives from them stays within the model.
 */

export const DATA_REPLICATION_STATES = [
  'STOPPED',
  'INITIATING',
  'INITIAL_SYNC',
  'BACKLOG',
  'CREATING_SNAPSHOT',
  'CONTINUOUS',
  'PAUSED',
  'RESCAN',
  'STALLED',
  'DISCONNECTED',
] as const;

export const DATA_REPLICATION_ERRORS = [
  'AGENT_NOT_SEEN',
  'SNAPSHOTS_FAILURE',
  'NOT_CONVERGING',
  'UNSTABLE_NETWORK',
  'FAILED_TO_CREATE_SECURITY_GROUP',
  'FAILED_TO_LAUNCH_REPLICATION_SERVER',
  'FAILED_TO_BOOT_REPLICATION_SERVER',
  'FAILED_TO_AUTHENTICATE_WITH_SERVICE',
  'FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE',
  'FAILED_TO_CREATE_STAGING_DISKS',
  'FAILED_TO_ATTACH_STAGING_DISKS',
  'FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT',
  'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
  'FAILED_TO_START_DATA_TRANSFER',
] as const;

/** DataReplicationError.rawError is a LargeBoundedString. */
const MAX_RAW_ERROR = 65_536;
/** A lag beyond a year is no lag DRS would report for a replicating server. */
const MAX_LAG_SECONDS = 366 * 24 * 3600;
/** Snapshots one server may be given: DRS keeps far fewer (its point-in-time policy), the bound keeps the emulator small. */
export const MAX_SNAPSHOTS_PER_SERVER = 1000;
const MAX_PROBLEMS = 20;
const MAX_PROBLEM_CHARS = 1024;

const asObject = (value: unknown, what: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
};

const onlyKeys = (body: Record<string, unknown>, known: string[], what: string): void => {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`Unknown field ${unknown[0]} in ${what} (known: ${known.join(', ')})`);
};

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => (values as readonly unknown[]).includes(value);

/**
 * `{ state, lagSeconds?, error?, rawError? }`. `error` is one of DRS's DataReplicationError codes, or any other
 * text (kept as rawError). A STALLED server with neither reports NOT_CONVERGING, as DRS names a stall's cause.
 */
export const checkedReplication = (body: unknown): ReplicationRecord => {
  const input = asObject(body, 'replication');
  onlyKeys(input, ['state', 'lagSeconds', 'error', 'rawError'], 'replication');
  if (!isOneOf(DATA_REPLICATION_STATES, input.state)) {
    throw new Error(`replication.state must be one of ${DATA_REPLICATION_STATES.join(', ')}`);
  }
  const lag = input.lagSeconds ?? 0;
  if (typeof lag !== 'number' || !Number.isFinite(lag) || lag < 0 || lag > MAX_LAG_SECONDS) {
    throw new Error(`replication.lagSeconds must be a number of seconds from 0 to ${MAX_LAG_SECONDS}`);
  }
  const text = (value: unknown, name: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RAW_ERROR) {
      throw new Error(`replication.${name} must be a text of 1 to ${MAX_RAW_ERROR} characters`);
    }
    return value;
  };
  const error = text(input.error, 'error');
  const rawError = text(input.rawError, 'rawError');
  if (error !== undefined && !isOneOf(DATA_REPLICATION_ERRORS, error) && rawError !== undefined) {
    throw new Error(`replication.error must be one of ${DATA_REPLICATION_ERRORS.join(', ')} when rawError is given`);
  }
  const code = error !== undefined && isOneOf(DATA_REPLICATION_ERRORS, error) ? error : undefined;
  const raw = rawError ?? (error !== undefined && code === undefined ? error : undefined);
  const stalledDefault = input.state === 'STALLED' && code === undefined && raw === undefined ? 'NOT_CONVERGING' : undefined;
  const errorCode = code ?? stalledDefault;
  return {
    state: input.state,
    lagSeconds: lag,
    ...(errorCode !== undefined ? { error: errorCode } : {}),
    ...(raw !== undefined ? { rawError: raw } : {}),
  };
};

/** `{ "missing": true }`, `{ "problems": [...] }` (incomplete), or `{}` (complete again: undefined). */
export const checkedLaunchConfiguration = (body: unknown): LaunchConfigurationRecord | undefined => {
  const input = asObject(body, 'launch-configuration');
  onlyKeys(input, ['missing', 'problems'], 'launch-configuration');
  if (input.missing !== undefined && typeof input.missing !== 'boolean') throw new Error('launch-configuration.missing must be a boolean');
  if (input.missing === true && input.problems !== undefined) {
    throw new Error('launch-configuration: give either missing or problems, not both');
  }
  if (input.missing === true) return { missing: true };
  if (input.problems === undefined) return undefined;
  const problems = input.problems;
  if (!Array.isArray(problems) || problems.length === 0 || problems.length > MAX_PROBLEMS) {
    throw new Error(`launch-configuration.problems must be a list of 1 to ${MAX_PROBLEMS} texts`);
  }
  for (const problem of problems) {
    if (typeof problem !== 'string' || problem.trim() === '' || problem.length > MAX_PROBLEM_CHARS) {
      throw new Error(`launch-configuration.problems: each must be a text of 1 to ${MAX_PROBLEM_CHARS} characters`);
    }
  }
  return { problems: problems as string[] };
};

const isoTime = (value: unknown, path: string): string => {
  // DRS's ISO8601DatetimeString is at most 32 characters: a longer fraction would break its answers.
  if (typeof value !== 'string' || value.length > 32 || !ISO8601_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new Error(`${path} must be an ISO 8601 UTC date-time such as 2025-06-01T12:00:00Z`);
  }
  return value;
};

/** `{ "snapshots": [{ snapshotID?, expectedTimestamp, timestamp? }] }`, at most MAX_SNAPSHOTS_PER_SERVER, ids unique. */
export const checkedSnapshots = (sourceServerID: string, body: unknown): SnapshotRecord[] => {
  const input = asObject(body, 'snapshots');
  onlyKeys(input, ['snapshots'], 'snapshots');
  const list = input.snapshots;
  if (!Array.isArray(list)) throw new Error('Expected { "snapshots": [{ "snapshotID"?, "expectedTimestamp", "timestamp"? }] }');
  if (list.length > MAX_SNAPSHOTS_PER_SERVER) {
    throw new Error(`A server may have at most ${MAX_SNAPSHOTS_PER_SERVER} snapshots; ${list.length} were given`);
  }
  const seen = new Set<string>();
  return list.map((entry, index) => {
    const path = `snapshots[${index}]`;
    const snapshot = asObject(entry, path);
    onlyKeys(snapshot, ['snapshotID', 'expectedTimestamp', 'timestamp'], path);
    const expectedTimestamp = isoTime(snapshot.expectedTimestamp, `${path}.expectedTimestamp`);
    const timestamp = snapshot.timestamp === undefined ? undefined : isoTime(snapshot.timestamp, `${path}.timestamp`);
    const given = snapshot.snapshotID;
    if (given !== undefined && (typeof given !== 'string' || !RECOVERY_SNAPSHOT_ID.test(given))) {
      throw new Error(`${path}.snapshotID must match pit-[0-9a-zA-Z]{17}`);
    }
    const snapshotID = given ?? stableSnapshotId(`${sourceServerID}/${expectedTimestamp}/${index}`);
    if (seen.has(snapshotID)) throw new Error(`${path}.snapshotID ${snapshotID} is given twice`);
    seen.add(snapshotID);
    return { snapshotID, expectedTimestamp, ...(timestamp !== undefined ? { timestamp } : {}) };
  });
};
