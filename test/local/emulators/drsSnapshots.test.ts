import {
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  paginateDescribeRecoverySnapshots,
  type RecoverySnapshot,
  StartRecoveryCommand,
  ValidationException,
} from '@aws-sdk/client-drs';
import { putJson, rejectionOf, serverId, useDrsRig } from './support';

const [A, B] = [1, 2].map(serverId) as [string, string];
// The rig's clock starts at 2025-06-01T12:00:00Z, on a 10-minute mark.
const NOW = '2025-06-01T12:00:00.000Z';

describe("DRS emulator: recovery snapshots on DRS's point-in-time policy", () => {
  const rig = useDrsRig([A, B]);

  const all = async (id: string, order?: 'ASC' | 'DESC'): Promise<RecoverySnapshot[]> =>
    (await rig.drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: id, ...(order ? { order } : {}) }))).items!;

  it('keeps every 10 minutes for the last hour, hourly for a day, daily for 7 days, all complete when healthy', async () => {
    const snapshots = await all(A);
    // 24 hourly marks, 5 more 10-minute ones within the last hour, 6 more daily ones beyond the last day.
    expect(snapshots).toHaveLength(35);
    expect(snapshots.every((snapshot) => snapshot.timestamp !== undefined && snapshot.sourceServerID === A)).toBe(true);
    expect(snapshots[snapshots.length - 1]).toMatchObject({ expectedTimestamp: NOW, timestamp: NOW });
    expect(snapshots.slice(-6).map((snapshot) => snapshot.timestamp!.slice(11, 16))).toEqual([
      '11:10',
      '11:20',
      '11:30',
      '11:40',
      '11:50',
      '12:00',
    ]);
    expect(snapshots[0]!.timestamp).toBe('2025-05-26T00:00:00.000Z');
    for (const snapshot of snapshots) expect(snapshot.snapshotID).toMatch(/^pit-[0-9a-zA-Z]{17}$/);

    // The same marks keep their ids; the newest comes first in DESC order.
    rig.clock.advance(60_000);
    const again = await all(A, 'DESC');
    expect(again[0]!.snapshotID).toBe(snapshots[snapshots.length - 1]!.snapshotID);
    expect((await all(B))[0]!.snapshotID).not.toBe(snapshots[0]!.snapshotID);
  });

  it('shifts them by the replication lag: marks after the latest data are not taken, the newest is still being created', async () => {
    rig.emulator.setReplication(A, { state: 'STALLED', lagSeconds: 25 * 60 });
    const newest = (await all(A, 'DESC')).slice(0, 2);
    expect(newest).toEqual([
      { snapshotID: expect.any(String), sourceServerID: A, expectedTimestamp: NOW }, // no timestamp: being created
      {
        snapshotID: expect.any(String),
        sourceServerID: A,
        expectedTimestamp: '2025-06-01T11:30:00.000Z',
        timestamp: '2025-06-01T11:30:00.000Z',
      },
    ]);

    rig.emulator.setReplication(B, { state: 'INITIAL_SYNC' });
    expect(await all(B)).toEqual([]);
  });

  it('filters by time, orders, and pages with maxResults and nextToken', async () => {
    const request = { sourceServerID: A, filters: { fromDateTime: '2025-06-01T11:00:00Z', toDateTime: '2025-06-01T12:00:00Z' } };
    const pages: string[][] = [];
    for await (const page of paginateDescribeRecoverySnapshots({ client: rig.drs, pageSize: 3 }, { ...request, order: 'DESC' })) {
      pages.push(page.items!.map((snapshot) => snapshot.timestamp!.slice(11, 16)));
    }
    expect(pages).toEqual([['12:00', '11:50', '11:40'], ['11:30', '11:20', '11:10'], ['11:00']]);

    const ascending = (await rig.drs.send(new DescribeRecoverySnapshotsCommand({ ...request, maxResults: 2 }))).items!;
    expect(ascending.map((snapshot) => snapshot.timestamp!.slice(11, 16))).toEqual(['11:00', '11:10']);

    expect(
      await rejectionOf(rig.drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: A, filters: { fromDateTime: 'yesterday' } }))),
    ).toBeInstanceOf(ValidationException);
    expect(
      await rejectionOf(rig.drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: A, nextToken: 'garbage' }))),
    ).toBeInstanceOf(ValidationException);
    expect((await rig.drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: serverId(42) }))).items).toEqual([]);
  });
});

