import { sourceIdentityOf } from '../../../src/domain/execution';
import {
  AssumeRoleError,
  CrossAccountCredentials,
  type ExternalIdResolver,
  externalIdFromPlans,
  externalIdSource,
  roleArn,
  sessionName,
} from '../../../src/adapters/aws/assumeRole';
import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { InMemoryPlanStore } from '../../../src/adapters/memory';
import { configFromEnv } from '../../../src/config';
import type { AccountContext } from '../../../src/domain/execution';
import type { PlanTarget } from '../../../src/domain/plan/planTarget';
import {
  type DrsEmulator,
  manualClock,
  type ManualClock,
  startDrsEmulator,
  startStsEmulator,
  type StsEmulator,
} from '../../../src/local/emulators';
import type { DrsAccount } from '../../../src/ports/recoveryJobs';
import { samplePlan } from '../../fixtures/plan';

const EXECUTION = 'exec-0001';
/** An account as a ledger written before plans owned their targets records it: with the ExternalId itself. */
const ACCOUNT: DrsAccount = {
  accountId: '210987654321',
  region: 'eu-west-1',
  roleName: 'DRSOrchestrationRole',
  externalId: 'ext-123',
  onBehalfOf: EXECUTION,
};
const ROLE_ARN = 'arn:aws:iam::210987654321:role/DRSOrchestrationRole';
const NO_EXTERNAL_ID: DrsAccount = {
  accountId: '123456789012',
  region: 'us-east-1',
  roleName: 'DRSOrchestrationRole',
  onBehalfOf: EXECUTION,
};

