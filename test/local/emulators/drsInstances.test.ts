import {
  ConflictException,
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  paginateDescribeRecoveryInstances,
  type RecoveryInstance,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
  ValidationException,
} from '@aws-sdk/client-drs';
import { getJson, postJson, rejectionOf, serverId, useDrsRig } from './support';

const [A, B, C] = [1, 2, 3].map(serverId) as [string, string, string];

// With FIXED_TIMINGS a launch is PENDING 5 s, its LAUNCH stage starts at 29 s and it has launched at 45 s;
// a termination is PENDING 5 s and takes 90 s (DRS's default pace).

describe('DRS emulator: the recovery instance lifecycle', () => {
  const rig = useDrsRig([A, B, C]);

  const launch = async (ids: string[], isDrill = true) =>
    (await rig.drs.send(new StartRecoveryCommand({ isDrill, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }))).job!;
  const instances = async (filters: { recoveryInstanceIDs?: string[]; sourceServerIDs?: string[] } = {}): Promise<RecoveryInstance[]> =>
    (await rig.drs.send(new DescribeRecoveryInstancesCommand({ filters }))).items!;
  const terminate = (ids: string[]) => rig.drs.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: ids }));

  it('lists an instance PENDING from its launch stage, RUNNING once launched, with its drill, job and point in time', async () => {
    const job = await launch([A]);
    rig.clock.advance(28_999);
    expect(await instances()).toEqual([]);
    rig.clock.advance(1); // 29 s: EC2 has the instance
    const [pending] = await instances();
    expect(pending).toMatchObject({ sourceServerID: A, ec2InstanceState: 'PENDING', isDrill: true, jobID: job.jobID });

    const refused = await rejectionOf(terminate([pending!.recoveryInstanceID!]));
    expect(refused).toBeInstanceOf(ConflictException);
    expect(refused).toMatchObject({ resourceId: pending!.recoveryInstanceID, resourceType: 'RECOVERY_INSTANCE' });
    expect(refused.message).toMatch(/PENDING/);

    rig.clock.advance(16_000); // 45 s
    expect(await instances()).toEqual([
      expect.objectContaining({
        recoveryInstanceID: pending!.recoveryInstanceID,
        ec2InstanceState: 'RUNNING',
        isDrill: true,
        jobID: job.jobID,
        pointInTimeSnapshotDateTime: '2025-06-01T12:00:00.000Z',
      }),
    ]);
  });

  it('terminates through a TERMINATE job: SHUTTING-DOWN, TERMINATED, then no longer listed after 60 s', async () => {
    await launch([A, B]);
    rig.clock.advance(45_000);
    const [a, b] = (await instances()).sort((x, y) => (x.sourceServerID! < y.sourceServerID! ? -1 : 1));
    const { job } = await terminate([a!.recoveryInstanceID!]);
    expect(job).toMatchObject({ type: 'TERMINATE', initiatedBy: 'TERMINATE_RECOVERY_INSTANCES', status: 'PENDING' });
    const listed = (await rig.drs.send(new DescribeJobsCommand({ filters: { jobIDs: [job!.jobID!] } }))).items!;
    expect(listed.map((each) => each.type)).toEqual(['TERMINATE']);

    expect((await instances({ recoveryInstanceIDs: [a!.recoveryInstanceID!] }))[0]!.ec2InstanceState).toBe('SHUTTING-DOWN');
    expect(await rejectionOf(terminate([a!.recoveryInstanceID!]))).toBeInstanceOf(ConflictException); // already terminating

    rig.clock.advance(95_000);
    expect((await instances({ sourceServerIDs: [A] }))[0]!.ec2InstanceState).toBe('TERMINATED');
    rig.clock.advance(59_999);
    expect(await instances({ sourceServerIDs: [A] })).toHaveLength(1);
    rig.clock.advance(1);
    expect(await instances({ sourceServerIDs: [A] })).toEqual([]);
    expect((await instances()).map((each) => each.recoveryInstanceID)).toEqual([b!.recoveryInstanceID]);
    // Gone: DRS no longer knows it.
    expect(await rejectionOf(terminate([a!.recoveryInstanceID!]))).toBeInstanceOf(ValidationException);
  });

  it('filters by instance and server ids, and pages with maxResults and nextToken', async () => {
    await launch([A, B, C], false);
    rig.clock.advance(45_000);
    const everything = await instances();
    expect(everything.map((each) => each.isDrill)).toEqual([false, false, false]);

    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeRecoveryInstances({ client: rig.drs, pageSize: 2 }, {})) {
      pages.push(page.items!.length);
      seen.push(...page.items!.map((each) => each.recoveryInstanceID!));
    }
    expect(pages).toEqual([2, 1]);
    expect(seen.sort()).toEqual(everything.map((each) => each.recoveryInstanceID!).sort());

    expect((await instances({ sourceServerIDs: [B, C] })).map((each) => each.sourceServerID).sort()).toEqual([B, C]);
    const one = everything[0]!;
    expect(await instances({ recoveryInstanceIDs: [one.recoveryInstanceID!] })).toEqual([one]);
  });
});

