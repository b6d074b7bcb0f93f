import type {
  DataReplicationErrorString,
  DataReplicationInfo,
  DataReplicationState,
  Job,
  RecoveryInstance,
  SourceServer,
} from '@aws-sdk/client-drs';
import type { DrsArns } from './ids';
import type { JobRecord, ServerStateRecord, SourceServerRecord } from './records';
import { HEALTHY_REPLICATION, isoDuration } from './snapshots';
import { endedAt, instanceCreatedAt, isActive, launchedAt, viewJob } from './timeline';

/** The wire shapes DRS returns, derived from the records at `nowMs`. */

const iso = (ms: number): string => new Date(Math.floor(ms)).toISOString();

export const jobOnWire = (job: JobRecord, nowMs: number): Job => {
  const view = viewJob(job, nowMs);
  return {
    jobID: job.jobID,
    arn: job.arn,
    type: job.type,
    initiatedBy: job.initiatedBy,
    creationDateTime: iso(job.createdAtMs),
    ...(view.endDateTime ? { endDateTime: view.endDateTime } : {}),
    status: view.status,
    participatingServers: view.participants.map(({ record, launchStatus }) => ({
      sourceServerID: record.sourceServerID,
      launchStatus,
      // A LAUNCH job names the instance once launched; a TERMINATE job names the one it ends.
      ...(job.type === 'TERMINATE' || launchStatus === 'LAUNCHED' ? { recoveryInstanceID: record.recoveryInstanceID } : {}),
    })),
    tags: { ...job.tags },
    participatingResources: [],
  };
};

/** Servers in a job that is not COMPLETED: a server can be in only one such job. */
export const busyServers = (jobs: JobRecord[], nowMs: number): Map<string, string> => {
  const busy = new Map<string, string>();
  for (const job of jobs) {
    if (!isActive(job, nowMs)) continue;
    for (const participant of job.participants) busy.set(participant.sourceServerID, job.jobID);
  }
  return busy;
};

export interface RecoveryInstanceState {
  wire: RecoveryInstance;
  /** Whether a TERMINATE job has taken it (terminating or terminated). */
  terminating: boolean;
}

/** How long DRS still lists a TERMINATED recovery instance (simulated time of the TERMINATE job). */
export const TERMINATED_LISTED_MS = 60_000;

interface Termination {
  endsAt: number;
  goneAt: number;
}

/** Terminations that take effect: a failed one (faults: failTerminations) leaves its instance RUNNING. */
const terminations = (jobs: JobRecord[], nowMs: number): Map<string, Termination> => {
  const found = new Map<string, Termination>();
  for (const job of jobs) {
    if (job.type !== 'TERMINATE' || job.createdAtMs > nowMs) continue;
    for (const participant of job.participants) {
      if (participant.failureReason !== undefined) continue;
      const endsAt = endedAt(job, participant);
      found.set(participant.recoveryInstanceID, { endsAt, goneAt: endsAt + TERMINATED_LISTED_MS / job.speed });
    }
  }
  return found;
};

/**
 * Every recovery instance DRS lists at `nowMs`: PENDING from its launch stage, RUNNING once launched,
 * SHUTTING-DOWN while a TERMINATE job ends it, TERMINATED, then no longer listed TERMINATED_LISTED_MS later.
 */