/** A plan owning its target, with an ExternalId; executions of it record the plan's id in its stead. */
const PLAN_ID = 'plan-billing';
const PLAN_EXTERNAL_ID = 'ext-from-plan-7f3a';
const PLAN_TARGET: PlanTarget = { accountId: '345678901234', region: 'eu-central-1', externalId: PLAN_EXTERNAL_ID };
const PLAN_ROLE_ARN = 'arn:aws:iam::345678901234:role/DRSOrchestrationRole';
const FROM_PLAN: DrsAccount = {
  accountId: '345678901234',
  region: 'eu-central-1',
  roleName: 'DRSOrchestrationRole',
  externalIdFromPlan: PLAN_ID,
  onBehalfOf: EXECUTION,
};
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
  let plans: InMemoryPlanStore;
  /** Every plan read the credentials made for an ExternalId. */
  let lookups: Array<{ planId: string; account: AccountContext }>;
  let credentials: CrossAccountCredentials;

  const config = () => configFromEnv({ DRS_LEDGER_LOCAL: 'true', STS_ENDPOINT: sts.endpoint });
  const targetPlan = (target: PlanTarget) => plans.put({ ...samplePlan, planId: PLAN_ID, target });

  beforeEach(async () => {
    clock = manualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
    sts = await startStsEmulator({
      clock: clock.now,
      roles: [
        { roleArn: ROLE_ARN, externalId: 'ext-123' },
        { roleArn: PLAN_ROLE_ARN, externalId: PLAN_EXTERNAL_ID },
      ],
    });
    plans = new InMemoryPlanStore();
    await targetPlan(PLAN_TARGET);
    lookups = [];
    const fromPlans = externalIdFromPlans(plans, 'DRSOrchestrationRole');
    const recorded: ExternalIdResolver = (planId, account) => {
      lookups.push({ planId, account });
      return fromPlans(planId, account);
    };
    credentials = new CrossAccountCredentials(config(), recorded, clock.now);
  });

  afterEach(() => sts.close());

  const get = (account: DrsAccount = ACCOUNT) => credentials.provider(account)();

  describe('the ExternalId', () => {
    it("reads the one the execution's plan declares, and sends it in a session named for the execution", async () => {
      const identity = await get(FROM_PLAN);

      expect(sts.assumeRoleRequests()).toEqual([
        expect.objectContaining({
          roleArn: PLAN_ROLE_ARN,
          externalId: PLAN_EXTERNAL_ID,
          sessionName: 'drs-ledger-exec-0001',
          durationSeconds: 3600,
          callerAccessKeyId: 'local',
          outcome: 'OK',
        }),
      ]);
      expect(identity.accessKeyId).toBe(sts.issued()[0]!.accessKeyId);
      expect(lookups).toEqual([{ planId: PLAN_ID, account: FROM_PLAN }]);
    });

    it("passes an older ledger's own ExternalId as before, without reading any plan", async () => {
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
          sessionName: 'drs-ledger-exec-0001',
          durationSeconds: 3600,
          callerAccessKeyId: 'local',
          outcome: 'OK',
        }),
      ]);
      expect(lookups).toEqual([]);
    });

    it('sends none when the account context has none', async () => {
      sts.trustRole({ roleArn: 'arn:aws:iam::123456789012:role/DRSOrchestrationRole' });
      await get(NO_EXTERNAL_ID);
      const [request] = sts.assumeRoleRequests();
      expect(request).toMatchObject({ roleArn: 'arn:aws:iam::123456789012:role/DRSOrchestrationRole', outcome: 'OK' });
      expect(request).not.toHaveProperty('externalId');
      expect(lookups).toEqual([]);
    });

    it('is not read again while the credentials are cached; a renewal reads it again, and sends the rotated one', async () => {
      const first = await get(FROM_PLAN);
      await Promise.all([get(FROM_PLAN), get(FROM_PLAN)]);
      clock.advance(30 * MINUTE);
      expect(await get(FROM_PLAN)).toBe(first);
      expect(lookups).toHaveLength(1);

      // The plan's owner rotates the ExternalId in the plan and in the role's trust policy.
      await targetPlan({ ...PLAN_TARGET, externalId: 'ext-rotated-9c1d' });
      sts.trustRole({ roleArn: PLAN_ROLE_ARN, externalId: 'ext-rotated-9c1d' });
      clock.advance(25 * MINUTE); // 5 minutes before expiry: renewal
      const renewed = await get(FROM_PLAN);
      expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
      expect(lookups).toHaveLength(2);
      expect(sts.assumeRoleRequests().map((request) => request.externalId)).toEqual([PLAN_EXTERNAL_ID, 'ext-rotated-9c1d']);
    });

    it.each<[string, () => Promise<unknown>, DrsAccount]>([
      ['the plan is gone', async () => undefined, { ...FROM_PLAN, externalIdFromPlan: 'plan-deleted' }],
      ['the plan no longer declares one', () => targetPlan({ accountId: '345678901234', region: 'eu-central-1' }), FROM_PLAN],
      // The attack: the plan now targets another account, whose ExternalId must not reach this account's role.
      ['the plan now targets another account', () => targetPlan({ ...PLAN_TARGET, accountId: '456789012345' }), FROM_PLAN],
      ['the plan now targets another region', () => targetPlan({ ...PLAN_TARGET, region: 'us-west-2' }), FROM_PLAN],
      ['the plan now targets another role', () => targetPlan({ ...PLAN_TARGET, roleName: 'OtherRole' }), FROM_PLAN],
    ])('is unavailable when %s: AssumeRole is not attempted, and the error names the plan and role', async (_, change, account) => {
      await change();
      const error = await rejectionOf(get(account));

      expect(error).toBeInstanceOf(AssumeRoleError);
      expect(error).toMatchObject({ code: 'ExternalIdUnavailable', roleArn: PLAN_ROLE_ARN, retryable: false });
      expect(error.message).toContain(`Recovery plan ${account.externalIdFromPlan}`);
      expect(error.message).toContain(PLAN_ROLE_ARN);
      expect(error.message).not.toContain(PLAN_EXTERNAL_ID);
      expect(sts.assumeRoleRequests()).toEqual([]);
    });

    it('is unavailable when the resolver answers undefined; the failure is not remembered', async () => {
      const answer: { externalId?: string } = {};
      const resolving = new CrossAccountCredentials(config(), async () => answer.externalId, clock.now);

      const error = await rejectionOf(resolving.provider(FROM_PLAN)());
      expect(error).toMatchObject({ code: 'ExternalIdUnavailable', roleArn: PLAN_ROLE_ARN, retryable: false });
      expect(sts.assumeRoleRequests()).toEqual([]);

      answer.externalId = PLAN_EXTERNAL_ID;
      expect((await resolving.provider(FROM_PLAN)()).accessKeyId).toMatch(/^ASIA/);
      expect(sts.assumeRoleRequests()).toEqual([expect.objectContaining({ externalId: PLAN_EXTERNAL_ID, outcome: 'OK' })]);
    });

    it('a plan store that cannot be read fails retryably, before STS', async () => {
      const unreadable = new CrossAccountCredentials(
        config(),
        async () => {
          throw Object.assign(new Error('Service unavailable'), { name: 'InternalServerError' });
        },
        clock.now,
      );
      const error = await rejectionOf(unreadable.provider(FROM_PLAN)());
      expect(error).toMatchObject({ code: 'ExternalIdLookupFailed', roleArn: PLAN_ROLE_ARN, retryable: true });
      expect(error.message).toContain(PLAN_ID);
      expect(error.message).toContain('InternalServerError: Service unavailable');
      expect(sts.assumeRoleRequests()).toEqual([]);
    });

    it('never appears in an error message, even when STS quotes the value it refused', async () => {
      // An older ledger's ExternalId that STS refuses: its ValidationError quotes the value.
      const refused = await rejectionOf(get({ ...ACCOUNT, externalId: 'ext 123 secret' }));
      expect(sts.assumeRoleRequests()[0]).toMatchObject({ externalId: 'ext 123 secret', outcome: 'ValidationError' });
      expect(refused).toMatchObject({ code: 'ValidationError', roleArn: ROLE_ARN, retryable: false });
      expect(refused.message).toContain("Value '<ExternalId>' at 'externalId'");
      expect(refused.message).not.toContain('secret');

      // The plan's ExternalId, no longer the one the role trusts.
      sts.trustRole({ roleArn: PLAN_ROLE_ARN, externalId: 'ext-someone-else' });
      const denied = await rejectionOf(get(FROM_PLAN));
      expect(denied).toMatchObject({ code: 'AccessDenied', roleArn: PLAN_ROLE_ARN, retryable: false });
      expect(denied.message).not.toContain(PLAN_EXTERNAL_ID);
    });

    it('is never part of a cache key: an older ledger keys on a digest of it, a plan on its id', () => {
      const key = externalIdSource(ACCOUNT);
      expect(key).not.toContain('ext-123');
      expect(externalIdSource({ ...ACCOUNT })).toBe(key);
      expect(externalIdSource({ ...ACCOUNT, externalId: 'ext-124' })).not.toBe(key);
      expect(externalIdSource(FROM_PLAN)).toBe(`plan:${PLAN_ID}`);
      expect(externalIdSource(NO_EXTERNAL_ID)).toBe('none');
    });
  });

  describe('the session', () => {
    it('is one per execution: two executions on one role assume it twice, in two sessions, each then cached', async () => {
      const second: DrsAccount = { ...FROM_PLAN, onBehalfOf: 'exec-0002' };
      const [a, b] = await Promise.all([get(FROM_PLAN), get(second)]);
      expect(b.accessKeyId).not.toBe(a.accessKeyId);
      expect(await get(FROM_PLAN)).toBe(a);
      expect(await get(second)).toBe(b);

      expect(sts.assumeRoleRequests().map((request) => [request.roleArn, request.sessionName, request.outcome])).toEqual([
        [PLAN_ROLE_ARN, 'drs-ledger-exec-0001', 'OK'],
        [PLAN_ROLE_ARN, 'drs-ledger-exec-0002', 'OK'],
      ]);
      expect(sts.issued().map((issued) => issued.assumedRoleArn)).toEqual([
        'arn:aws:sts::345678901234:assumed-role/DRSOrchestrationRole/drs-ledger-exec-0001',
        'arn:aws:sts::345678901234:assumed-role/DRSOrchestrationRole/drs-ledger-exec-0002',
      ]);
      expect(lookups).toHaveLength(2);
    });

    it('carries the verified starter as SourceIdentity, and never shares credentials across two of them', async () => {
      const alice: DrsAccount = { ...FROM_PLAN, sourceIdentity: sourceIdentityOf('arn:aws:iam::123456789012:user/alice') };
      const bob: DrsAccount = { ...FROM_PLAN, sourceIdentity: sourceIdentityOf('arn:aws:sts::123456789012:assumed-role/DRApprover/bob') };
      const [a, b] = await Promise.all([get(alice), get(bob)]);
      expect(b.accessKeyId).not.toBe(a.accessKeyId);
      await get(FROM_PLAN);
      expect(sts.assumeRoleRequests().map((request) => [request.sessionName, request.sourceIdentity, request.outcome])).toEqual([
        ['drs-ledger-exec-0001', 'alice', 'OK'],
        ['drs-ledger-exec-0001', 'bob', 'OK'],
        ['drs-ledger-exec-0001', undefined, 'OK'],
      ]);
    });

    it('derives a SourceIdentity STS accepts from any principal ARN', () => {
      expect(sourceIdentityOf('arn:aws:sts::123456789012:assumed-role/DRApprover/jane.doe@corp.example')).toBe('jane.doe@corp.example');
      expect(sourceIdentityOf(`arn:aws:iam::123456789012:user/${'x'.repeat(100)}`)).toHaveLength(64);
      expect(sourceIdentityOf('arn:aws:iam::123456789012:user/a')).toBe('a-');
      expect(sourceIdentityOf('arn:aws:iam::123456789012:user/a:b')).toMatch(/^[\w+=,.@-]{2,64}$/);
    });

    it("of find's batched reads is drs-ledger-find", async () => {
      await get({ ...FROM_PLAN, onBehalfOf: 'find' });
      expect(sts.assumeRoleRequests()).toEqual([expect.objectContaining({ sessionName: 'drs-ledger-find', outcome: 'OK' })]);
    });

    it('is named within what STS accepts: other characters become "-", and the name is cut to 64', async () => {
      const odd = 'exec/2026 01 01:drill#1 ü😀';
      const long = `exec-${'x'.repeat(80)}`;
      await get({ ...FROM_PLAN, onBehalfOf: odd });
      await get({ ...FROM_PLAN, onBehalfOf: long });

      const expected = ['drs-ledger-exec-2026-01-01-drill-1---', `drs-ledger-exec-${'x'.repeat(48)}`];
      expect(sessionName(odd)).toBe(expected[0]);
      expect(sessionName(long)).toHaveLength(64);
      expect(sts.assumeRoleRequests().map((request) => [request.sessionName, request.outcome])).toEqual([
        [expected[0], 'OK'],
        [expected[1], 'OK'],
      ]);
    });
  });

  describe('the cache and STS failures', () => {
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
      const unreachable = new CrossAccountCredentials(
        configFromEnv({ DRS_LEDGER_LOCAL: 'true', STS_ENDPOINT: closed.endpoint }),
        async () => undefined,
      );
      const error = await rejectionOf(unreachable.provider(ACCOUNT)());
      expect(error).toMatchObject({ roleArn: ROLE_ARN, retryable: true, message: expect.stringContaining('ECONNREFUSED') });
    });
  });
});

