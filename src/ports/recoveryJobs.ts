import type { AccountContext, DrsJobStatus, ServerObservation, SourceOrigin } from '../domain/execution';

export interface RecoveryJob {
  jobId: string;
  status: DrsJobStatus;
  servers: ServerObservation[];
  tags: Record<string, string>;
  /** DRS's creationDateTime: of two jobs for one part, the earlier is the one a claim started. */
  createdAt?: string;
}

/** A DRS failure, classified so the domain can tell a retry from a dead end. */
export class RecoveryJobsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterSeconds?: number,
    /** Refused for lack of room (a quota on work in progress, servers busy in another job): wait, do not count. */
    readonly waitingForCapacity = false,
  ) {
    super(message);
    this.name = 'RecoveryJobsError';
  }
}

export interface StartRecoveryRequest {
  isDrill: boolean;
  sourceServerIds: string[];
  tags: Record<string, string>;
  /** The recovery snapshot to launch each server from (StartRecovery's sourceServers[].recoverySnapshotID); absent: DRS's latest data. */
  recoverySnapshotIds?: Record<string, string>;
}

/** DescribeSourceServers' dataReplicationInfo, as a readiness check needs it. */
export interface ReplicationFacts {
  serverId: string;
  /** dataReplicationState as DRS says it (CONTINUOUS, INITIAL_SYNC, STALLED, DISCONNECTED, PAUSED, STOPPED, ...). */
  state: string;
  /** lagDuration converted to seconds; absent when DRS gives none. */
  lagSeconds?: number;
  /** dataReplicationError.error (and rawError, bounded) when DRS reports one. */
  error?: string;
  /** lastSnapshotDateTime: when DRS last took a snapshot of the server (its newest recovery point). */
  lastSnapshotAt?: string;
}

/** One of DescribeRecoverySnapshots' snapshots. */
export interface RecoverySnapshot {
  snapshotId: string;
  sourceServerId: string;
  /** When the snapshot was expected to be taken. */
  expectedTimestamp: string;
  /** When it was taken: absent while DRS is still creating it (such a snapshot is never launched from). */
  timestamp?: string;
}

/** GetLaunchConfiguration for a source server: whether a launch could start from it. */
export interface LaunchConfigurationFacts {
  serverId: string;
  /** false: DRS has no launch configuration for the server (ResourceNotFoundException). */
  exists: boolean;
  /** What is missing or wrong in it (no EC2 launch template, say): empty when complete. Bounded texts. */
  problems: string[];
}

/** A DRS job still PENDING or STARTED, and the servers in it. */
export interface ActiveJob {
  jobId: string;
  /** LAUNCH, TERMINATE, CREATE_CONVERTED_SNAPSHOT. */
  type: string;
  serverIds: string[];
}

/** DescribeRecoveryInstances' view of one recovery instance. */
export interface RecoveryInstanceFacts {
  recoveryInstanceId: string;
  sourceServerId: string;
  /** ec2InstanceState: PENDING, RUNNING, STOPPING, STOPPED, SHUTTING-DOWN, TERMINATED, NOT_FOUND, ... */
  ec2InstanceState: string;
  isDrill?: boolean;
  /** The job that launched it. */
  jobId?: string;
  /** The point in time of the snapshot it was launched from (pointInTimeSnapshotDateTime). */
  pointInTime?: string;
}

/**
 * Where a DRS call acts: the execution's account context, and on whose behalf (an executionId, or `find` for
 * find's batched reads), from which the assumed role's session name is derived, so that the target account's
 * CloudTrail attributes each call to an execution.
 */
export interface DrsAccount extends AccountContext {
  onBehalfOf: string;
  /** The verified principal behind the calls (its name: sourceIdentityOf), when the execution was started by one. */
  sourceIdentity?: string;
}

/** DRS, as the execution needs it. Every call may act in another account through its DrsAccount. */
export interface RecoveryJobs {
  startRecovery(request: StartRecoveryRequest, account?: DrsAccount): Promise<RecoveryJob>;
  /**
   * Many jobs in one call where DRS allows it (DescribeJobs takes up to 1,000 ids). Failed servers get their
   * reasons from each job's log (DescribeJobLogItems), of every job, or only of `reasonsOf` when given.
   */
  describeJobs(jobIds: string[], account?: DrsAccount, options?: { reasonsOf?: readonly string[] }): Promise<Map<string, RecoveryJob>>;
  /** Jobs created since `since` whose tags include all of `tags`: how a lost start is found again. */
  findJobsByTags(tags: Record<string, string>, since: string, account?: DrsAccount): Promise<RecoveryJob[]>;
  /** Hostnames of source servers, for the read model and reports. */
  hostnames(sourceServerIds: string[], account?: DrsAccount): Promise<Map<string, string>>;
  /**
   * Where source servers run, as DRS says (DescribeSourceServers' sourceCloudProperties), grouped by account
   * and Region; servers it says nothing of (outside AWS, or unknown) make one group without either.
   */
  sourceOrigins(sourceServerIds: string[], account?: DrsAccount): Promise<SourceOrigin[]>;
  /** Replication state and lag of each server DRS knows (DescribeSourceServers); unknown servers are absent. */
  replication(sourceServerIds: string[], account?: DrsAccount): Promise<Map<string, ReplicationFacts>>;
  /** A server's recovery snapshots taken within [from, to] (either bound optional), newest first, every page. */
  recoverySnapshots(sourceServerId: string, range: { from?: string; to?: string }, account?: DrsAccount): Promise<RecoverySnapshot[]>;
  /** Each server's launch configuration (GetLaunchConfiguration), whether it exists and is complete. */
  launchConfigurations(sourceServerIds: string[], account?: DrsAccount): Promise<Map<string, LaunchConfigurationFacts>>;
  /** Jobs PENDING or STARTED now, of any type, with their servers (DescribeJobs, every page). */
  activeJobs(account?: DrsAccount): Promise<ActiveJob[]>;
  /** TerminateRecoveryInstances (at most 200 ids a call; more are split): the TERMINATE jobs DRS created. */
  terminateRecoveryInstances(recoveryInstanceIds: string[], account?: DrsAccount): Promise<string[]>;
  /** DescribeRecoveryInstances for these ids; an instance DRS no longer lists is absent (it is gone). */
  describeRecoveryInstances(recoveryInstanceIds: string[], account?: DrsAccount): Promise<Map<string, RecoveryInstanceFacts>>;
  /** Every recovery instance DRS lists for these source servers (DescribeRecoveryInstances by sourceServerIDs, every page). */
  recoveryInstancesOfServers(sourceServerIds: string[], account?: DrsAccount): Promise<RecoveryInstanceFacts[]>;
}
