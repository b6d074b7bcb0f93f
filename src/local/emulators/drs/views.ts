import type { Job, RecoveryInstance, SourceServer } from '@aws-sdk/client-drs';
import type { DrsArns } from './ids';
import type { JobRecord, SourceServerRecord } from './records';
import { endedAt, isActive, launchedAt, viewJob } from './timeline';

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

/** Every recovery instance launched by `nowMs`, with its EC2 state (terminated by a TERMINATE job). */
export const recoveryInstances = (jobs: JobRecord[], nowMs: number, arns: DrsArns): RecoveryInstanceState[] => {
  const terminations = new Map<string, number>();
  for (const job of jobs) {
    if (job.type !== 'TERMINATE' || job.createdAtMs > nowMs) continue;
    for (const participant of job.participants) terminations.set(participant.recoveryInstanceID, endedAt(job, participant));
  }
  const instances: RecoveryInstanceState[] = [];
  for (const job of jobs) {
    for (const participant of job.participants) {
      const at = launchedAt(job, participant);
      if (at === undefined || at > nowMs) continue;
      const terminatedAt = terminations.get(participant.recoveryInstanceID);
      const state = terminatedAt === undefined ? 'RUNNING' : terminatedAt <= nowMs ? 'TERMINATED' : 'SHUTTING-DOWN';
      instances.push({
        terminating: terminatedAt !== undefined,
        wire: {
          recoveryInstanceID: participant.recoveryInstanceID,
          ec2InstanceID: participant.recoveryInstanceID,
          ec2InstanceState: state,
          sourceServerID: participant.sourceServerID,
          jobID: job.jobID,
          isDrill: job.isDrill,
          arn: arns.recoveryInstance(participant.recoveryInstanceID),
          tags: {},
          pointInTimeSnapshotDateTime: iso(job.createdAtMs),
          originEnvironment: 'AWS',
        },
      });
    }
  }
  return instances;
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
    dataReplicationInfo: { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' },
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
