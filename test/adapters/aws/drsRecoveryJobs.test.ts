import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import type { DrsAccount } from '../../../src/ports/recoveryJobs';
import { type DrsEmulator, startDrsEmulator, startStsEmulator, type StsEmulator } from '../../../src/local/emulators';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';

const ACCOUNT: DrsAccount = {
  accountId: '210987654321',
  region: 'eu-west-1',
  roleName: 'DRSOrchestrationRole',
  externalId: 'ext-123',
  onBehalfOf: 'exec-0001',
};
const ROLE_ARN = 'arn:aws:iam::210987654321:role/DRSOrchestrationRole';
const SERVER = 's-00000000000000001';

describe('DrsRecoveryJobs in another account (DRS and STS emulators)', () => {
  let drs: DrsEmulator;
  let sts: StsEmulator;
  let jobs: DrsRecoveryJobs;

  beforeEach(async () => {
    drs = await startDrsEmulator({ sourceServers: [{ sourceServerID: SERVER, hostname: 'app-01' }] });
    sts = await startStsEmulator();
    jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint, STS_ENDPOINT: sts.endpoint }));
  });

  afterEach(async () => {
    await drs.close();
    await sts.close();
  });

  const start = (account?: DrsAccount) => jobs.startRecovery({ isDrill: true, sourceServerIds: [SERVER], tags: { t: '1' } }, account);
  const failureOf = async (promise: Promise<unknown>): Promise<RecoveryJobsError> => {
    try {
      await promise;
    } catch (error) {
      return error as RecoveryJobsError;
    }
    throw new Error('expected a rejection');
  };

  it("signs the account's requests with the assumed role, and home requests with the home credentials", async () => {
    sts.trustRole({ roleArn: ROLE_ARN, externalId: 'ext-123' });
    const job = await start(ACCOUNT);
    await jobs.describeJobs([job.jobId], ACCOUNT);
    await jobs.hostnames([SERVER], ACCOUNT);
    await jobs.findJobsByTags({ t: '1' }, '2020-01-01T00:00:00Z', ACCOUNT);
    await jobs.describeJobs([job.jobId]);

    const [issued] = sts.issued();
    expect(drs.stats.snapshot().callers).toEqual({
      [issued!.accessKeyId]: { StartRecovery: 1, DescribeJobs: 2, DescribeSourceServers: 1 },
      local: { DescribeJobs: 1 },
    });
    expect(sts.assumeRoleRequests()).toHaveLength(1);
  });

  it('classifies AccessDenied from STS as not retryable, naming the role; DRS is never called', async () => {
    const denied = await failureOf(start(ACCOUNT));
    expect(denied).toBeInstanceOf(RecoveryJobsError);
    expect(denied).toMatchObject({ code: 'AccessDenied', retryable: false });
    expect(denied.message).toContain(ROLE_ARN);

    sts.trustRole({ roleArn: ROLE_ARN, externalId: 'another-id' });
    expect(await failureOf(jobs.describeJobs(['drsjob-00000000000000001'], ACCOUNT))).toMatchObject({
      code: 'AccessDenied',
      retryable: false,
    });
    expect(drs.stats.snapshot().calls).toEqual({});
  });

  it('classifies STS throttling as retryable', async () => {
    sts.trustRole({ roleArn: ROLE_ARN, externalId: 'ext-123' });
    sts.faults.apply({ failAssumeRole: { count: 3, code: 'Throttling' } });
    expect(await failureOf(start(ACCOUNT))).toMatchObject({ code: 'Throttling', retryable: true });
    expect((await start(ACCOUNT)).jobId).toMatch(/^drsjob-/);
  });
});
