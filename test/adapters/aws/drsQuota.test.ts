/**
 * DRS refuses a start beyond its job quotas with ServiceQuotaExceededException. A slot in the concurrent-jobs
 * (L-D88FAC3A) or servers-in-progress (L-05AFA8C6) quota frees when a running job ends, so those refusals are
 * retryable: 200 executions started at once must not fail 180 of them for good (found by the reliability
 * suite). Too many servers in one job (L-B827C881) is refused again however long one waits: final.
 */
import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import { type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';

const SERVERS = Array.from({ length: 101 }, (_, i) => `s-quota${String(i + 1).padStart(12, '0')}`);
const [FIRST, SECOND, THIRD] = SERVERS as [string, string, string];

describe("DrsRecoveryJobs at DRS's job quotas (through the real DrsClient)", () => {
  let drs: DrsEmulator;
  let jobs: DrsRecoveryJobs;
  beforeEach(async () => {
    drs = await startDrsEmulator({ sourceServers: SERVERS.map((sourceServerID) => ({ sourceServerID, hostname: sourceServerID })) });
    jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint }));
  });
  afterEach(() => drs.close());

  const start = (sourceServerIds: string[]) => jobs.startRecovery({ isDrill: true, sourceServerIds, tags: {} });
  const refusal = (sourceServerIds: string[]) => start(sourceServerIds).catch((error: unknown) => error);

  it('classifies the concurrent-jobs refusal as retryable', async () => {
    drs.setQuotas({ maxConcurrentJobs: 1 });
    await start([FIRST]);
    const refused = await refusal([SECOND]);
    expect(refused).toBeInstanceOf(RecoveryJobsError);
    expect(refused).toMatchObject({ code: 'ServiceQuotaExceededException', retryable: true });
    expect((refused as Error).message).toContain('concurrent jobs');
  });

  it('classifies the servers-in-progress refusal as retryable', async () => {
    drs.setQuotas({ maxServersInActiveJobs: 2 });
    await start([FIRST, SECOND]);
    expect(await refusal([THIRD])).toMatchObject({ code: 'ServiceQuotaExceededException', retryable: true });
  });

  it('classifies too many servers in one job as final: one request, no job', async () => {
    const refused = await refusal(SERVERS);
    expect(refused).toBeInstanceOf(RecoveryJobsError);
    expect(refused).toMatchObject({ code: 'ServiceQuotaExceededException', retryable: false });
    // The SDK's own retries leave a 402 alone too.
    expect(drs.stats.snapshot().calls.StartRecovery).toBe(1);
    expect(drs.jobs()).toHaveLength(0);
  });
});
