import type { DrsJobStatus, LaunchStatus, SourceOrigin } from '../../../src/domain/execution';
import {
  type ActiveJob,
  type DrsAccount,
  type LaunchConfigurationFacts,
  type RecoveryInstanceFacts,
  type RecoveryJob,
  type RecoveryJobs,
  RecoveryJobsError,
  type RecoverySnapshot,
  type ReplicationFacts,
  type StartRecoveryRequest,
} from '../../../src/ports/recoveryJobs';

/**
 * DRS as the RecoveryJobs port sees it, in memory and scripted by the test: StartRecovery creates a job
 * (every server PENDING, tagged, created now), DescribeJobs answers the known jobs, tags find them again,
 * and the test moves jobs on (`progress`, `launchAll`) or makes the next start fail. Every answer is a copy.
 */
export class FakeRecoveryJobs implements RecoveryJobs {
  readonly calls = {
    startRecovery: [] as Array<{ request: StartRecoveryRequest; account?: DrsAccount }>,
    describeJobs: [] as string[][],
    /** Where each DescribeJobs acted, in call order (undefined: the home account). */
    describeJobsAccounts: [] as Array<DrsAccount | undefined>,
    /** The jobs whose failure reasons each DescribeJobs was to read from their logs (undefined: all). */
    describeJobsReasonsOf: [] as Array<readonly string[] | undefined>,
    findJobsByTags: [] as Array<Record<string, string>>,
    hostnames: [] as string[][],
    sourceOrigins: [] as string[][],
    replication: [] as string[][],
    terminateRecoveryInstances: [] as string[][],
    describeRecoveryInstances: [] as string[][],
  };
  /** Scripted readiness: servers absent here replicate CONTINUOUSLY with no lag and a complete launch configuration. */
  readonly replicationOf = new Map<string, ReplicationFacts | 'UNKNOWN'>();
  readonly launchConfigurationOf = new Map<string, LaunchConfigurationFacts>();
  /** Each server's snapshots (any order); servers absent here have one taken a minute before `now`. */
  readonly snapshotsOf = new Map<string, RecoverySnapshot[]>();
  readonly otherActiveJobs: ActiveJob[] = [];
  /** Recovery instances launched (by progress/launchAll) and not yet gone. */
  readonly instances = new Map<string, RecoveryInstanceFacts>();
  private readonly terminateFailures: Error[] = [];
  private readonly describeInstanceFailures: Error[] = [];
  /** What each job was started with. */
  private readonly requestOf = new Map<string, StartRecoveryRequest>();
  /** Terminations DRS accepted but that leave the instances in place (a TERMINATE job that fails). */
  private ignoredTerminations = 0;
  /** Terminations leave their instances SHUTTING-DOWN until `finishTerminations` (a TERMINATE job in progress). */
  private slow = false;
  /** StartRecoveries whose answer is lost: DRS creates the job, the caller sees a timeout. */
  private lostStarts = 0;
  private readonly beforeTerminate: Array<() => Promise<void>> = [];
  private readonly jobs = new Map<string, RecoveryJob>();
  private readonly startFailures: Error[] = [];
  private readonly describeFailures: Error[] = [];
  private readonly throttledCallers = new Set<string>();
  private readonly findFailures: Error[] = [];
  private readonly partFailures = new Map<string, Error>();
  private created = 0;
  private origins: SourceOrigin[] | Error | undefined;

  constructor(private readonly now: () => string) {}

  async startRecovery(request: StartRecoveryRequest, account?: DrsAccount): Promise<RecoveryJob> {
    this.calls.startRecovery.push({ request: structuredClone(request), ...(account ? { account } : {}) });
    const failure = this.startFailures.shift() ?? this.partFailures.get(request.tags['drs-ledger:part'] ?? '1');
    if (failure) throw failure;
    this.created += 1;
    const job: RecoveryJob = {
      jobId: `drsjob-${String(this.created).padStart(17, '0')}`,
      status: 'PENDING',
      servers: request.sourceServerIds.map((serverId) => ({ serverId, launchStatus: 'PENDING' })),
      tags: { ...request.tags },
      createdAt: this.now(),
    };
    this.jobs.set(job.jobId, job);
    this.requestOf.set(job.jobId, structuredClone(request));
    if (this.lostStarts > 0) {
      this.lostStarts -= 1;
      throw new RecoveryJobsError('TimeoutError', 'StartRecovery timed out', true);
    }
    return structuredClone(job);
  }

