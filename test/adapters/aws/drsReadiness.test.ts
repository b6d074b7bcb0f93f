import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import { utf8Length } from '../../../src/domain/text';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators';
import { type RecoveryJobsError } from '../../../src/ports/recoveryJobs';

const serverId = (n: number): string => `s-${String(n).padStart(17, '0')}`;
const [A, B, C, D] = [1, 2, 3, 4].map(serverId) as [string, string, string, string];
const START = Date.UTC(2025, 5, 1, 12, 0, 5); // 5 s after the 12:00 snapshot mark
const TIMINGS = { pendingSeconds: 5, launchMinSeconds: 40, launchMaxSeconds: 40, terminateSeconds: 10 };

/**
 * A pass-through in front of the emulator that counts how many requests of an operation are in flight at once
 * (each held 5 ms, so that overlapping calls do overlap).
 */
const countingProxy = async (target: string, operation: string) => {
  const counts = { inFlight: 0, most: 0, total: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const counted = request.url === `/${operation}`;
      if (counted) {
        counts.inFlight += 1;
        counts.total += 1;
        counts.most = Math.max(counts.most, counts.inFlight);
      }
      void (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const answer = await fetch(`${target}${request.url ?? '/'}`, {
          method: request.method ?? 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        });
        const body = Buffer.from(await answer.arrayBuffer());
        if (counted) counts.inFlight -= 1;
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') headers[name] = value;
        });
        response.writeHead(answer.status, headers).end(body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe('DrsRecoveryJobs readiness reads (DRS emulator, real DrsClient)', () => {
  let clock: ManualClock;
  let drs: DrsEmulator;
  let jobs: DrsRecoveryJobs;
  const many = Array.from({ length: 450 }, (_, index) => serverId(index + 1));

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

  const failureOf = async (promise: Promise<unknown>): Promise<RecoveryJobsError> => {
    try {
      await promise;
    } catch (error) {
      return error as RecoveryJobsError;
    }
    throw new Error('expected a rejection');
  };

  it('reads replication state, lag in seconds, a bounded error and the newest finished snapshot, 200 servers a call', async () => {
    drs.setReplication(A, { state: 'STALLED', lagSeconds: 3725 });
    drs.setReplication(B, { state: 'CONTINUOUS', lagSeconds: 25 * 60 });
    drs.setReplication(C, { state: 'INITIAL_SYNC' });
    drs.setReplication(D, { state: 'DISCONNECTED', error: 'AGENT_NOT_SEEN', rawError: `agent lost: ${'x'.repeat(65_000)}` });

    const facts = await jobs.replication([...many, serverId(999)]);
    expect(facts.size).toBe(450); // the unknown server is absent
    expect(facts.get(A)).toEqual({
      serverId: A,
      state: 'STALLED',
      lagSeconds: 3725,
      error: 'NOT_CONVERGING',
      // Data up to 10:58 only; beyond the last hour DRS keeps hourly snapshots: 10:00 is the newest.
      lastSnapshotAt: '2025-06-01T10:00:00.000Z',
    });
    expect(facts.get(B)).toMatchObject({ state: 'CONTINUOUS', lagSeconds: 1500, lastSnapshotAt: '2025-06-01T11:30:00.000Z' });
    expect(facts.get(C)).toEqual({ serverId: C, state: 'INITIAL_SYNC', lagSeconds: 0 }); // no snapshot yet
    const disconnected = facts.get(D)!;
    expect(disconnected.error!.startsWith('AGENT_NOT_SEEN: agent lost')).toBe(true);
    expect(utf8Length(disconnected.error!)).toBeLessThanOrEqual(512);
    expect(facts.get(serverId(100))).toEqual({
      serverId: serverId(100),
      state: 'CONTINUOUS',
      lagSeconds: 0,
      lastSnapshotAt: '2025-06-01T12:00:00.000Z',
    });

    expect(drs.stats.snapshot().calls.DescribeSourceServers).toBe(3); // 200 + 200 + 50
  });

  it('reads a server’s snapshots within a range, newest first, including one still being created', async () => {
    drs.setSnapshots(A, [
      { snapshotID: 'pit-0000000000000000a', expectedTimestamp: '2025-06-01T09:00:00Z', timestamp: '2025-06-01T09:00:07Z' },
      { snapshotID: 'pit-0000000000000000b', expectedTimestamp: '2025-06-01T10:00:00Z', timestamp: '2025-06-01T10:00:03Z' },
      { snapshotID: 'pit-0000000000000000c', expectedTimestamp: '2025-06-01T11:00:00Z' },
    ]);
    expect(await jobs.recoverySnapshots(A, {})).toEqual([
      { snapshotId: 'pit-0000000000000000c', sourceServerId: A, expectedTimestamp: '2025-06-01T11:00:00Z' },
      {
        snapshotId: 'pit-0000000000000000b',
        sourceServerId: A,
        expectedTimestamp: '2025-06-01T10:00:00Z',
        timestamp: '2025-06-01T10:00:03Z',
      },
      {
        snapshotId: 'pit-0000000000000000a',
        sourceServerId: A,
        expectedTimestamp: '2025-06-01T09:00:00Z',
        timestamp: '2025-06-01T09:00:07Z',
      },
    ]);
    // Bounds in any ISO form reach DRS in its own (UTC, Z).
    const ranged = await jobs.recoverySnapshots(A, { from: '2025-06-01T11:30:00+02:00', to: '2025-06-01T10:30:00Z' });
    expect(ranged.map((snapshot) => snapshot.snapshotId)).toEqual(['pit-0000000000000000b']);
    // 1,000 snapshots, all read.
    drs.setSnapshots(
      B,
      Array.from({ length: 1000 }, (_, index) => ({ expectedTimestamp: new Date(Date.UTC(2025, 4, 1) + index * 60_000).toISOString() })),
    );
    expect(await jobs.recoverySnapshots(B, {})).toHaveLength(1000);

    expect(await failureOf(jobs.recoverySnapshots(A, { from: 'last week' }))).toMatchObject({
      code: 'InvalidSnapshotRange',
      retryable: false,
    });
  });

  it('reads each launch configuration: complete, missing or without a launch template', async () => {
    drs.setLaunchConfiguration(B, { missing: true });
    drs.setLaunchConfiguration(C, { problems: ['launch template deleted'] });
    const facts = await jobs.launchConfigurations([A, B, C, serverId(999)]);
    expect(facts.get(A)).toEqual({ serverId: A, exists: true, problems: [] });
    expect(facts.get(B)).toEqual({ serverId: B, exists: false, problems: [expect.stringContaining('no launch configuration')] });
    expect(facts.get(C)).toEqual({ serverId: C, exists: true, problems: ['no EC2 launch template (ec2LaunchTemplateID)'] });
    expect(facts.get(serverId(999))).toMatchObject({ exists: false });
  });

  it('calls DRS per server at most 8 at once, yet in parallel', async () => {
    const proxy = await countingProxy(drs.endpoint, 'GetLaunchConfiguration');
    const throughProxy = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: proxy.endpoint }));
    try {
      const facts = await throughProxy.launchConfigurations(many.slice(0, 60));
      expect(facts.size).toBe(60);
      expect(proxy.counts.total).toBe(60);
      expect(proxy.counts.most).toBeLessThanOrEqual(8);
      expect(proxy.counts.most).toBeGreaterThan(1);
    } finally {
      await proxy.close();
    }
  });

  it('lists the jobs in progress, of any type, with their servers', async () => {
    const launch = await jobs.startRecovery({ isDrill: true, sourceServerIds: [A, B], tags: {} });
    expect(await jobs.activeJobs()).toEqual([{ jobId: launch.jobId, type: 'LAUNCH', serverIds: [A, B] }]);
    clock.advance(45_000);
    expect(await jobs.activeJobs()).toEqual([]);

    const [instance] = await jobs.recoveryInstancesOfServers([A]);
    const [terminateJob] = await jobs.terminateRecoveryInstances([instance!.recoveryInstanceId]);
    expect(await jobs.activeJobs()).toEqual([{ jobId: terminateJob, type: 'TERMINATE', serverIds: [A] }]);
  });

  it('classifies DRS refusals through the same rules as every other call', async () => {
    drs.faults.apply({ throttle: { count: 4, retryAfterSeconds: 3, operations: ['GetLaunchConfiguration'] } });
    expect(await failureOf(jobs.launchConfigurations([A]))).toMatchObject({ code: 'ThrottlingException', retryable: true });
    drs.faults.apply({ internalError: { count: 4, operations: ['DescribeSourceServers'] } });
    expect(await failureOf(jobs.replication([A]))).toMatchObject({ code: 'InternalServerException', retryable: true });
  });
});
