/**
 * DRS refuses a start beyond its concurrent-jobs quota (ServiceQuotaExceededException, L-D88FAC3A). A slot
 * frees when a running job ends, so the refusal is retryable: 200 executions started at once must not fail
 * 180 of them for good. Found by the reliability suite.
 */
import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import { DrsEmulator, startDrsEmulator } from '../../../src/local/emulators';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';

const SERVERS = ['s-quota000000000001', 's-quota000000000002'];

describe('DrsRecoveryJobs at the concurrent-jobs quota', () => {
  let drs: DrsEmulator;
  beforeEach(async () => {
    drs = await startDrsEmulator({ maxConcurrentJobs: 1, sourceServers: SERVERS.map((sourceServerID) => ({ sourceServerID, hostname: sourceServerID })) });
  });
  afterEach(() => drs.close());

  it('classifies the refusal as retryable', async () => {
    const jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint }));
    await jobs.startRecovery({ isDrill: true, sourceServerIds: [SERVERS[0] as string], tags: {} });
    const refused = await jobs.startRecovery({ isDrill: true, sourceServerIds: [SERVERS[1] as string], tags: {} }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RecoveryJobsError);
    expect(refused).toMatchObject({ code: 'ServiceQuotaExceededException', retryable: true });
  });
});