describe('DRS emulator: failing terminations (fault failTerminations)', () => {
  const rig = useDrsRig([A, B]);

  const launchBoth = async () => {
    await rig.drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: A }, { sourceServerID: B }] }));
    rig.clock.advance(45_000);
    const listed = (await rig.drs.send(new DescribeRecoveryInstancesCommand({}))).items!;
    return Object.fromEntries(listed.map((each) => [each.sourceServerID!, each.recoveryInstanceID!]));
  };
  const stateOf = async (id: string) =>
    (await rig.drs.send(new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [id] } }))).items![0]?.ec2InstanceState;
  const terminate = async (ids: string[]) => {
    const { job } = await rig.drs.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: ids }));
    rig.clock.advance(100_000);
    const ended = (await rig.drs.send(new DescribeJobsCommand({ filters: { jobIDs: [job!.jobID!] } }))).items![0]!;
    const log = (await rig.drs.send(new DescribeJobLogItemsCommand({ jobID: job!.jobID! }))).items!;
    return { ended, log };
  };

  it('fails the next `count` TERMINATE jobs: each instance FAILED with CLEANUP_FAIL, and still RUNNING', async () => {
    const ids = await launchBoth();
    await postJson(`${rig.emulator.endpoint}/__emulator/faults`, { failTerminations: { count: 1 } });
    expect((await getJson(`${rig.emulator.endpoint}/__emulator/faults`)).failTerminations).toEqual({ count: 1 });

    const { ended, log } = await terminate([ids[A]!]);
    expect(ended).toMatchObject({ type: 'TERMINATE', status: 'COMPLETED' });
    expect(ended.participatingServers).toEqual([{ sourceServerID: A, recoveryInstanceID: ids[A], launchStatus: 'FAILED' }]);
    expect(log.map((item) => item.event)).toEqual(['JOB_START', 'CLEANUP_START', 'CLEANUP_FAIL', 'JOB_END']);
    expect(log[2]!.eventData).toMatchObject({ sourceServerID: A, targetInstanceID: ids[A], rawError: expect.stringContaining('injected') });
    expect(await stateOf(ids[A]!)).toBe('RUNNING');

    // The count is spent: the retry ends it.
    expect((await getJson(`${rig.emulator.endpoint}/__emulator/faults`)).failTerminations).toBeUndefined();
    const retried = await terminate([ids[A]!]);
    expect(retried.ended.participatingServers![0]!.launchStatus).toBe('TERMINATED');
    expect(await stateOf(ids[A]!)).toBe('TERMINATED');
  });

  it('fails only the named instances, in every job until cleared', async () => {
    const ids = await launchBoth();
    rig.emulator.faults.apply({ failTerminations: { recoveryInstanceIDs: [ids[B]!] } });
    const first = await terminate([ids[A]!, ids[B]!]);
    expect(Object.fromEntries(first.ended.participatingServers!.map((s) => [s.sourceServerID, s.launchStatus]))).toEqual({
      [A]: 'TERMINATED',
      [B]: 'FAILED',
    });
    expect(await stateOf(ids[B]!)).toBe('RUNNING');
    expect((await terminate([ids[B]!])).ended.participatingServers![0]!.launchStatus).toBe('FAILED');

    await fetch(`${rig.emulator.endpoint}/__emulator/faults`, { method: 'DELETE' }).then((response) => response.text());
    expect((await terminate([ids[B]!])).ended.participatingServers![0]!.launchStatus).toBe('TERMINATED');
  });

  it('refuses a malformed failTerminations with 400, changing nothing', async () => {
    for (const failTerminations of [
      {},
      { count: 0 },
      { count: 1.5 },
      { recoveryInstanceIDs: [] },
      { recoveryInstanceIDs: ['vm-1'] },
      { every: true },
    ]) {
      const response = await fetch(`${rig.emulator.endpoint}/__emulator/faults`, {
        method: 'POST',
        body: JSON.stringify({ failTerminations }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/failTerminations/);
    }
    expect((await getJson(`${rig.emulator.endpoint}/__emulator/faults`)).failTerminations).toBeUndefined();
  });
});
