import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  StartRecoveryCommand,
} from '@aws-sdk/client-drs';
import { useDrsRig, getJson, postJson, serverId } from './support';

const [A, B, C] = [1, 2, 3].map(serverId) as [string, string, string];

const CREATED = Date.UTC(2025, 5, 1, 12, 0, 0);
const COMPLETED_AT = '2025-06-01T12:00:45.000Z';

describe('DRS emulator: a COMPLETED job whose servers still read PENDING or IN_PROGRESS', () => {
  const rig = useDrsRig([A, B, C], CREATED);

  const start = async (ids: string[]) =>
    (await rig.drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) })))
      .job!;
  const describeJob = async (jobID: string) => (await rig.drs.send(new DescribeJobsCommand({ filters: { jobIDs: [jobID] } }))).items![0]!;
  const launchStatuses = async (jobID: string) =>
    Object.fromEntries(
      (await describeJob(jobID)).participatingServers!.map((s) => [s.sourceServerID!, [s.launchStatus, s.recoveryInstanceID]]),
    );

  it('reports COMPLETED with endDateTime while a lagging server reads IN_PROGRESS, then LAUNCHED after the lag', async () => {
    rig.emulator.faults.apply({ lagServers: [{ sourceServerID: B, lagSeconds: 30 }] });
    const job = await start([A, B]);

    rig.clock.advance(44_999);
    const running = await describeJob(job.jobID!);
    expect(running.status).toBe('STARTED');
    expect(running.endDateTime).toBeUndefined(); // DRS sets it only once the job has ended

    rig.clock.advance(1); // 45 s: the job is COMPLETED, B still reads IN_PROGRESS
    const completed = await describeJob(job.jobID!);
    expect(completed).toMatchObject({ status: 'COMPLETED', endDateTime: COMPLETED_AT });
    expect(await launchStatuses(job.jobID!)).toEqual({ [A]: ['LAUNCHED', expect.any(String)], [B]: ['IN_PROGRESS', undefined] });
    expect((await rig.drs.send(new DescribeRecoveryInstancesCommand({}))).items!.map((i) => i.sourceServerID)).toEqual([A]);

    rig.clock.advance(29_999);
    expect((await launchStatuses(job.jobID!))[B]).toEqual(['IN_PROGRESS', undefined]);
    rig.clock.advance(1); // 30 s after COMPLETED
    const settled = await describeJob(job.jobID!);
    expect(settled).toMatchObject({ status: 'COMPLETED', endDateTime: COMPLETED_AT });
    expect(settled.participatingServers!.find((s) => s.sourceServerID === B)).toMatchObject({
      launchStatus: 'LAUNCHED',
      recoveryInstanceID: expect.stringMatching(/^i-/),
    });
    expect((await rig.drs.send(new DescribeRecoveryInstancesCommand({}))).items!.map((i) => i.sourceServerID).sort()).toEqual([A, B]);
  });

  it('reads PENDING throughout when asked, then FAILED; the failure is logged when it happened, before JOB_END', async () => {
    await postJson(`${rig.emulator.endpoint}/__emulator/faults`, {
      lagServers: [{ sourceServerID: C, lagSeconds: 10, launchStatus: 'PENDING', times: 1 }],
      failServers: [{ sourceServerID: C, stage: 'CONVERSION', reason: 'conversion server could not attach the volume' }],
    });
    expect((await getJson(`${rig.emulator.endpoint}/__emulator/faults`)).lagServers).toEqual([
      { sourceServerID: C, lagSeconds: 10, launchStatus: 'PENDING', times: 1 },
    ]);
    const job = await start([A, C]);

    rig.clock.advance(20_000);
    expect(await launchStatuses(job.jobID!)).toEqual({ [A]: ['IN_PROGRESS', undefined], [C]: ['PENDING', undefined] });
    rig.clock.advance(25_000); // COMPLETED at 45 s
    expect((await describeJob(job.jobID!)).status).toBe('COMPLETED');
    expect((await launchStatuses(job.jobID!))[C]).toEqual(['PENDING', undefined]);
    rig.clock.advance(10_000);
    expect((await launchStatuses(job.jobID!))[C]).toEqual(['FAILED', undefined]);

    const log = (await rig.drs.send(new DescribeJobLogItemsCommand({ jobID: job.jobID! }))).items!;
    const failure = log.findIndex((item) => item.event === 'CONVERSION_FAIL');
    expect(log[failure]).toMatchObject({
      logDateTime: '2025-06-01T12:00:29.000Z',
      eventData: { sourceServerID: C, rawError: 'conversion server could not attach the volume' },
    });
    expect(failure).toBeLessThan(log.findIndex((item) => item.event === 'JOB_END'));

    // `times: 1`: the next job of C neither lags nor (the failure was for every launch) succeeds.
    const next = await start([C]);
    rig.clock.advance(45_000);
    expect(await launchStatuses(next.jobID!)).toEqual({ [C]: ['FAILED', undefined] });
  });

  it('frees a lagging server for a new job once its job is COMPLETED (busy means in a job not COMPLETED)', async () => {
    rig.emulator.faults.apply({ lagServers: [{ sourceServerID: A, lagSeconds: 60 }] });
    const first = await start([A]);
    rig.clock.advance(45_000);
    expect((await launchStatuses(first.jobID!))[A]).toEqual(['IN_PROGRESS', undefined]);
    expect((await start([A])).status).toBe('PENDING');
  });

  it('stops lagging a healed server', async () => {
    rig.emulator.faults.apply({ lagServers: [{ sourceServerID: A, lagSeconds: 60 }] });
    rig.emulator.faults.apply({ healServers: [A] });
    const job = await start([A]);
    rig.clock.advance(45_000);
    expect((await launchStatuses(job.jobID!))[A]).toEqual(['LAUNCHED', expect.any(String)]);
    const bad = await fetch(`${rig.emulator.endpoint}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ lagServers: [{ sourceServerID: A, lagSeconds: -1 }] }),
    });
    expect(bad.status).toBe(400);
    await bad.text();
  });
});
