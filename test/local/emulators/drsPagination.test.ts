import { DescribeJobsCommand, type DrsClient, paginateDescribeJobs, StartRecoveryCommand } from '@aws-sdk/client-drs';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators/drs';
import { drsClient, serverId } from './support';

describe('DRS emulator: DescribeJobs pagination and filters', () => {
  let clock: ManualClock;
  let emulator: DrsEmulator;
  let drs: DrsClient;
  const jobIds: string[] = [];

  beforeEach(async () => {
    clock = manualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
    emulator = await startDrsEmulator({
      clock: clock.now,
      sourceServers: Array.from({ length: 10 }, (_, i) => ({ sourceServerID: serverId(i + 1), hostname: `host-${i + 1}` })),
    });
    drs = drsClient(emulator.endpoint, { maxAttempts: 1 });
    jobIds.length = 0;
    for (let i = 1; i <= 7; i += 1) {
      const { job } = await drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: serverId(i) }] }));
      jobIds.push(job!.jobID!);
      clock.advance(1_000);
    }
  });

  afterEach(async () => {
    drs.destroy();
    await emulator.close();
  });

  it('returns every job once, newest first, in pages of maxResults', async () => {
    const first = await drs.send(new DescribeJobsCommand({ maxResults: 3 }));
    expect(first.items!.map((j) => j.jobID)).toEqual([jobIds[6], jobIds[5], jobIds[4]]);
    expect(first.nextToken).toEqual(expect.any(String));

    // A job created between pages is not seen by the walk already under way, and nothing repeats.
    const late = await drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: serverId(8) }] }));
    const second = await drs.send(new DescribeJobsCommand({ maxResults: 3, nextToken: first.nextToken as string }));
    expect(second.items!.map((j) => j.jobID)).toEqual([jobIds[3], jobIds[2], jobIds[1]]);
    const third = await drs.send(new DescribeJobsCommand({ maxResults: 3, nextToken: second.nextToken as string }));
    expect(third.items!.map((j) => j.jobID)).toEqual([jobIds[0]]);
    expect(third.nextToken).toBeUndefined();

    const walked: string[] = [];
    for await (const page of paginateDescribeJobs({ client: drs, pageSize: 2 }, {})) walked.push(...page.items!.map((j) => j.jobID!));
    expect(walked).toEqual([late.job!.jobID, ...[...jobIds].reverse()]);
  });

  it('filters by job ids and by creation date', async () => {
    const some = await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [jobIds[0]!, jobIds[3]!, 'drsjob-00000000000000000'] } }));
    expect(some.items!.map((j) => j.jobID)).toEqual([jobIds[3], jobIds[0]]);

    const all = await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [] } }));
    expect(all.items).toHaveLength(7);

    const window = await drs.send(
      new DescribeJobsCommand({ filters: { fromDate: '2025-06-01T12:00:02Z', toDate: '2025-06-01T12:00:04.000Z' } }),
    );
    expect(window.items!.map((j) => j.jobID)).toEqual([jobIds[4], jobIds[3], jobIds[2]]);
  });

  it('pages through 1,000 job ids in one filter', async () => {
    const ids = [...jobIds, ...Array.from({ length: 993 }, (_, i) => `drsjob-${String(i).padStart(17, '0')}`)];
    const result = await drs.send(new DescribeJobsCommand({ filters: { jobIDs: ids }, maxResults: 1000 }));
    expect(result.items).toHaveLength(7);
  });
});
