import type { DrsJobStatus, LaunchStatus, ServerObservation, SourceOrigin } from '../../src/domain/execution';
import {
  type ActiveJob,
  type LaunchConfigurationFacts,
  type RecoveryInstanceFacts,
  type RecoveryJob,
  type RecoveryJobs,
  RecoveryJobsError,
  type RecoverySnapshot,
  type ReplicationFacts,
  type StartRecoveryRequest,
} from '../../src/ports/recoveryJobs';
import type { SimRandom } from './random';
import type { Scheduler } from './scheduler';

/** How often DRS fails a call or a launch while faults are on (per call, per server). */
export interface DrsFaults {
  throttle: number;
  lostStartAnswer: number;
  serverFails: number;
}

interface SimServer {
  serverId: string;
  /** When the launch settles, in simulated ms. */
  settlesAt: number;
  fails: boolean;
  recoveryInstanceId: string;
}

interface SimJob {
  jobId: string;
  createdAtMs: number;
  tags: Record<string, string>;
  isDrill: boolean;
  servers: SimServer[];
}

interface SimInstance {
  facts: RecoveryInstanceFacts;
  /** Set once a termination was asked: gone from DRS's listings after this. */
  goneAt?: number;
}

/** A job is PENDING this long before its servers start converting. */
const PENDING_MS = 30_000;
const SNAPSHOT_EVERY_MS = 10 * 60_000;

/**
 * DRS in simulated time, behind the RecoveryJobs port: StartRecovery creates a job whose servers each take their
 * own time (2-10 minutes) and may fail; DescribeJobs answers what simulated time has reached; a server busy in
 * another launch is refused (ConflictException); calls are throttled and a start's answer lost now and then;
 * recovery instances live until terminated. Every call is a request through the scheduler's gate. It keeps
 * what it was asked to start, for the one-job-per-wave invariant.
 */
