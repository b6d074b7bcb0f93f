import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  GetLaunchConfigurationCommand,
  ResourceNotFoundException,
  StartRecoveryCommand,
} from '@aws-sdk/client-drs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../../src/local/emulators/clock';
import { startDrsEmulator } from '../../../src/local/emulators/drs';
import { drsClient, FIXED_TIMINGS, putJson, rejectionOf, serverId, useDrsRig } from './support';

const [A, B, C] = [1, 2, 3].map(serverId) as [string, string, string];

describe('DRS emulator: replication state and lag, per server', () => {
  const rig = useDrsRig([A, B, C]);

  const replicationOf = async (id: string) =>
    (await rig.drs.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [id] } }))).items![0]!.dataReplicationInfo;
  const put = (id: string, body: unknown) => putJson(`${rig.emulator.endpoint}/__emulator/source-servers/${id}/replication`, body);

  it('reports every registered server as continuously replicating with no lag by default', async () => {
    const servers = (await rig.drs.send(new DescribeSourceServersCommand({}))).items!;
    expect(servers.map((server) => server.dataReplicationInfo)).toEqual([
      { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' },
      { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' },
      { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' },
    ]);
  });

  it('reports a stalled server with its lag as an ISO 8601 duration and an error, the others unchanged', async () => {
    expect(await put(A, { state: 'STALLED', lagSeconds: 3725 })).toEqual({
      status: 200,
      body: { sourceServerID: A, replication: { state: 'STALLED', lagSeconds: 3725, error: 'NOT_CONVERGING' } },
    });
    expect(await replicationOf(A)).toEqual({
      dataReplicationState: 'STALLED',
      lagDuration: 'PT1H2M5S',
      dataReplicationError: { error: 'NOT_CONVERGING' },
    });
    expect(await replicationOf(B)).toEqual({ dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' });

    rig.emulator.setReplication(B, { state: 'DISCONNECTED', lagSeconds: 2 * 86_400 + 30, error: 'AGENT_NOT_SEEN' });
    expect(await replicationOf(B)).toEqual({
      dataReplicationState: 'DISCONNECTED',
      lagDuration: 'P2DT30S',
      dataReplicationError: { error: 'AGENT_NOT_SEEN' },
    });
    // A text that is none of DRS's error codes is DRS's rawError.
    await put(C, { state: 'STALLED', lagSeconds: 90, error: 'replication server r-1 lost its staging disk' });
    expect(await replicationOf(C)).toEqual({
      dataReplicationState: 'STALLED',
      lagDuration: 'PT1M30S',
      dataReplicationError: { rawError: 'replication server r-1 lost its staging disk' },
    });

    await put(A, { state: 'CONTINUOUS' });
    expect(await replicationOf(A)).toEqual({ dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' });
  });

  it('refuses a malformed replication with 400 and a clear message, changing nothing; an unknown server with 404', async () => {
    await put(A, { state: 'STALLED', lagSeconds: 60 });
    const refusals = [
      [{ state: 'BROKEN' }, /state must be one of STOPPED, INITIATING/],
      [{ state: 'STALLED', lagSeconds: -1 }, /lagSeconds must be a number/],
      [{ state: 'STALLED', lagSeconds: '60' }, /lagSeconds must be a number/],
      [{ state: 'STALLED', error: '' }, /error must be a text/],
      [{ state: 'STALLED', lagSeconds: 1, color: 'red' }, /Unknown field color/],
      [['STALLED'], /must be a JSON object/],
    ] as const;
    for (const [body, message] of refusals) {
      const answer = await put(A, body);
      expect(answer.status).toBe(400);
      expect(String(answer.body.message)).toMatch(message);
    }
    expect(await replicationOf(A)).toMatchObject({ dataReplicationState: 'STALLED', lagDuration: 'PT1M' });

    expect((await put(serverId(99), { state: 'STALLED' })).status).toBe(404);
    expect((await put('server-1', { state: 'STALLED' })).status).toBe(400);
    expect(() => rig.emulator.setReplication(A, { state: 'SLEEPING' })).toThrow(/state must be one of/);
  });
});

describe('DRS emulator: launch configurations', () => {
  const rig = useDrsRig([A, B, C]);

  const put = (id: string, body: unknown) => putJson(`${rig.emulator.endpoint}/__emulator/source-servers/${id}/launch-configuration`, body);
  const launch = async (ids: string[]) => {
    const job = (
      await rig.drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }))
    ).job!;
    rig.clock.advance(60_000);
    const done = (await rig.drs.send(new DescribeJobsCommand({ filters: { jobIDs: [job.jobID!] } }))).items![0]!;
    const log = (await rig.drs.send(new DescribeJobLogItemsCommand({ jobID: job.jobID! }))).items!;
    return {
      statuses: Object.fromEntries(done.participatingServers!.map((server) => [server.sourceServerID, server.launchStatus])),
      failures: log.filter((item) => item.event === 'LAUNCH_FAILED').map((item) => item.eventData),
    };
  };

  it('gives a complete configuration with its launch template by default', async () => {
    const configuration = await rig.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: A }));
    expect(configuration).toMatchObject({
      sourceServerID: A,
      name: 'host-0',
      ec2LaunchTemplateID: expect.stringMatching(/^lt-[0-9a-f]{17}$/),
      launchDisposition: 'STARTED',
    });
  });

  it('answers ResourceNotFoundException for a missing configuration, and fails its launch at LAUNCH with the reason', async () => {
    expect((await put(A, { missing: true })).body).toEqual({ sourceServerID: A, launchConfiguration: { missing: true } });
    const missing = await rejectionOf(rig.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: A })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ resourceId: A, resourceType: 'SOURCE_SERVER' });
    expect(missing.$metadata.httpStatusCode).toBe(404);

    const { statuses, failures } = await launch([A, B]);
    expect(statuses).toEqual({ [A]: 'FAILED', [B]: 'LAUNCHED' });
    expect(failures).toEqual([{ sourceServerID: A, rawError: `Launch configuration for source server ${A} not found` }]);
  });

  it('gives an incomplete configuration without its launch template, and fails its launch naming the problems', async () => {
    rig.emulator.setLaunchConfiguration(B, { problems: ['launch template lt-0abc was deleted'] });
    const configuration = await rig.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: B }));
    expect(configuration.sourceServerID).toBe(B);
    expect(configuration.ec2LaunchTemplateID).toBeUndefined();

    const { statuses, failures } = await launch([B]);
    expect(statuses).toEqual({ [B]: 'FAILED' });
    expect(failures[0]!.rawError).toContain('launch template lt-0abc was deleted');

    await put(B, {});
    expect((await rig.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: B }))).ec2LaunchTemplateID).toMatch(/^lt-/);
    expect((await launch([B])).statuses).toEqual({ [B]: 'LAUNCHED' });
  });

  it('answers ResourceNotFoundException for a server DRS does not know', async () => {
    expect(await rejectionOf(rig.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: serverId(42) })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('refuses a malformed launch configuration with 400, changing nothing', async () => {
    await put(C, { missing: true });
    for (const body of [
      { missing: true, problems: ['x'] },
      { problems: [] },
      { problems: [''] },
      { problems: 'none' },
      { missing: 'yes' },
      { gone: 1 },
    ]) {
      const answer = await put(C, body);
      expect(answer.status).toBe(400);
      expect(typeof answer.body.message).toBe('string');
    }
    expect(await rejectionOf(rig.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: C })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('DRS emulator: server state kept in a data folder', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'drs-state-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('sees replication, launch configuration and snapshots again after a restart, and after re-registering', async () => {
    const clock = manualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
    const servers = [{ sourceServerID: A, hostname: 'app-01' }];
    const first = await startDrsEmulator({ clock: clock.now, dataDir, timings: FIXED_TIMINGS, sourceServers: servers });
    first.setReplication(A, { state: 'STALLED', lagSeconds: 600 });
    first.setLaunchConfiguration(A, { missing: true });
    first.setSnapshots(A, [
      { snapshotID: 'pit-00000000000000001', expectedTimestamp: '2025-06-01T11:00:00Z', timestamp: '2025-06-01T11:00:04Z' },
    ]);
    await first.close();

    const second = await startDrsEmulator({ clock: clock.now, dataDir, timings: FIXED_TIMINGS });
    second.registerSourceServers(servers);
    const drs = drsClient(second.endpoint, { maxAttempts: 1 });
    try {
      const [server] = (await drs.send(new DescribeSourceServersCommand({}))).items!;
      expect(server!.dataReplicationInfo).toMatchObject({ dataReplicationState: 'STALLED', lagDuration: 'PT10M' });
      expect(await rejectionOf(drs.send(new GetLaunchConfigurationCommand({ sourceServerID: A })))).toBeInstanceOf(
        ResourceNotFoundException,
      );
      const snapshots = (await drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: A }))).items!;
      expect(snapshots.map((snapshot) => snapshot.snapshotID)).toEqual(['pit-00000000000000001']);
    } finally {
      drs.destroy();
      await second.close();
    }
  });
});
