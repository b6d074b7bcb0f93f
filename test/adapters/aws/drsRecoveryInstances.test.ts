import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { type DrsEmulator, startDrsEmulator, startStsEmulator, type StsEmulator } from '../../../src/local/emulators';
import type { DrsAccount } from '../../../src/ports/recoveryJobs';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';

const serverId = (n: number): string => `s-${String(n).padStart(17, '0')}`;
const [A, B] = [1, 2].map(serverId) as [string, string];
const START = Date.UTC(2025, 5, 1, 12, 0, 0);
// A launch: PENDING 5 s, LAUNCH stage from 29 s, launched at 45 s. A termination: PENDING 5 s, then 10 s.
const TIMINGS = { pendingSeconds: 5, launchMinSeconds: 40, launchMaxSeconds: 40, terminateSeconds: 10 };

const failureOf = async (promise: Promise<unknown>): Promise<RecoveryJobsError> => {
  try {
    await promise;
  } catch (error) {
    return error as RecoveryJobsError;
  }
  throw new Error('expected a rejection');
};

describe('DrsRecoveryJobs recovery instances (DRS emulator, real DrsClient)', () => {
  let clock: ManualClock;
  let drs: DrsEmulator;
  let jobs: DrsRecoveryJobs;
  const many = Array.from({ length: 250 }, (_, index) => serverId(index + 1));

  beforeEach(async () => {
    clock = manualClock(START);
    drs = await startDrsEmulator({
      clock: clock.now,
      timings: TIMINGS,
      sourceServers: many.map((sourceServerID, index) => ({ sourceServerID, hostname: `host-${index}` })),
    });
    jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint }));
  });
  afterEach(() => drs.close());

  /** Launches the servers, 100 a job (DRS's quota), and lets every job finish. */
  const launchAll = async (ids: string[]) => {
    for (let start = 0; start < ids.length; start += 100) {
      await jobs.startRecovery({ isDrill: true, sourceServerIds: ids.slice(start, start + 100), tags: {} });
    }
    clock.advance(45_000);
  };

  it('finds every instance of 250 servers, by server and by instance id, across batches and pages', async () => {
    await launchAll(many);
    // The first 100 servers launched again: 300 instances for the first batch of 200 servers, two pages.
    await launchAll(many.slice(0, 100));
    drs.stats.reset();
    const byServer = await jobs.recoveryInstancesOfServers(many);
    expect(byServer).toHaveLength(350);
    expect(drs.stats.snapshot().calls.DescribeRecoveryInstances).toBe(3);
    expect(new Set(byServer.map((instance) => instance.sourceServerId))).toEqual(new Set(many));
    expect(byServer.find((instance) => instance.sourceServerId === many[249])).toEqual({
      recoveryInstanceId: expect.stringMatching(/^i-/),
      sourceServerId: expect.any(String),
      ec2InstanceState: 'RUNNING',
      isDrill: true,
      jobId: expect.stringMatching(/^drsjob-/),
      pointInTime: '2025-06-01T12:00:00.000Z',
    });

    const ids = byServer.map((instance) => instance.recoveryInstanceId);
    drs.stats.reset();
    const byId = await jobs.describeRecoveryInstances([...ids, 'i-00000000000000000']);
    expect(byId.size).toBe(350);
    expect(byId.has('i-00000000000000000')).toBe(false);
    expect(drs.stats.snapshot().calls.DescribeRecoveryInstances).toBe(2); // 200 + 151 ids, one page each
  });

  it('terminates 100 instances a call and follows them until DRS no longer lists them', async () => {
    await launchAll(many);
    const ids = (await jobs.recoveryInstancesOfServers(many)).map((instance) => instance.recoveryInstanceId);
    const terminateJobs = await jobs.terminateRecoveryInstances([...ids, ids[0]!]);
    expect(terminateJobs).toHaveLength(3);
    expect(drs.stats.snapshot().calls.TerminateRecoveryInstances).toBe(3);
    expect(new Set((await jobs.activeJobs()).map((job) => job.type))).toEqual(new Set(['TERMINATE']));

    const states = async () =>
      new Set([...(await jobs.describeRecoveryInstances(ids)).values()].map((instance) => instance.ec2InstanceState));
    expect(await states()).toEqual(new Set(['SHUTTING-DOWN']));
    clock.advance(15_000);
    expect(await states()).toEqual(new Set(['TERMINATED']));
    clock.advance(60_000);
    expect((await jobs.describeRecoveryInstances(ids)).size).toBe(0);
    expect(await jobs.recoveryInstancesOfServers(many)).toEqual([]);
  });

  it('reports an instance whose termination failed as still running', async () => {
    await launchAll([A, B]);
    const [a, b] = (await jobs.recoveryInstancesOfServers([A, B])).sort((x, y) => (x.sourceServerId < y.sourceServerId ? -1 : 1));
    drs.faults.apply({ failTerminations: { count: 1, recoveryInstanceIDs: [b!.recoveryInstanceId] } });
    const [jobId] = await jobs.terminateRecoveryInstances([a!.recoveryInstanceId, b!.recoveryInstanceId]);
    clock.advance(15_000);
    const described = await jobs.describeJobs([jobId!]);
    expect(described.get(jobId!)!.servers.map((server) => [server.serverId, server.launchStatus])).toEqual([
      [A, 'TERMINATED'],
      [B, 'FAILED'],
    ]);
    const after = await jobs.describeRecoveryInstances([a!.recoveryInstanceId, b!.recoveryInstanceId]);
    expect(after.get(a!.recoveryInstanceId)!.ec2InstanceState).toBe('TERMINATED');
    expect(after.get(b!.recoveryInstanceId)!.ec2InstanceState).toBe('RUNNING');
  });

  it('waits, retryably, to terminate an instance DRS is still launching', async () => {
    await jobs.startRecovery({ isDrill: true, sourceServerIds: [A], tags: {} });
    clock.advance(30_000);
    const [pending] = await jobs.recoveryInstancesOfServers([A]);
    expect(pending!.ec2InstanceState).toBe('PENDING');
    const refused = await failureOf(jobs.terminateRecoveryInstances([pending!.recoveryInstanceId]));
    expect(refused).toBeInstanceOf(RecoveryJobsError);
    expect(refused).toMatchObject({ code: 'ConflictException', retryable: true });
  });

  it('launches each server from the snapshot the start names, and its instance says so', async () => {
    drs.setSnapshots(A, [
      { snapshotID: 'pit-0000000000000000a', expectedTimestamp: '2025-06-01T09:00:00Z', timestamp: '2025-06-01T09:00:07Z' },
    ]);
    drs.setReplication(B, { state: 'CONTINUOUS', lagSeconds: 120 });
    await jobs.startRecovery({ isDrill: true, sourceServerIds: [A, B], tags: {}, recoverySnapshotIds: { [A]: 'pit-0000000000000000a' } });
    clock.advance(45_000);
    const instances = await jobs.recoveryInstancesOfServers([A, B]);
    expect(Object.fromEntries(instances.map((instance) => [instance.sourceServerId, instance.pointInTime]))).toEqual({
      [A]: '2025-06-01T09:00:07.000Z',
      [B]: '2025-06-01T11:58:00.000Z', // the latest data: launch time less the lag
    });

    const refused = await failureOf(
      jobs.startRecovery({ isDrill: true, sourceServerIds: [B], tags: {}, recoverySnapshotIds: { [B]: 'pit-0000000000000000z' } }),
    );
    expect(refused).toMatchObject({ code: 'ValidationException', retryable: false });
  });
});

