/**
 * Whole drills in another account: a plan with a target (and an ExternalId), against dynalite and the DRS,
 * SNS and STS emulators through the real SDK clients. Every DRS request must be signed with the role's
 * temporary credentials, assumed once per execution under a session named after it, and neither those
 * credentials nor the plan's ExternalId may leave the plan store and the adapter; a start that names another
 * account is refused before anything is written.
 */
import { ANONYMOUS_CALLER, startStsEmulator, type StsEmulator } from '../../src/local/emulators';
import { samplePlan, PLAN_ID } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { countRequests } from '../support/requestCounter';

const OPERATOR = 'dr-lead@example.com';
const ACCOUNT = { accountId: '210987654321', region: 'eu-west-1', roleName: 'DRSOrchestrationRole' };
const EXTERNAL_ID = 'ext-123-the-plans-own-external-id';
const targetedPlan = { ...samplePlan, target: { accountId: ACCOUNT.accountId, region: ACCOUNT.region, externalId: EXTERNAL_ID } };
const ROLE_ARN = 'arn:aws:iam::210987654321:role/DRSOrchestrationRole';
/** A plan that recovers in the function's own account. */
const HOME_PLAN = { ...samplePlan, planId: 'rp-home-account' };

describe('a drill in another account', () => {
  let sts: StsEmulator;
  let world: DrillWorld;
  /** Every response the handler gave, for the "no secret leaves" check. */

  beforeEach(async () => {
    sts = await startStsEmulator();
    world = await startDrillWorld({}, { STS_ENDPOINT: sts.endpoint });
    await world.loadPlans(targetedPlan);
  });
  afterEach(async () => {
    await world.stop();
    await sts.close();
  });

  const call = (event: Record<string, unknown>) => world.call(event);
  const start = () =>
    call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR, accountContext: ACCOUNT });
  const pollUntil = (executionId: string, ...statuses: string[]) => world.pollUntil(executionId, PLAN_ID, ...statuses);
  const ledger = (executionId: string) => world.ledger(executionId);

  it('signs every DRS request with the assumed role, assumes it once with the ExternalId, and completes', async () => {
    sts.trustRole({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID });
    const started = await start();
    expect(started).toMatchObject({ statusCode: 200, status: 'RUNNING', currentWave: 1 });
    const executionId = started.executionId as string;

    const completed = await pollUntil(executionId, 'COMPLETED', 'FAILED');
    expect(completed).toMatchObject({ status: 'COMPLETED', currentWave: 3, waveStatus: 'COMPLETED' });
    const summary = await call({ operation: 'finalize', executionId, planId: PLAN_ID });
    expect(summary).toMatchObject({ statusCode: 200, status: 'COMPLETED', successfulServers: 7, failedServers: 0 });
    for (const wave of [1, 2, 3]) expect(world.drs.stats.startRecoveryFor(executionId, wave)).toEqual({ calls: 1, jobsCreated: 1 });

    // STS: one AssumeRole for the whole drill, on the account's role, with the plan's ExternalId, under a
    // session named after the execution (the target's CloudTrail attributes the calls), by the home credentials.
    expect(sts.assumeRoleRequests()).toEqual([
      expect.objectContaining({
        roleArn: ROLE_ARN,
        externalId: EXTERNAL_ID,
        sessionName: `drs-ledger-${executionId}`,
        callerAccessKeyId: 'local',
        outcome: 'OK',
      }),
    ]);
    const [assumed] = sts.issued();
    expect(assumed!.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);

    // DRS: every request signed with that key; none with the home credentials, none unsigned.
    const stats = world.drs.stats.snapshot();
    expect(Object.keys(stats.callers)).toEqual([assumed!.accessKeyId]);
    expect(stats.callers).not.toHaveProperty('local');
    expect(stats.callers).not.toHaveProperty(ANONYMOUS_CALLER);
    expect(stats.callers[assumed!.accessKeyId]).toEqual(stats.calls);
    expect(stats.calls.StartRecovery).toBe(3);
    expect(stats.calls.DescribeJobs).toBeGreaterThan(3);

    const details = await call({ operation: 'get_execution_details', executionId, queryParams: { planId: PLAN_ID } });
    expect(details).toMatchObject({ statusCode: 200, status: 'COMPLETED' });
    const events = await ledger(executionId);
    expect(events[0]).toMatchObject({
      type: 'ExecutionStarted',
      data: expect.objectContaining({ accountContext: { ...ACCOUNT, externalIdFromPlan: PLAN_ID } }),
    });

    // The role's secret and session token, and the plan's ExternalId, are in no log line, no response and no ledger event.
    const secrets = [assumed!.secretAccessKey, assumed!.sessionToken, EXTERNAL_ID];
    const written = [
      ...world.harness.logLines.map((line) => JSON.stringify(line)),
      ...world.responses.map((response) => JSON.stringify(response)),
      ...events.map((event) => JSON.stringify(event)),
    ];
    expect(world.harness.logLines.length).toBeGreaterThan(0);
    expect(world.responses.length).toBeGreaterThan(3);
    for (const secret of secrets) {
      expect(written.filter((text) => text.includes(secret))).toEqual([]);
    }
    // Nor any part long enough to matter (a truncated or escaped copy).
    for (const secret of secrets) {
      const fragment = secret.slice(8, 32);
      expect(written.filter((text) => text.includes(fragment))).toEqual([]);
    }
  });

  it.each([
    ['a role STS does not trust', () => undefined],
    ['a wrong ExternalId', () => sts.trustRole({ roleArn: ROLE_ARN, externalId: 'ext-other' })],
  ])('refuses the start before anything is written, naming the role, for %s: preflight cannot assume it', async (_case, arrange) => {
    arrange();
    const started = await start();
    expect(started).toMatchObject({
      statusCode: 409,
      error: 'PREFLIGHT_BLOCKED',
      totals: { blocking: 1 },
      findings: [{ severity: 'BLOCKING', code: 'TARGET_UNREACHABLE' }],
    });
    const [finding] = started.findings as Array<{ reason: string }>;
    expect(finding?.reason).toContain('AccessDenied');
    expect(finding?.reason).toContain(ROLE_ARN);
    expect(JSON.stringify(started)).not.toContain(EXTERNAL_ID);

    // DRS was never called; STS refused preflight's one request for the role; the plan is free, the ledger empty.
    expect(world.drs.stats.snapshot().calls).toEqual({});
    expect(sts.assumeRoleRequests().map((request) => [request.roleArn, request.externalId, request.outcome])).toEqual([
      [ROLE_ARN, EXTERNAL_ID, 'AccessDenied'],
    ]);
    expect((await world.harness.deps.plans.get(PLAN_ID))?.claim).toBeUndefined();
    expect((await world.harness.countItems()).events).toBe(0);
  });

  it('refuses a start whose preflight STS throttled; with an override it retries the wave start and completes', async () => {
    sts.trustRole({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID });
    // The STS client makes three attempts a call. A preflight whose checks could not run is no "ready": BLOCKING.
    sts.faults.apply({ failAssumeRole: { count: 3, code: 'Throttling' } });
    const refused = await start();
    expect(refused).toMatchObject({ statusCode: 409, error: 'PREFLIGHT_BLOCKED' });
    expect((refused.findings as object[]).length).toBeGreaterThan(0);
    for (const finding of refused.findings as object[]) {
      expect(finding).toMatchObject({ severity: 'BLOCKING', code: 'READINESS_CHECK_FAILED' });
    }
    expect((await world.harness.countItems()).events).toBe(0);

    // Throttled again for preflight, for the start's look at the sources (it goes on without them) and the wave's start.
    sts.faults.apply({ failAssumeRole: { count: 9, code: 'Throttling' } });
    const started = await call({
      operation: 'start_execution',
      planId: PLAN_ID,
      executionType: 'DRILL',
      initiatedBy: OPERATOR,
      accountContext: ACCOUNT,
      override: { reason: 'STS throttled; DRS was healthy an hour ago (CHG-7)' },
    });
    expect(started).toMatchObject({ statusCode: 200 });
    const executionId = started.executionId as string;
    const first = await ledger(executionId);
    expect(first.find((event) => event.type === 'WaveStartFailed')?.data).toMatchObject({ retryable: true, error: { code: 'Throttling' } });
    expect(first.map((event) => event.type)).not.toContain('ExecutionFailed');

    const completed = await pollUntil(executionId, 'COMPLETED', 'FAILED');
    expect(completed.status).toBe('COMPLETED');
    expect(sts.assumeRoleRequests().map((request) => request.outcome)).toEqual([...Array<string>(12).fill('Throttling'), 'OK']);
    // The unread checks were overridden: the ledger records the deviation and who accepted it.
    const assessed = first.find((event) => event.type === 'ReadinessAssessed')?.data as {
      totals: { blocking: number };
      deviation?: { reason: string; acceptedBy: string };
    };
    expect(assessed.totals.blocking).toBeGreaterThan(0);
    expect(assessed.deviation).toMatchObject({ reason: 'STS throttled; DRS was healthy an hour ago (CHG-7)', acceptedBy: OPERATOR });
    expect(world.drs.stats.startRecoveryFor(executionId, 1)).toEqual({ calls: 1, jobsCreated: 1 });
  });

  describe('the attack: a caller names the account', () => {
    it.each([
      [
        'another account, its own role and ExternalId',
        { accountId: '999999999999', region: 'eu-west-1', roleName: 'DRSOrchestrationRole', externalId: 'anything' },
      ],
      ["the plan's account with a guessed ExternalId", { ...ACCOUNT, externalId: 'guessed' }],
      ["the plan's account in another region", { ...ACCOUNT, region: 'us-east-1' }],
      ['any account, on a plan that declares no target', { ...ACCOUNT, accountId: '999999999999' }, HOME_PLAN.planId],
    ])('%s: 400 INVALID_PARAMETERS, nothing written, STS and DRS never called', async (_case, accountContext, planId = PLAN_ID) => {
      sts.trustRole({ roleArn: 'arn:aws:iam::999999999999:role/DRSOrchestrationRole' });
      sts.trustRole({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID });
      await world.loadPlans(HOME_PLAN);
      const requests = countRequests(world.harness.dynamo.client);
      const refused = await call({
        operation: 'start_execution',
        planId,
        executionType: 'DRILL',
        initiatedBy: OPERATOR,
        accountContext,
      });
      expect(refused).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
      expect(String(refused.message)).toMatch(/is not|declares no target/);
      expect(JSON.stringify(refused)).not.toContain(EXTERNAL_ID);
      // Nothing written at all: the plan's slot was never claimed (then released), nothing appended.
      expect(Object.keys(requests.counts).filter((command) => !/^(Get|Query|BatchGet|Scan)/.test(command))).toEqual([]);
      expect((await world.harness.deps.plans.get(planId))?.claim).toBeUndefined();
      expect((await world.harness.deps.store.listExecutions(10)).executions).toEqual([]);
      expect(sts.assumeRoleRequests()).toEqual([]);
      expect(world.drs.stats.snapshot().calls).toEqual({});
    });
  });
});