describe('DRS emulator: recovery snapshots set by the admin API, and launches from them', () => {
  const rig = useDrsRig([A, B]);

  const TAKEN = { snapshotID: 'pit-0000000000000000a', expectedTimestamp: '2025-06-01T09:00:00Z', timestamp: '2025-06-01T09:00:07Z' };
  const LATER = { snapshotID: 'pit-0000000000000000b', expectedTimestamp: '2025-06-01T10:00:00Z', timestamp: '2025-06-01T10:00:03Z' };
  const CREATING = { snapshotID: 'pit-0000000000000000c', expectedTimestamp: '2025-06-01T11:00:00Z' };
  const put = (id: string, body: unknown) => putJson(`${rig.emulator.endpoint}/__emulator/source-servers/${id}/snapshots`, body);
  const instancesAfterLaunch = async () => {
    rig.clock.advance(60_000);
    return (await rig.drs.send(new DescribeRecoveryInstancesCommand({}))).items!;
  };

  it("replaces a server's snapshots, listing one still being created without a timestamp", async () => {
    expect((await put(A, { snapshots: [TAKEN, LATER, CREATING] })).status).toBe(200);
    const listed = (await rig.drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: A, order: 'DESC' }))).items!;
    expect(listed).toEqual([
      { ...CREATING, sourceServerID: A },
      { ...LATER, sourceServerID: A },
      { ...TAKEN, sourceServerID: A },
    ]);
  });

  it('launches from the chosen snapshot and records its time as the point in time', async () => {
    rig.emulator.setSnapshots(A, [TAKEN, LATER, CREATING]);
    await rig.drs.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: A, recoverySnapshotID: TAKEN.snapshotID }] }),
    );
    const [instance] = await instancesAfterLaunch();
    expect(instance).toMatchObject({ sourceServerID: A, pointInTimeSnapshotDateTime: '2025-06-01T09:00:07.000Z' });
  });

  it('launches the latest data at the launch time less the replication lag', async () => {
    rig.emulator.setReplication(B, { state: 'CONTINUOUS', lagSeconds: 300 });
    await rig.drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: B }] }));
    const [instance] = await instancesAfterLaunch();
    expect(instance).toMatchObject({ sourceServerID: B, pointInTimeSnapshotDateTime: '2025-06-01T11:55:00.000Z' });
  });

  it('refuses a snapshot still being created, or unknown, or of another server, and starts nothing', async () => {
    rig.emulator.setSnapshots(A, [TAKEN, CREATING]);
    const attempts = [
      [{ sourceServerID: A, recoverySnapshotID: CREATING.snapshotID }, /still being created/],
      [{ sourceServerID: A, recoverySnapshotID: 'pit-0000000000000000z' }, /not found/],
      [{ sourceServerID: B, recoverySnapshotID: TAKEN.snapshotID }, /not found/],
    ] as const;
    for (const [server, message] of attempts) {
      // Alongside a server that could launch: the whole request is refused.
      const healthy = { sourceServerID: server.sourceServerID === A ? B : A };
      const refused = await rejectionOf(rig.drs.send(new StartRecoveryCommand({ sourceServers: [healthy, server] })));
      expect(refused).toBeInstanceOf(ValidationException);
      expect(refused.message).toMatch(message);
    }
    expect(rig.emulator.jobs()).toHaveLength(0);
  });

  it('refuses malformed or too many snapshots with 400, changing nothing', async () => {
    rig.emulator.setSnapshots(A, [TAKEN]);
    const tooMany = Array.from({ length: 1001 }, (_, index) => ({
      expectedTimestamp: new Date(Date.UTC(2025, 4, 1) + index * 60_000).toISOString(),
    }));
    const refusals = [
      [{ snapshots: tooMany }, /at most 1000 snapshots; 1001 were given/],
      [{ snapshots: [{ expectedTimestamp: 'noon' }] }, /snapshots\[0\]\.expectedTimestamp must be an ISO 8601/],
      [{ snapshots: [{ ...TAKEN, timestamp: '2025-13-01T00:00:00Z' }] }, /timestamp must be an ISO 8601/],
      [{ snapshots: [{ ...TAKEN, timestamp: `2025-06-01T09:00:07.${'1'.repeat(20)}Z` }] }, /timestamp must be an ISO 8601/],
      [{ snapshots: [{ ...TAKEN, snapshotID: 'snap-1' }] }, /snapshotID must match/],
      [{ snapshots: [TAKEN, TAKEN] }, /given twice/],
      [{ snapshots: [{ ...TAKEN, size: 1 }] }, /Unknown field size/],
      [{ list: [] }, /Unknown field list/],
    ] as const;
    for (const [body, message] of refusals) {
      const answer = await put(A, body);
      expect(answer.status).toBe(400);
      expect(String(answer.body.message)).toMatch(message);
    }
    const listed = (await rig.drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: A }))).items!;
    expect(listed.map((snapshot) => snapshot.snapshotID)).toEqual([TAKEN.snapshotID]);

    // Exactly the bound is accepted, with ids of their own.
    expect((await put(A, { snapshots: tooMany.slice(0, 1000) })).status).toBe(200);
    const first = (await rig.drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: A, maxResults: 1000 }))).items!;
    expect(new Set(first.map((snapshot) => snapshot.snapshotID)).size).toBe(1000);
  });
});