describe("DrsRecoveryJobs: each execution's DRS calls in its own session", () => {
  const SERVER = 's-00000000000000001';
  let drs: DrsEmulator;
  let sts: StsEmulator;
  let jobs: DrsRecoveryJobs;

  beforeEach(async () => {
    drs = await startDrsEmulator({ sourceServers: [{ sourceServerID: SERVER, hostname: 'app-01' }] });
    sts = await startStsEmulator({ roles: [{ roleArn: PLAN_ROLE_ARN, externalId: PLAN_EXTERNAL_ID }] });
    const plans = new InMemoryPlanStore();
    await plans.put({ ...samplePlan, planId: PLAN_ID, target: PLAN_TARGET });
    const config = configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint, STS_ENDPOINT: sts.endpoint });
    jobs = new DrsRecoveryJobs(config, new CrossAccountCredentials(config, externalIdFromPlans(plans, config.crossAccountRoleName)));
  });

  afterEach(async () => {
    await drs.close();
    await sts.close();
  });

  it("signs each execution's requests with its own session's credentials, and find's with find's", async () => {
    const onBehalfOf = (caller: string): DrsAccount => ({ ...FROM_PLAN, onBehalfOf: caller });
    const job = await jobs.startRecovery({ isDrill: true, sourceServerIds: [SERVER], tags: { t: '1' } }, onBehalfOf('exec-0001'));
    await jobs.describeJobs([job.jobId], onBehalfOf('exec-0002'));
    await jobs.describeJobs([job.jobId], onBehalfOf('find'));
    await jobs.describeJobs([job.jobId], onBehalfOf('exec-0001'));

    const keyOf = Object.fromEntries(sts.issued().map((issued) => [issued.roleSessionName, issued.accessKeyId]));
    expect(Object.keys(keyOf)).toEqual(['drs-ledger-exec-0001', 'drs-ledger-exec-0002', 'drs-ledger-find']);
    expect(drs.stats.snapshot().callers).toEqual({
      [keyOf['drs-ledger-exec-0001']!]: { StartRecovery: 1, DescribeJobs: 1 },
      [keyOf['drs-ledger-exec-0002']!]: { DescribeJobs: 1 },
      [keyOf['drs-ledger-find']!]: { DescribeJobs: 1 },
    });
    expect(sts.assumeRoleRequests().every((request) => request.externalId === PLAN_EXTERNAL_ID)).toBe(true);
  });
});
