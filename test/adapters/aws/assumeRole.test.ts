import { AssumeRoleError, CrossAccountCredentials, roleArn } from '../../../src/adapters/aws/assumeRole';
import { configFromEnv } from '../../../src/config';
import type { AccountContext } from '../../../src/domain/execution';
import { manualClock, type ManualClock, startStsEmulator, type StsEmulator } from '../../../src/local/emulators';

const ACCOUNT: AccountContext = { accountId: '210987654321', region: 'eu-west-1', roleName: 'DRSOrchestrationRole', externalId: 'ext-123' };
const ROLE_ARN = 'arn:aws:iam::210987654321:role/DRSOrchestrationRole';
const NO_EXTERNAL_ID: AccountContext = { accountId: '123456789012', region: 'us-east-1', roleName: 'DRSOrchestrationRole' };
const MINUTE = 60_000;

/** A rejection's error (fails if the promise resolves). */
const rejectionOf = async (promise: Promise<unknown>): Promise<AssumeRoleError> => {
  try {
    await promise;
  } catch (error) {
    return error as AssumeRoleError;
  }
  throw new Error('expected a rejection');
};

describe('CrossAccountCredentials against the STS emulator', () => {
  let clock: ManualClock;
  let sts: StsEmulator;
  let credentials: CrossAccountCredentials;

  beforeEach(async () => {
    clock = manualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
    sts = await startStsEmulator({ clock: clock.now, roles: [{ roleArn: ROLE_ARN, externalId: 'ext-123' }] });
    credentials = new CrossAccountCredentials(configFromEnv({ DRS_LEDGER_LOCAL: 'true', STS_ENDPOINT: sts.endpoint }), clock.now);
  });

  afterEach(() => sts.close());

  const get = (account: AccountContext = ACCOUNT) => credentials.provider(account)();

  it('assumes the role named by the account context, with its ExternalId, signed with the home credentials', async () => {
    expect(roleArn(ACCOUNT)).toBe(ROLE_ARN);
    const identity = await get();
    const [issued] = sts.issued();
    expect(identity).toEqual({
      accessKeyId: issued!.accessKeyId,
      secretAccessKey: issued!.secretAccessKey,
      sessionToken: issued!.sessionToken,
      expiration: new Date(Date.UTC(2026, 0, 1, 10, 0, 0)),
    });
    expect(identity.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(sts.assumeRoleRequests()).toEqual([
      expect.objectContaining({
        roleArn: ROLE_ARN,
        externalId: 'ext-123',
        sessionName: 'drs-ledger',
        durationSeconds: 3600,
        callerAccessKeyId: 'local',
        outcome: 'OK',
      }),
    ]);
  });

  it('sends no ExternalId when the account context has none', async () => {
    sts.trustRole({ roleArn: 'arn:aws:iam::123456789012:role/DRSOrchestrationRole' });
    await get(NO_EXTERNAL_ID);
    const [request] = sts.assumeRoleRequests();
    expect(request).toMatchObject({ roleArn: 'arn:aws:iam::123456789012:role/DRSOrchestrationRole', outcome: 'OK' });
    expect(request).not.toHaveProperty('externalId');
  });

  it('caches per role: later calls, concurrent or not, do not reach STS', async () => {
    const [a, b, c] = await Promise.all([get(), get(), get()]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    clock.advance(30 * MINUTE);
    expect(await get()).toBe(a);
    expect(sts.assumeRoleRequests()).toHaveLength(1);

    // Another role (or another ExternalId) is another cache entry.
    sts.trustRole({ roleArn: 'arn:aws:iam::123456789012:role/DRSOrchestrationRole' });
    const other = await get(NO_EXTERNAL_ID);
    expect(other.accessKeyId).not.toBe(a.accessKeyId);
    expect(sts.assumeRoleRequests()).toHaveLength(2);
  });

  it('renews once when less than 5 minutes remain, then serves the new credentials', async () => {
    const first = await get();
    clock.set(Date.UTC(2026, 0, 1, 9, 55, 0) - 1); // 5 minutes and 1 ms before expiry
    expect(await get()).toBe(first);
    expect(sts.assumeRoleRequests()).toHaveLength(1);

    clock.advance(1); // exactly 5 minutes before expiry
    const [second, alsoSecond] = await Promise.all([get(), get()]);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(alsoSecond).toBe(second);
    expect(second.expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 10, 55, 0)));
    clock.advance(10 * MINUTE);
    expect(await get()).toBe(second);
    expect(sts.assumeRoleRequests()).toHaveLength(2);
  });

  it('follows the lifetime STS gives, not the one it asked for', async () => {
    sts.setCredentialLifetime(15 * 60);
    const first = await get();
    expect(first.expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 9, 15, 0)));
    clock.advance(9 * MINUTE);
    expect(await get()).toBe(first);
    clock.advance(MINUTE);
    expect((await get()).accessKeyId).not.toBe(first.accessKeyId);
    expect(sts.assumeRoleRequests()).toHaveLength(2);
  });

  it('surfaces an untrusted role and a wrong ExternalId as AccessDenied naming the role, not retryable and not cached', async () => {
    const untrusted = await rejectionOf(get({ ...ACCOUNT, accountId: '999999999999' }));
    expect(untrusted).toBeInstanceOf(AssumeRoleError);
    expect(untrusted).toMatchObject({
      code: 'AccessDenied',
      roleArn: 'arn:aws:iam::999999999999:role/DRSOrchestrationRole',
      retryable: false,
    });
    expect(untrusted.message).toMatch(
      /^AssumeRole on arn:aws:iam::999999999999:role\/DRSOrchestrationRole failed: User: .* is not authorized/,
    );

    const wrongExternalId = await rejectionOf(get({ ...ACCOUNT, externalId: 'ext-999' }));
    expect(wrongExternalId).toMatchObject({ code: 'AccessDenied', roleArn: ROLE_ARN, retryable: false });
    const { externalId: _trusted, ...withoutExternalId } = ACCOUNT;
    const noExternalId = await rejectionOf(get(withoutExternalId));
    expect(noExternalId).toMatchObject({ code: 'AccessDenied', retryable: false });

    // A failure is not remembered: once trusted, the next call assumes the role.
    sts.trustRole({ roleArn: 'arn:aws:iam::999999999999:role/DRSOrchestrationRole' });
    expect((await get({ ...ACCOUNT, accountId: '999999999999' })).accessKeyId).toMatch(/^ASIA/);
    expect(sts.assumeRoleRequests().map((r) => r.outcome)).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied', 'OK']);
  });

  it('marks STS throttling, STS faults and an unreachable STS as retryable', async () => {
    // The STS client makes 3 attempts; failing all three surfaces the error.
    sts.faults.apply({ failAssumeRole: { count: 3, code: 'Throttling' } });
    expect(await rejectionOf(get())).toMatchObject({ code: 'Throttling', retryable: true });
    sts.faults.apply({ failAssumeRole: { count: 3, code: 'ServiceUnavailable' } });
    expect(await rejectionOf(get())).toMatchObject({ code: 'ServiceUnavailable', retryable: true });
    expect((await get()).accessKeyId).toMatch(/^ASIA/);

    const closed = await startStsEmulator();
    await closed.close();
    const unreachable = new CrossAccountCredentials(configFromEnv({ DRS_LEDGER_LOCAL: 'true', STS_ENDPOINT: closed.endpoint }));
    const error = await rejectionOf(unreachable.provider(ACCOUNT)());
    expect(error).toMatchObject({ roleArn: ROLE_ARN, retryable: true, message: expect.stringContaining('ECONNREFUSED') });
  });
});