export class SimDrs implements RecoveryJobs {
  /** Every job DRS created, oldest first, with the true time it was created. */
  readonly created: SimJob[] = [];
  private readonly instances = new Map<string, SimInstance>();
  private jobsCreated = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: SimRandom,
    private readonly faults: DrsFaults,
    /** Called as each job is created, before its answer leaves DRS. */
    private readonly onCreated: (job: RecoveryJob) => void,
  ) {}

  async startRecovery(request: StartRecoveryRequest): Promise<RecoveryJob> {
    await this.call('DRS.StartRecovery');
    const busy = request.sourceServerIds.filter((serverId) => this.activeLaunch(serverId));
    if (busy.length)
      throw new RecoveryJobsError('ConflictException', `Source servers in an active job: ${busy.join(', ')}`, true, undefined, true);
    this.jobsCreated += 1;
    const now = this.scheduler.nowMs;
    const job: SimJob = {
      jobId: `drsjob-${String(this.jobsCreated).padStart(17, '0')}`,
      createdAtMs: now,
      tags: { ...request.tags },
      isDrill: request.isDrill,
      servers: request.sourceServerIds.map((serverId, index) => ({
        serverId,
        settlesAt: now + PENDING_MS + this.random.int(2, 10) * 60_000,
        fails: this.scheduler.faultsOn && this.random.chance(this.faults.serverFails),
        recoveryInstanceId: `i-${String(this.jobsCreated).padStart(8, '0')}${String(index).padStart(9, '0')}`,
      })),
    };
    this.created.push(job);
    const answer = this.answer(job);
    this.onCreated(answer);
    await this.scheduler.gate('DRS.StartRecovery answer');
    if (this.scheduler.faultsOn && this.random.chance(this.faults.lostStartAnswer)) {
      throw new RecoveryJobsError('TimeoutError', 'StartRecovery timed out', true);
    }
    return answer;
  }

  async describeJobs(jobIds: string[]): Promise<Map<string, RecoveryJob>> {
    await this.call('DRS.DescribeJobs');
    const found = new Map<string, RecoveryJob>();
    for (const job of this.created) if (jobIds.includes(job.jobId)) found.set(job.jobId, this.answer(job));
    return found;
  }

  async findJobsByTags(tags: Record<string, string>, since: string): Promise<RecoveryJob[]> {
    await this.call('DRS.DescribeJobs(tags)');
    const sinceMs = Date.parse(since);
    return this.created
      .filter((job) => job.createdAtMs >= sinceMs && Object.entries(tags).every(([key, value]) => job.tags[key] === value))
      .reverse()
      .map((job) => this.answer(job));
  }

  async hostnames(sourceServerIds: string[]): Promise<Map<string, string>> {
    await this.call('DRS.DescribeSourceServers');
    return new Map(sourceServerIds.map((serverId) => [serverId, `host-${serverId.slice(-4)}`]));
  }

  async sourceOrigins(sourceServerIds: string[]): Promise<SourceOrigin[]> {
    await this.call('DRS.DescribeSourceServers');
    return [{ accountId: '111122223333', region: 'us-west-2', servers: new Set(sourceServerIds).size }];
  }

  async replication(sourceServerIds: string[]): Promise<Map<string, ReplicationFacts>> {
    await this.call('DRS.DescribeSourceServers');
    const lastSnapshotAt = new Date(this.lastSnapshotMs()).toISOString();
    return new Map(sourceServerIds.map((serverId) => [serverId, { serverId, state: 'CONTINUOUS', lagSeconds: 0, lastSnapshotAt }]));
  }

  async recoverySnapshots(sourceServerId: string, range: { from?: string; to?: string }): Promise<RecoverySnapshot[]> {
    await this.call('DRS.DescribeRecoverySnapshots');
    const snapshots: RecoverySnapshot[] = [];
    const from = range.from ? Date.parse(range.from) : -Infinity;
    const to = range.to ? Date.parse(range.to) : Infinity;
    for (let at = this.lastSnapshotMs(), n = 0; n < 12; at -= SNAPSHOT_EVERY_MS, n += 1) {
      if (at < from || at > to) continue;
      const timestamp = new Date(at).toISOString();
      snapshots.push({ snapshotId: `pit-${sourceServerId.slice(-6)}${at}`, sourceServerId, expectedTimestamp: timestamp, timestamp });
    }
    return snapshots;
  }

  async launchConfigurations(sourceServerIds: string[]): Promise<Map<string, LaunchConfigurationFacts>> {
    await this.call('DRS.GetLaunchConfiguration');
    return new Map(sourceServerIds.map((serverId) => [serverId, { serverId, exists: true, problems: [] }]));
  }

  async activeJobs(): Promise<ActiveJob[]> {
    await this.call('DRS.DescribeJobs(active)');
    return this.created
      .filter((job) => this.statusOf(job) !== 'COMPLETED')
      .map((job) => ({ jobId: job.jobId, type: 'LAUNCH', serverIds: job.servers.map((server) => server.serverId) }));
  }

  async terminateRecoveryInstances(recoveryInstanceIds: string[]): Promise<string[]> {
    await this.call('DRS.TerminateRecoveryInstances');
    this.settleInstances();
    const terminating = recoveryInstanceIds.filter((id) => this.instances.get(id)?.goneAt !== undefined && this.listed(id));
    if (terminating.length) {
      throw new RecoveryJobsError('ConflictException', `Recovery instances already terminating: ${terminating.join(', ')}`, false);
    }
    for (const id of recoveryInstanceIds) {
      const instance = this.instances.get(id);
      if (instance) {
        instance.facts.ec2InstanceState = 'SHUTTING-DOWN';
        instance.goneAt = this.scheduler.nowMs + this.random.int(30, 180) * 1000;
      }
    }
    this.jobsCreated += 1;
    return [`drsjob-${String(this.jobsCreated).padStart(17, '0')}`];
  }

  async describeRecoveryInstances(recoveryInstanceIds: string[]): Promise<Map<string, RecoveryInstanceFacts>> {
    await this.call('DRS.DescribeRecoveryInstances');
    this.settleInstances();
    const found = new Map<string, RecoveryInstanceFacts>();
    for (const id of recoveryInstanceIds) {
      const instance = this.instances.get(id);
      if (instance && this.listed(id)) found.set(id, structuredClone(instance.facts));
    }
    return found;
  }

  async recoveryInstancesOfServers(sourceServerIds: string[]): Promise<RecoveryInstanceFacts[]> {
    await this.call('DRS.DescribeRecoveryInstances(servers)');
    this.settleInstances();
    return [...this.instances.entries()]
      .filter(([id, instance]) => this.listed(id) && sourceServerIds.includes(instance.facts.sourceServerId))
      .map(([, instance]) => structuredClone(instance.facts));
  }

  /** Recovery instances DRS still lists (not terminated and gone) that jobs of this execution launched. */
  remainingInstancesOf(executionId: string): string[] {
    this.settleInstances();
    const jobs = new Set(this.created.filter((job) => job.tags['drs-ledger:executionId'] === executionId).map((job) => job.jobId));
    return [...this.instances.entries()]
      .filter(([id, instance]) => this.listed(id) && instance.facts.jobId !== undefined && jobs.has(instance.facts.jobId))
      .map(([id]) => id);
  }

  private listed(id: string): boolean {
    const goneAt = this.instances.get(id)?.goneAt;
    return goneAt === undefined || goneAt > this.scheduler.nowMs;
  }

  /** Launched servers get their recovery instances as simulated time reaches their launch. */
  private settleInstances(): void {
    for (const job of this.created) {
      for (const server of job.servers) {
        if (server.fails || server.settlesAt > this.scheduler.nowMs || this.instances.has(server.recoveryInstanceId)) continue;
        this.instances.set(server.recoveryInstanceId, {
          facts: {
            recoveryInstanceId: server.recoveryInstanceId,
            sourceServerId: server.serverId,
            ec2InstanceState: 'RUNNING',
            isDrill: job.isDrill,
            jobId: job.jobId,
            pointInTime: new Date(this.lastSnapshotMs(job.createdAtMs)).toISOString(),
          },
        });
      }
    }
  }

  private async call(label: string): Promise<void> {
    await this.scheduler.gate(label);
    if (this.scheduler.faultsOn && this.random.chance(this.faults.throttle)) {
      throw new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true, 2);
    }
  }

  private activeLaunch(serverId: string): boolean {
    return this.created.some((job) => this.statusOf(job) !== 'COMPLETED' && job.servers.some((server) => server.serverId === serverId));
  }

  private launchOf(server: SimServer, job: SimJob): LaunchStatus {
    const now = this.scheduler.nowMs;
    if (now < job.createdAtMs + PENDING_MS) return 'PENDING';
    if (now < server.settlesAt) return 'IN_PROGRESS';
    return server.fails ? 'FAILED' : 'LAUNCHED';
  }

  private statusOf(job: SimJob): DrsJobStatus {
    const now = this.scheduler.nowMs;
    if (now < job.createdAtMs + PENDING_MS) return 'PENDING';
    return job.servers.every((server) => server.settlesAt <= now) ? 'COMPLETED' : 'STARTED';
  }

  private answer(job: SimJob): RecoveryJob {
    this.settleInstances();
    const servers = job.servers.map((server): ServerObservation => {
      const launchStatus = this.launchOf(server, job);
      return {
        serverId: server.serverId,
        launchStatus,
        ...(launchStatus === 'LAUNCHED' ? { recoveryInstanceId: server.recoveryInstanceId } : {}),
        ...(launchStatus === 'FAILED' ? { failureReason: 'Simulated launch failure' } : {}),
      };
    });
    return {
      jobId: job.jobId,
      status: this.statusOf(job),
      servers,
      tags: { ...job.tags },
      createdAt: new Date(job.createdAtMs).toISOString(),
    };
  }

  private lastSnapshotMs(atMs = this.scheduler.nowMs): number {
    return Math.floor((atMs - 60_000) / SNAPSHOT_EVERY_MS) * SNAPSHOT_EVERY_MS;
  }
}