export const recoveryInstances = (jobs: JobRecord[], nowMs: number, arns: DrsArns): RecoveryInstanceState[] => {
  const ended = terminations(jobs, nowMs);
  const instances: RecoveryInstanceState[] = [];
  for (const job of jobs) {
    if (job.type !== 'LAUNCH') continue;
    for (const participant of job.participants) {
      const createdAt = instanceCreatedAt(job, participant);
      if (createdAt === undefined || createdAt > nowMs) continue;
      const termination = ended.get(participant.recoveryInstanceID);
      if (termination && termination.goneAt <= nowMs) continue;
      const running = (launchedAt(job, participant) ?? Infinity) <= nowMs;
      const state = termination ? (termination.endsAt <= nowMs ? 'TERMINATED' : 'SHUTTING-DOWN') : running ? 'RUNNING' : 'PENDING';
      instances.push({
        terminating: termination !== undefined,
        wire: {
          recoveryInstanceID: participant.recoveryInstanceID,
          ec2InstanceID: participant.recoveryInstanceID,
          ec2InstanceState: state,
          sourceServerID: participant.sourceServerID,
          jobID: job.jobID,
          isDrill: job.isDrill,
          arn: arns.recoveryInstance(participant.recoveryInstanceID),
          tags: {},
          pointInTimeSnapshotDateTime: iso(participant.pointInTimeMs ?? job.createdAtMs),
          originEnvironment: 'AWS',
        },
      });
    }
  }
  return instances;
};

/** DescribeSourceServers' dataReplicationInfo: the state the admin API set, or healthy continuous replication. */
const dataReplicationInfo = (state: ServerStateRecord): DataReplicationInfo => {
  const replication = state.replication ?? HEALTHY_REPLICATION;
  const error = replication.error ?? replication.rawError;
  return {
    dataReplicationState: replication.state as DataReplicationState,
    lagDuration: isoDuration(replication.lagSeconds),
    ...(error !== undefined
      ? {
          dataReplicationError: {
            ...(replication.error ? { error: replication.error as DataReplicationErrorString } : {}),
            ...(replication.rawError ? { rawError: replication.rawError } : {}),
          },
        }
      : {}),
  };
};

/** The latest LAUNCH job a server took part in, for its lifeCycle and lastLaunchResult. */
const lastLaunch = (jobs: JobRecord[], sourceServerID: string): JobRecord | undefined =>
  [...jobs].reverse().find((job) => job.type === 'LAUNCH' && job.participants.some((p) => p.sourceServerID === sourceServerID));

export const sourceServerOnWire = (
  server: SourceServerRecord,
  jobs: JobRecord[],
  nowMs: number,
  arns: DrsArns,
  origin: { accountId: string; region: string },
  state: ServerStateRecord = {},
): SourceServer => {
  const launch = lastLaunch(jobs, server.sourceServerID);
  const launchView = launch
    ? viewJob(launch, nowMs).participants.find((p) => p.record.sourceServerID === server.sourceServerID)
    : undefined;
  const lastLaunchResult = !launchView
    ? 'NOT_STARTED'
    : launchView.launchStatus === 'LAUNCHED'
      ? 'SUCCEEDED'
      : launchView.launchStatus === 'FAILED'
        ? 'FAILED'
        : 'PENDING';
  const running = recoveryInstances(jobs, nowMs, arns)
    .filter((instance) => instance.wire.sourceServerID === server.sourceServerID && instance.wire.ec2InstanceState !== 'TERMINATED')
    .pop();
  return {
    sourceServerID: server.sourceServerID,
    arn: arns.sourceServer(server.sourceServerID),
    tags: { ...(server.tags ?? {}) },
    ...(running ? { recoveryInstanceId: running.wire.recoveryInstanceID } : {}),
    lastLaunchResult,
    dataReplicationInfo: dataReplicationInfo(state),
    lifeCycle: {
      ...(launch && launchView
        ? {
            lastLaunch: {
              initiated: {
                apiCallDateTime: iso(launch.createdAtMs),
                jobID: launch.jobID,
                type: launch.isDrill ? 'DRILL' : 'RECOVERY',
              },
              status: launchView.launchStatus,
            },
          }
        : {}),
    },
    sourceProperties: {
      lastUpdatedDateTime: iso(nowMs),
      identificationHints: { hostname: server.hostname },
    },
    replicationDirection: 'FAILOVER',
    // A source server on AWS (EC2) says where it runs; DRS sets no sourceCloudProperties for one outside AWS.
    sourceCloudProperties: {
      originAccountID: server.originAccountId ?? origin.accountId,
      originRegion: server.originRegion ?? origin.region,
      originAvailabilityZone: `${server.originRegion ?? origin.region}a`,
    },
  };
};
