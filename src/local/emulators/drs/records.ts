import type { FailureStage } from './failureStage';
import type { StageDurations } from './timings';

/** What the emulator stores. Everything time-dependent is derived from these when read (timeline.ts). */

export interface SourceServerRecord {
  sourceServerID: string;
  hostname: string;
  tags?: Record<string, string>;
  /** Where it runs (sourceCloudProperties); absent: the emulator's sourceOrigin. */
  originAccountId?: string;
  originRegion?: string;
}

/** One server in a job. Its whole course is fixed when the job is created. */
export interface ParticipantRecord {
  sourceServerID: string;
  /** LAUNCH: the instance this launch creates (shown once LAUNCHED). TERMINATE: the instance it ends. */
  recoveryInstanceID: string;
  /** Simulated milliseconds from the end of PENDING to this server's final state. */
  durationMs: number;
  /**
   * How long each stage of a LAUNCH takes (simulated ms; they add up to durationMs). Absent in files saved
   * before stages had durations of their own: the stages then split durationMs in fixed proportions.
   */
  stagesMs?: StageDurations;
  /** Set when the launch (or termination) was made to fail; the failing stage's FAIL event carries it as rawError. */
  failureReason?: string;
  /** Where the launch fails (absent with a failureReason: LAUNCH, as in files saved before stages existed). */
  failureStage?: FailureStage;
  /**
   * DRS can report a job COMPLETED while a server still reads PENDING or IN_PROGRESS: this server reads
   * `launchStatus` from the end of PENDING until `lagMs` (simulated) after the job completed, then its
   * final status. Its log events keep their real times.
   */
  staleStatus?: { launchStatus: 'PENDING' | 'IN_PROGRESS'; lagMs: number };
  /**
   * LAUNCH: the point in time the instance recovers (clock ms): the chosen snapshot's timestamp, or the launch
   * time less the server's replication lag for its latest data. Absent in files saved before: the job's creation.
   */
  pointInTimeMs?: number;
  /** LAUNCH: the recovery snapshot it launched from (StartRecovery's recoverySnapshotID), if one was chosen. */
  recoverySnapshotID?: string;
}

export interface JobRecord {
  jobID: string;
  arn: string;
  type: 'LAUNCH' | 'TERMINATE';
  initiatedBy: 'START_DRILL' | 'START_RECOVERY' | 'TERMINATE_RECOVERY_INSTANCES';
  isDrill: boolean;
  /** Real (clock) milliseconds since the epoch. */
  createdAtMs: number;
  /** Simulated time runs `speed` times faster than the clock, fixed per job. */
  speed: number;
  /** Simulated milliseconds the job stays PENDING. */
  pendingMs: number;
  tags: Record<string, string>;
  participants: ParticipantRecord[];
}

/** A server's replication as DescribeSourceServers' dataReplicationInfo reports it (state.ts). */
export interface ReplicationRecord {
  /** DataReplicationState: CONTINUOUS, INITIAL_SYNC, STALLED, DISCONNECTED, ... */
  state: string;
  lagSeconds: number;
  /** DataReplicationError.error (an enum of DRS's model) and rawError (free text). */
  error?: string;
  rawError?: string;
}

/** A server's launch configuration, when not complete: missing altogether, or without a launch template. */
export type LaunchConfigurationRecord = { missing: true } | { problems: string[] };

/** A recovery snapshot as the admin API set it: no `timestamp` while DRS is still creating it. */
export interface SnapshotRecord {
  snapshotID: string;
  expectedTimestamp: string;
  timestamp?: string;
}

/** What the admin API changed for one server; absent parts are DRS's healthy defaults. */
export interface ServerStateRecord {
  replication?: ReplicationRecord;
  launchConfiguration?: LaunchConfigurationRecord;
  /** Replaces the point-in-time schedule (snapshots.ts) when set. */
  snapshots?: SnapshotRecord[];
}

export interface DrsStateFile {
  version: 1;
  sourceServers: SourceServerRecord[];
  jobs: JobRecord[];
  /** By source server id; absent in files saved before servers had a state of their own. */
  serverStates?: Record<string, ServerStateRecord>;
}