  async describeJobs(
    jobIds: string[],
    account?: DrsAccount,
    options: { reasonsOf?: readonly string[] } = {},
  ): Promise<Map<string, RecoveryJob>> {
    this.calls.describeJobs.push([...jobIds]);
    this.calls.describeJobsAccounts.push(account && { ...account });
    this.calls.describeJobsReasonsOf.push(options.reasonsOf && [...options.reasonsOf]);
    if (account && this.throttledCallers.has(account.onBehalfOf))
      throw new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true, 2);
    const failure = this.describeFailures.shift();
    if (failure) throw failure;
    const found = new Map<string, RecoveryJob>();
    for (const jobId of jobIds) {
      const job = this.jobs.get(jobId);
      if (job) found.set(jobId, structuredClone(job));
    }
    return found;
  }

  /** Newest first, as DescribeJobs lists them. */
  async findJobsByTags(tags: Record<string, string>, since: string): Promise<RecoveryJob[]> {
    this.calls.findJobsByTags.push({ ...tags });
    const failure = this.findFailures.shift();
    if (failure) throw failure;
    return [...this.jobs.values()]
      .filter((job) => (job.createdAt ?? '') >= since && Object.entries(tags).every(([key, value]) => job.tags[key] === value))
      .reverse()
      .map((job) => structuredClone(job));
  }

  async hostnames(sourceServerIds: string[]): Promise<Map<string, string>> {
    this.calls.hostnames.push([...sourceServerIds]);
    return new Map(sourceServerIds.map((serverId) => [serverId, `host-${serverId.slice(-4)}.corp.invalid`]));
  }

  /** Every server in one account and Region, as a cross-Region DR setup has them, unless the test said otherwise. */
  async sourceOrigins(sourceServerIds: string[]): Promise<SourceOrigin[]> {
    this.calls.sourceOrigins.push([...sourceServerIds]);
    if (this.origins instanceof Error) throw this.origins;
    return this.origins
      ? structuredClone(this.origins)
      : [{ accountId: '111122223333', region: 'us-west-2', servers: new Set(sourceServerIds).size }];
  }

  /** What DescribeSourceServers says of where the servers run from now on: these groups, or this error. */
  reportOrigins(origins: SourceOrigin[] | Error): void {
    this.origins = origins;
  }

  async replication(sourceServerIds: string[]): Promise<Map<string, ReplicationFacts>> {
    this.calls.replication.push([...sourceServerIds]);
    const found = new Map<string, ReplicationFacts>();
    for (const serverId of sourceServerIds) {
      const scripted = this.replicationOf.get(serverId);
      if (scripted === 'UNKNOWN') continue;
      found.set(serverId, structuredClone(scripted ?? { serverId, state: 'CONTINUOUS', lagSeconds: 0, lastSnapshotAt: this.minuteAgo() }));
    }
    return found;
  }

  async recoverySnapshots(sourceServerId: string, range: { from?: string; to?: string }): Promise<RecoverySnapshot[]> {
    const all = this.snapshotsOf.get(sourceServerId) ?? this.defaultSnapshots(sourceServerId);
    const at = (snapshot: RecoverySnapshot) => snapshot.timestamp ?? snapshot.expectedTimestamp;
    return all
      .filter(
        (snapshot) => (range.from === undefined || at(snapshot) >= range.from) && (range.to === undefined || at(snapshot) <= range.to),
      )
      .sort((a, b) => at(b).localeCompare(at(a)))
      .map((snapshot) => structuredClone(snapshot));
  }

  async launchConfigurations(sourceServerIds: string[]): Promise<Map<string, LaunchConfigurationFacts>> {
    return new Map(
      sourceServerIds.map((serverId) => [
        serverId,
        structuredClone(this.launchConfigurationOf.get(serverId) ?? { serverId, exists: true, problems: [] }),
      ]),
    );
  }

  async activeJobs(): Promise<ActiveJob[]> {
    const ours = [...this.jobs.values()]
      .filter((job) => job.status !== 'COMPLETED')
      .map((job) => ({ jobId: job.jobId, type: 'LAUNCH', serverIds: job.servers.map((server) => server.serverId) }));
    return structuredClone([...ours, ...this.otherActiveJobs]);
  }

  async terminateRecoveryInstances(recoveryInstanceIds: string[]): Promise<string[]> {
    this.calls.terminateRecoveryInstances.push([...recoveryInstanceIds]);
    const failure = this.terminateFailures.shift();
    if (failure) throw failure;
    await this.beforeTerminate.shift()?.();
    // Like DRS: an instance a TERMINATE job is already ending cannot be asked for again.
    const terminating = recoveryInstanceIds.filter((id) => this.instances.get(id)?.ec2InstanceState === 'SHUTTING-DOWN');
    if (terminating.length) {
      throw new RecoveryJobsError('ConflictException', `Recovery instances already terminating: ${terminating.join(', ')}`, false);
    }
    this.created += 1;
    const jobId = `drsjob-${String(this.created).padStart(17, '0')}`;
    if (this.ignoredTerminations > 0) {
      this.ignoredTerminations -= 1;
      return [jobId];
    }
    for (const id of recoveryInstanceIds) {
      const instance = this.instances.get(id);
      if (this.slow && instance) instance.ec2InstanceState = 'SHUTTING-DOWN';
      else this.instances.delete(id);
    }
    return [jobId];
  }

  async describeRecoveryInstances(recoveryInstanceIds: string[]): Promise<Map<string, RecoveryInstanceFacts>> {
    this.calls.describeRecoveryInstances.push([...recoveryInstanceIds]);
    const failure = this.describeInstanceFailures.shift();
    if (failure) throw failure;
    const found = new Map<string, RecoveryInstanceFacts>();
    for (const id of recoveryInstanceIds) {
      const instance = this.instances.get(id);
      if (instance) found.set(id, structuredClone(instance));
    }
    return found;
  }

  /** The chosen snapshot's time when the start named one, else DRS's latest data: a minute before now. */
  private pointInTimeOf(serverId: string, request: StartRecoveryRequest | undefined): string {
    const snapshotId = request?.recoverySnapshotIds?.[serverId];
    const chosen = snapshotId ? this.snapshotsOf.get(serverId)?.find((snapshot) => snapshot.snapshotId === snapshotId) : undefined;
    return chosen?.timestamp ?? this.minuteAgo();
  }

  async recoveryInstancesOfServers(sourceServerIds: string[]): Promise<RecoveryInstanceFacts[]> {
    const wanted = new Set(sourceServerIds);
    return [...this.instances.values()]
      .filter((instance) => wanted.has(instance.sourceServerId))
      .map((instance) => structuredClone(instance));
  }

  /** DRS's point-in-time policy, roughly: the newest a minute ago, then one an hour back to a day. */
  private defaultSnapshots(sourceServerId: string): RecoverySnapshot[] {
    const newest = {
      snapshotId: `pit-${sourceServerId.slice(2)}`,
      sourceServerId,
      expectedTimestamp: this.minuteAgo(),
      timestamp: this.minuteAgo(),
    };
    const hourly = Array.from({ length: 24 }, (_, index) => {
      const at = new Date(Date.parse(this.now()) - (index + 1) * 3_600_000).toISOString();
      return { snapshotId: `pit-${sourceServerId.slice(2)}-h${index + 1}`, sourceServerId, expectedTimestamp: at, timestamp: at };
    });
    return [newest, ...hourly];
  }

  private minuteAgo(): string {
    return new Date(Date.parse(this.now()) - 60_000).toISOString();
  }

  // ---- what the test does to DRS ----

  /** The next TerminateRecoveryInstances fails with this error (in order, one each). */
  failNextTerminate(error: Error): void {
    this.terminateFailures.push(error);
  }

  /** The next DescribeRecoveryInstances fails with this error (in order, one each): by default DRS throttling. */
  failNextDescribeInstances(error: Error = new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true, 2)): void {
    this.describeInstanceFailures.push(error);
  }

  /** From now on terminations take time: their instances stay SHUTTING-DOWN until `finishTerminations`. */
  slowTerminations(): void {
    this.slow = true;
  }

  /** Every SHUTTING-DOWN instance is gone. */
  finishTerminations(): void {
    for (const [id, instance] of this.instances) if (instance.ec2InstanceState === 'SHUTTING-DOWN') this.instances.delete(id);
  }

  /** Runs before the next TerminateRecoveryInstances reaches DRS (another driver getting there first). */
  beforeNextTerminate(action: () => Promise<void>): void {
    this.beforeTerminate.push(action);
  }

  /** The next `count` terminations are accepted by DRS but leave their instances running. */
  ignoreNextTerminations(count = 1): void {
    this.ignoredTerminations += count;
  }

  /** The next StartRecovery creates its job in DRS, but its answer is lost: the caller gets a timeout. */
  loseNextStartAnswer(): void {
    this.lostStarts += 1;
  }

  /** The next StartRecovery fails with this error (in order, one each). */
  failNextStart(error: Error): void {
    this.startFailures.push(error);
  }

  /** Every StartRecovery of this part of a wave fails with this error. */
  failStartsOfPart(part: number, error: Error): void {
    this.partFailures.set(String(part), error);
  }

  /** The next search by tags (a ListJobs/DescribeJobs walk) fails with this error. */
  failNextFind(error: Error): void {
    this.findFailures.push(error);
  }

  /** The next DescribeJobs fails with this error: by default DRS throttling. */
  failNextDescribe(error: Error = new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true, 2)): void {
    this.describeFailures.push(error);
  }

  /** Every DescribeJobs made on behalf of `caller` (an assumed-role session's) is throttled from now on. */
  throttleDescribesOnBehalfOf(caller: string): void {
    this.throttledCallers.add(caller);
  }

  /** Every job started so far, oldest first. */
  startedJobs(): RecoveryJob[] {
    return [...this.jobs.values()].map((job) => structuredClone(job));
  }

  /** The job started for a wave (its first part by default). */
  jobOfWave(waveNumber: number, part = 1): RecoveryJob {
    const job = [...this.jobs.values()].find(
      (candidate) => candidate.tags['drs-ledger:wave'] === String(waveNumber) && candidate.tags['drs-ledger:part'] === String(part),
    );
    if (!job) throw new Error(`DRS has no job for wave ${waveNumber} part ${part}`);
    return structuredClone(job);
  }

  /** Moves a job on: its status, and each of its servers to `launchStatus` (a LAUNCHED server gets a recovery instance). */
  /** One server of a job moves on (no recovery instance: for statuses short of LAUNCHED). */
  progressServer(jobId: string, serverId: string, launchStatus: Exclude<LaunchStatus, 'LAUNCHED'>): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`DRS has no job ${jobId}`);
    job.servers = job.servers.map((server) => (server.serverId === serverId ? { serverId, launchStatus } : server));
  }

  progress(jobId: string, status: DrsJobStatus, launchStatus: LaunchStatus): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`DRS has no job ${jobId}`);
    job.status = status;
    job.servers = job.servers.map((server) => ({
      serverId: server.serverId,
      launchStatus,
      ...(launchStatus === 'LAUNCHED' ? { recoveryInstanceId: `i-${server.serverId.slice(2)}` } : {}),
    }));
    if (launchStatus !== 'LAUNCHED') return;
    const request = this.requestOf.get(jobId);
    for (const server of job.servers) {
      const id = server.recoveryInstanceId as string;
      if (this.instances.has(id)) continue;
      this.instances.set(id, {
        recoveryInstanceId: id,
        sourceServerId: server.serverId,
        ec2InstanceState: 'RUNNING',
        jobId,
        ...(request ? { isDrill: request.isDrill } : {}),
        pointInTime: this.pointInTimeOf(server.serverId, request),
      });
    }
  }

  /** The job COMPLETED with every server LAUNCHED. */
  launchAll(jobId: string): void {
    this.progress(jobId, 'COMPLETED', 'LAUNCHED');
  }
}
