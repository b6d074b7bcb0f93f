import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeSourceServersCommand,
  type DrsClient,
  paginateDescribeSourceServers,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
  ValidationException,
} from '@aws-sdk/client-drs';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { type DrsEmulator, startDrsEmulator, QUICK_TIMINGS } from '../../../src/local/emulators/drs';
import { drsClient, rejectionOf, serverId } from './support';

const A = serverId(1);
const B = serverId(2);

describe('DRS emulator: a job from start to end, through the real DrsClient', () => {
  let clock: ManualClock;
  let emulator: DrsEmulator;
  let drs: DrsClient;

  beforeEach(async () => {
    clock = manualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
    emulator = await startDrsEmulator({
      timings: QUICK_TIMINGS,
      clock: clock.now,
      sourceServers: [
        { sourceServerID: A, hostname: 'app-01.example.internal' },
        { sourceServerID: B, hostname: 'db-01.example.internal' },
      ],
    });
    drs = drsClient(emulator.endpoint, { maxAttempts: 1 });
  });

  afterEach(async () => {
    drs.destroy();
    await emulator.close();
  });

  const describeJob = async (jobID: string) => {
    const { items } = await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [jobID] } }));
    expect(items).toHaveLength(1);
    return items![0]!;
  };

  it('moves PENDING -> STARTED -> COMPLETED while servers go PENDING -> IN_PROGRESS -> LAUNCHED', async () => {
    const started = await drs.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: [{ sourceServerID: A }, { sourceServerID: B }],
        tags: { purpose: 'drill' },
      }),
    );
    expect(started.$metadata.httpStatusCode).toBe(202);
    const job = started.job!;
    expect(job.jobID).toMatch(/^drsjob-[0-9a-f]{17}$/);
    expect(job).toMatchObject({
      type: 'LAUNCH',
      initiatedBy: 'START_DRILL',
      status: 'PENDING',
      creationDateTime: '2025-06-01T12:00:00.000Z',
      tags: { purpose: 'drill' },
      participatingServers: [
        { sourceServerID: A, launchStatus: 'PENDING' },
        { sourceServerID: B, launchStatus: 'PENDING' },
      ],
    });
    expect(job.arn).toBe(`arn:aws:drs:us-east-1:000000000000:job/${job.jobID}`);

    clock.advance(4_999);
    expect((await describeJob(job.jobID!)).status).toBe('PENDING');

    clock.advance(1); // 5 s: PENDING is over
    const running = await describeJob(job.jobID!);
    expect(running.status).toBe('STARTED');
    expect(running.participatingServers!.map((s) => s.launchStatus)).toEqual(['IN_PROGRESS', 'IN_PROGRESS']);
    expect(running.participatingServers!.every((s) => s.recoveryInstanceID === undefined)).toBe(true);
    expect((await drs.send(new DescribeRecoveryInstancesCommand({}))).items).toEqual([]);

    clock.advance(40_000); // 45 s: every server (10-40 s each) has launched
    const done = await describeJob(job.jobID!);
    expect(done.status).toBe('COMPLETED');
    expect(done.participatingServers!.map((s) => s.launchStatus)).toEqual(['LAUNCHED', 'LAUNCHED']);
    for (const server of done.participatingServers!) expect(server.recoveryInstanceID).toMatch(/^i-[0-9a-f]{17}$/);
    expect(Date.parse(done.endDateTime!)).toBeGreaterThan(Date.parse(done.creationDateTime!));
    expect(Date.parse(done.endDateTime!)).toBeLessThanOrEqual(clock.now());

    const instances = (await drs.send(new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [A] } }))).items!;
    expect(instances).toHaveLength(1);
    expect(instances[0]).toMatchObject({
      recoveryInstanceID: done.participatingServers![0]!.recoveryInstanceID,
      sourceServerID: A,
      isDrill: true,
      jobID: job.jobID,
      ec2InstanceState: 'RUNNING',
    });

    const log = (await drs.send(new DescribeJobLogItemsCommand({ jobID: job.jobID! }))).items!;
    expect(log[0]!.event).toBe('JOB_START');
    expect(log[log.length - 1]!.event).toBe('JOB_END');
    expect(
      log
        .filter((item) => item.event === 'LAUNCH_START')
        .map((item) => item.eventData!.sourceServerID)
        .sort(),
    ).toEqual([A, B]);
  });

  it('takes the same time for the same server, 10 to 40 s, and runs `speed` times faster', async () => {
    const first = (await drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: A }] }))).job!;
    expect(first.initiatedBy).toBe('START_RECOVERY');
    clock.advance(60_000);
    const firstDone = await describeJob(first.jobID!);
    const firstLength = Date.parse(firstDone.endDateTime!) - Date.parse(firstDone.creationDateTime!);
    expect(firstLength).toBeGreaterThanOrEqual(15_000);
    expect(firstLength).toBeLessThanOrEqual(45_000);

    emulator.setSpeed(60);
    const second = (await drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: A }] }))).job!;
    clock.advance(Math.ceil(firstLength / 60) - 10);
    expect((await describeJob(second.jobID!)).status).toBe('STARTED');
    clock.advance(10);
    const secondDone = await describeJob(second.jobID!);
    expect(secondDone.status).toBe('COMPLETED');
    expect(Date.parse(secondDone.endDateTime!) - Date.parse(secondDone.creationDateTime!)).toBe(Math.floor(firstLength / 60));
  });

  it('reports source servers with their hostname, page by page', async () => {
    const all = [];
    for await (const page of paginateDescribeSourceServers({ client: drs, pageSize: 1 }, {})) all.push(...(page.items ?? []));
    expect(all.map((s) => [s.sourceServerID, s.sourceProperties?.identificationHints?.hostname])).toEqual([
      [A, 'app-01.example.internal'],
      [B, 'db-01.example.internal'],
    ]);
    const one = await drs.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [B, serverId(99)] } }));
    expect(one.items!.map((s) => s.sourceServerID)).toEqual([B]);
    expect(one.items![0]!.lastLaunchResult).toBe('NOT_STARTED');
  });

  it('terminates recovery instances with a TERMINATE job', async () => {
    const job = (await drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: A }] }))).job!;
    clock.advance(45_000);
    const instanceId = (await describeJob(job.jobID!)).participatingServers![0]!.recoveryInstanceID!;

    const terminate = await drs.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: [instanceId] }));
    expect(terminate.$metadata.httpStatusCode).toBe(200);
    expect(terminate.job).toMatchObject({
      type: 'TERMINATE',
      initiatedBy: 'TERMINATE_RECOVERY_INSTANCES',
      status: 'PENDING',
      participatingServers: [{ sourceServerID: A, recoveryInstanceID: instanceId, launchStatus: 'PENDING' }],
    });
    clock.advance(6_000);
    const shuttingDown = (await drs.send(new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [instanceId] } }))).items!;
    expect(shuttingDown[0]!.ec2InstanceState).toBe('SHUTTING-DOWN');

    clock.advance(10_000);
    const ended = await describeJob(terminate.job!.jobID!);
    expect(ended.status).toBe('COMPLETED');
    expect(ended.participatingServers![0]!.launchStatus).toBe('TERMINATED');
    const terminated = (await drs.send(new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [instanceId] } }))).items!;
    expect(terminated[0]).toMatchObject({ ec2InstanceState: 'TERMINATED', isDrill: true, jobID: job.jobID });
    const log = (await drs.send(new DescribeJobLogItemsCommand({ jobID: terminate.job!.jobID! }))).items!;
    expect(log.map((item) => item.event)).toEqual(['JOB_START', 'CLEANUP_START', 'CLEANUP_END', 'JOB_END']);

    const unknown = await rejectionOf(drs.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: ['i-00000000000000000'] })));
    expect(unknown).toBeInstanceOf(ValidationException);
  });

  it('validates requests as DRS does', async () => {
    const empty = await rejectionOf(drs.send(new StartRecoveryCommand({ sourceServers: [] })));
    expect(empty).toBeInstanceOf(ValidationException);
    expect(empty.$metadata.httpStatusCode).toBe(400);
    expect(empty.message).toMatch(/sourceServers/);
    expect(empty.fieldList).toEqual([expect.objectContaining({ name: 'sourceServers' })]);

    const tooMany = Array.from({ length: 201 }, (_, i) => ({ sourceServerID: serverId(i + 1) }));
    expect(await rejectionOf(drs.send(new StartRecoveryCommand({ sourceServers: tooMany })))).toBeInstanceOf(ValidationException);

    const badId = await rejectionOf(drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: 's-short' }] })));
    expect(badId).toBeInstanceOf(ValidationException);
    expect(badId.message).toMatch(/sourceServers\.1\.sourceServerID/);

    const unknown = await rejectionOf(drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: serverId(42) }] })));
    expect(unknown).toBeInstanceOf(ValidationException);
    expect(unknown.message).toContain(serverId(42));

    const badDate = await rejectionOf(drs.send(new DescribeJobsCommand({ filters: { fromDate: 'yesterday' } })));
    expect(badDate).toBeInstanceOf(ValidationException);
    const badJobId = await rejectionOf(drs.send(new DescribeJobsCommand({ filters: { jobIDs: ['job-1'] } })));
    expect(badJobId).toBeInstanceOf(ValidationException);
    const badToken = await rejectionOf(drs.send(new DescribeJobsCommand({ nextToken: 'garbage' })));
    expect(badToken).toBeInstanceOf(ValidationException);
    expect(emulator.jobs()).toHaveLength(0);
  });
});