describe('DrsRecoveryJobs readiness and cleanup in another account (DRS and STS emulators)', () => {
  const ACCOUNT: DrsAccount = {
    accountId: '210987654321',
    region: 'eu-west-1',
    roleName: 'DRSOrchestrationRole',
    externalId: 'ext-123',
    onBehalfOf: 'exec-0001',
  };
  let drs: DrsEmulator;
  let sts: StsEmulator;

  beforeEach(async () => {
    drs = await startDrsEmulator({ timings: TIMINGS, sourceServers: [{ sourceServerID: A, hostname: 'app-01' }] });
    sts = await startStsEmulator();
  });
  afterEach(async () => {
    await drs.close();
    await sts.close();
  });

  it("signs every new call with the target account's assumed role", async () => {
    sts.trustRole({ roleArn: 'arn:aws:iam::210987654321:role/DRSOrchestrationRole', externalId: 'ext-123' });
    const jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint, STS_ENDPOINT: sts.endpoint }));
    await jobs.replication([A], ACCOUNT);
    await jobs.recoverySnapshots(A, {}, ACCOUNT);
    await jobs.launchConfigurations([A], ACCOUNT);
    await jobs.activeJobs(ACCOUNT);
    await jobs.describeRecoveryInstances(['i-00000000000000001'], ACCOUNT);
    await jobs.recoveryInstancesOfServers([A], ACCOUNT);
    expect(await failureOf(jobs.terminateRecoveryInstances(['i-00000000000000001'], ACCOUNT))).toMatchObject({
      code: 'ValidationException',
    });

    const [issued] = sts.issued();
    expect(Object.keys(drs.stats.snapshot().callers)).toEqual([issued!.accessKeyId]);
    expect(drs.stats.snapshot().callers[issued!.accessKeyId]).toEqual({
      DescribeSourceServers: 1,
      DescribeRecoverySnapshots: 2,
      GetLaunchConfiguration: 1,
      DescribeJobs: 1,
      DescribeRecoveryInstances: 2,
      TerminateRecoveryInstances: 1,
    });
  });
});
