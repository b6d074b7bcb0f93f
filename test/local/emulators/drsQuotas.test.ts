import {
  DescribeRecoveryInstancesCommand,
  ServiceQuotaExceededException,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
} from '@aws-sdk/client-drs';
import { DEFAULT_QUOTAS, startDrsEmulator } from '../../../src/local/emulators/drs';
import { useDrsRig, getJson, postJson, rejectionOf, serverId } from './support';

const SERVERS = Array.from({ length: 101 }, (_, i) => serverId(i + 1));
const [A, B, C, D] = SERVERS as [string, string, string, string];

describe('DRS emulator: the job quotas, refused as DRS refuses them', () => {
  const rig = useDrsRig(SERVERS);

  const start = (ids: string[]) =>
    rig.drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }));

  it("starts with the user guide's figures: 100 servers a job, 20 jobs and 500 servers in progress", async () => {
    expect(DEFAULT_QUOTAS).toEqual({ maxServersPerJob: 100, maxConcurrentJobs: 20, maxServersInActiveJobs: 500 });
    expect(rig.emulator.quotas()).toEqual(DEFAULT_QUOTAS);
    expect(await getJson(`${rig.emulator.endpoint}/__emulator/quotas`)).toEqual(DEFAULT_QUOTAS);
  });

  it('refuses a job of more than 100 servers with ServiceQuotaExceededException (402, L-B827C881); 100 go', async () => {
    const refused = await rejectionOf(start(SERVERS));
    expect(refused).toBeInstanceOf(ServiceQuotaExceededException);
    expect(refused.$metadata.httpStatusCode).toBe(402);
    expect(refused).toMatchObject({
      quotaCode: 'L-B827C881',
      serviceCode: 'drs',
      resourceType: 'SOURCE_SERVER',
      resourceId: SERVERS[100], // the first server over the quota
    });
    expect(refused.message).toContain('at most 100 source servers');
    expect(rig.emulator.jobs()).toHaveLength(0);

    const accepted = await start(SERVERS.slice(0, 100));
    expect(accepted.job!.participatingServers).toHaveLength(100);
    expect(rig.emulator.stats.snapshot().errors.StartRecovery).toEqual({ ServiceQuotaExceededException: 1 });
  });

  it('refuses a job beyond the concurrent-jobs quota (L-D88FAC3A) until a job completes', async () => {
    await postJson(`${rig.emulator.endpoint}/__emulator/quotas`, { maxConcurrentJobs: 2 });
    const first = (await start([A])).job!;
    await start([B]);
    const refused = await rejectionOf(start([C]));
    expect(refused).toBeInstanceOf(ServiceQuotaExceededException);
    expect(refused).toMatchObject({ quotaCode: 'L-D88FAC3A', serviceCode: 'drs', resourceType: 'JOB', resourceId: first.jobID });

    rig.clock.advance(45_000); // both jobs COMPLETED: their slots are free
    expect((await start([C])).job!.status).toBe('PENDING');
  });

  it('refuses a job whose servers would pass the servers-in-progress quota (L-05AFA8C6) until jobs complete', async () => {
    rig.emulator.setQuotas({ maxServersInActiveJobs: 3 });
    await start([A, B]);
    const refused = await rejectionOf(start([C, D]));
    expect(refused).toBeInstanceOf(ServiceQuotaExceededException);
    expect(refused).toMatchObject({ quotaCode: 'L-05AFA8C6', serviceCode: 'drs', resourceType: 'SOURCE_SERVER', resourceId: D });
    expect(refused.message).toContain('2 are in progress and 2 were requested');

    await start([C]); // exactly at the quota
    expect(await rejectionOf(start([D]))).toMatchObject({ quotaCode: 'L-05AFA8C6' });
    rig.clock.advance(45_000);
    expect((await start([D])).job!.participatingServers).toHaveLength(1);
  });

  it('counts a cleanup (TerminateRecoveryInstances) as a job', async () => {
    await start([A]);
    rig.clock.advance(45_000);
    const [instance] = (await rig.drs.send(new DescribeRecoveryInstancesCommand({}))).items!;
    rig.emulator.setQuotas({ maxConcurrentJobs: 1 });
    await start([B]);
    const refused = await rejectionOf(
      rig.drs.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: [instance!.recoveryInstanceID!] })),
    );
    expect(refused).toMatchObject({ name: 'ServiceQuotaExceededException', quotaCode: 'L-D88FAC3A' });
  });

  it('takes quotas from its options, changes them over HTTP, refuses bad values and goes back on DELETE', async () => {
    const configured = await startDrsEmulator({ quotas: { maxServersPerJob: 2 } });
    try {
      expect(configured.quotas()).toEqual({ ...DEFAULT_QUOTAS, maxServersPerJob: 2 });
      expect(await postJson(`${configured.endpoint}/__emulator/quotas`, { maxConcurrentJobs: 5 })).toEqual({
        ...DEFAULT_QUOTAS,
        maxServersPerJob: 2,
        maxConcurrentJobs: 5,
      });
      for (const bad of [{ maxConcurrentJobs: 0 }, { maxServersPerJob: 1.5 }, { maxServersPerJob: '3' }, { serversPerWave: 3 }]) {
        const response = await fetch(`${configured.endpoint}/__emulator/quotas`, { method: 'POST', body: JSON.stringify(bad) });
        expect(response.status).toBe(400);
        await response.text();
      }
      expect(configured.quotas().maxConcurrentJobs).toBe(5);
      const reset = await (await fetch(`${configured.endpoint}/__emulator/quotas`, { method: 'DELETE' })).json();
      expect(reset).toEqual({ ...DEFAULT_QUOTAS, maxServersPerJob: 2 });
    } finally {
      await configured.close();
    }
    await expect(startDrsEmulator({ quotas: { maxConcurrentJobs: -1 } })).rejects.toThrow('positive integer');
  });
});
