import { ConflictException, DescribeJobsCommand, DescribeSourceServersCommand, StartRecoveryCommand } from '@aws-sdk/client-drs';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../../src/local/emulators/clock';
import { startDrsEmulator, QUICK_TIMINGS } from '../../../src/local/emulators/drs';
import { drsClient, rejectionOf, serverId } from './support';

describe('DRS emulator: state kept in a data folder', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'drs-emulator-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sees its source servers and jobs again after a restart on the same folder', async () => {
    const clock = manualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
    const first = await startDrsEmulator({
      timings: QUICK_TIMINGS,
      clock: clock.now,
      dataDir,
      sourceServers: [{ sourceServerID: serverId(1), hostname: 'app-01' }],
    });
    const client1 = drsClient(first.endpoint, { maxAttempts: 1 });
    const { job } = await client1.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: serverId(1) }], tags: { 'drs-ledger:wave': '1' } }),
    );
    client1.destroy();
    await first.close();

    expect(readdirSync(dataDir)).toEqual(['drs-emulator.json']); // no temporary file left behind
    const saved = JSON.parse(readFileSync(join(dataDir, 'drs-emulator.json'), 'utf8')) as { jobs: Array<{ jobID: string }> };
    expect(saved.jobs.map((j) => j.jobID)).toEqual([job!.jobID]);

    clock.advance(10_000);
    const second = await startDrsEmulator({ clock: clock.now, dataDir, timings: QUICK_TIMINGS });
    const client2 = drsClient(second.endpoint, { maxAttempts: 1 });
    try {
      const seen = (await client2.send(new DescribeJobsCommand({}))).items!;
      expect(seen.map((j) => [j.jobID, j.status, j.tags])).toEqual([[job!.jobID, 'STARTED', { 'drs-ledger:wave': '1' }]]);
      const servers = (await client2.send(new DescribeSourceServersCommand({}))).items!;
      expect(servers.map((s) => s.sourceProperties?.identificationHints?.hostname)).toEqual(['app-01']);
      // The restored job still holds its server.
      expect(
        await rejectionOf(client2.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: serverId(1) }] }))),
      ).toBeInstanceOf(ConflictException);
      clock.advance(60_000);
      const [done] = (await client2.send(new DescribeJobsCommand({}))).items!;
      expect(done!.status).toBe('COMPLETED');
      expect(done!.participatingServers![0]!.launchStatus).toBe('LAUNCHED');
    } finally {
      client2.destroy();
      await second.close();
    }
  });

  it('keeps everything in memory without a data folder', async () => {
    const emulator = await startDrsEmulator({ sourceServers: [{ sourceServerID: serverId(1), hostname: 'a' }] });
    try {
      expect(emulator.stateFile).toBeUndefined();
    } finally {
      await emulator.close();
    }
  });

  it('registers source servers over HTTP and refuses malformed ids', async () => {
    const emulator = await startDrsEmulator({ dataDir });
    const client = drsClient(emulator.endpoint, { maxAttempts: 1 });
    try {
      const ok = await fetch(`${emulator.endpoint}/__emulator/source-servers`, {
        method: 'POST',
        body: JSON.stringify({ sourceServers: [{ sourceServerID: serverId(7), hostname: 'web-07' }] }),
      });
      expect(ok.status).toBe(200);
      await ok.text();
      const bad = await fetch(`${emulator.endpoint}/__emulator/source-servers`, {
        method: 'POST',
        body: JSON.stringify({ sourceServers: [{ sourceServerID: 'server-7', hostname: 'web-07' }] }),
      });
      expect(bad.status).toBe(400);
      await bad.text();
      const { job } = await client.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: serverId(7) }] }));
      expect(job!.participatingServers![0]!.sourceServerID).toBe(serverId(7));
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});
