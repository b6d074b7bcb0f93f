/**
 * preflight and start_execution's readiness gate through the execution-handler, on dynalite: the request
 * shapes, the answers, and that a refused request writes nothing.
 */
import { FakeRecoveryJobs } from '../support/fakes/recoveryJobs';
import { APP_1, DB_1, PLAN_ID, samplePlan } from '../fixtures/plan';
import { type HandlerHarness, startHandlerHarness } from '../support/handlerHarness';

const NOW = '2026-12-01T10:00:00.000Z';

describe('preflight through the execution-handler', () => {
  let harness: HandlerHarness;
  let drs: FakeRecoveryJobs;
  beforeEach(async () => {
    drs = new FakeRecoveryJobs(() => NOW);
    harness = await startHandlerHarness({ now: () => NOW, overrides: { drs: async () => drs, workflow: async () => undefined } });
    await harness.deps.plans.put(samplePlan);
    drs.replicationOf.set(DB_1, { serverId: DB_1, state: 'STALLED', error: 'AGENT_NOT_SEEN' });
    drs.launchConfigurationOf.set(APP_1, { serverId: APP_1, exists: false, problems: [] });
  });
  afterEach(() => harness.stop());

  const nothingWritten = async () => expect(await harness.countItems()).toEqual({ events: 0, executions: 0, plans: 1, resumeTokens: 0 });

  it('answers the findings, BLOCKING first, and writes nothing', async () => {
    const response = await harness.call({ operation: 'preflight', planId: PLAN_ID });
    expect(response).toMatchObject({
      statusCode: 200,
      planId: PLAN_ID,
      executionType: 'DRILL',
      ready: false,
      checkedAt: NOW,
      totals: { blocking: 2, warning: 0 },
      findings: [
        { severity: 'BLOCKING', code: 'REPLICATION_NOT_HEALTHY', serverId: DB_1, waveNumber: 1 },
        { severity: 'BLOCKING', code: 'LAUNCH_CONFIGURATION_MISSING', serverId: APP_1, waveNumber: 2 },
      ],
    });
    await nothingWritten();
  });

  it.each([
    [{ operation: 'preflight' }, 400, 'MISSING_PARAMETERS'],
    [{ operation: 'preflight', planId: 'no spaces allowed' }, 400, 'INVALID_PARAMETERS'],
    [{ operation: 'preflight', planId: PLAN_ID, executionType: 'TEST' }, 400, 'INVALID_PARAMETERS'],
    [{ operation: 'preflight', planId: PLAN_ID, recoverAsOf: 'yesterday' }, 400, 'INVALID_PARAMETERS'],
    [{ operation: 'preflight', planId: 'plan-missing' }, 404, 'PLAN_NOT_FOUND'],
  ])('refuses %j with %s %s, writing nothing', async (request, statusCode, error) => {
    expect(await harness.call(request)).toMatchObject({ statusCode, error });
    await nothingWritten();
  });

  const start = (extra: Record<string, unknown> = {}) =>
    harness.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com', ...extra });

  it('start_execution refuses BLOCKING findings with 409 PREFLIGHT_BLOCKED and the findings; nothing is written', async () => {
    const response = await start();
    expect(response).toMatchObject({
      statusCode: 409,
      error: 'PREFLIGHT_BLOCKED',
      totals: { blocking: 2, warning: 0 },
      findings: [{ code: 'REPLICATION_NOT_HEALTHY' }, { code: 'LAUNCH_CONFIGURATION_MISSING' }],
    });
    expect(response.message).toMatch(/2 BLOCKING finding\(s\)/);
    await nothingWritten();
    expect((await harness.deps.plans.get(PLAN_ID))?.claim).toBeUndefined();
  });

  it.each([
    ['a blank reason', { override: { reason: '   ' } }, 'override.reason must not be empty'],
    ['a reason of 1025 characters', { override: { reason: 'x'.repeat(1025) } }, 'override.reason must be at most 1024 characters'],
    ['a reason with a line break', { override: { reason: 'fine\n## Verification PASSED' } }, 'override.reason'],
    ['a field of its own', { override: { reason: 'ok', by: 'someone' } }, 'override'],
    ['a string', { override: 'because' }, 'override must be an object'],
  ])('start_execution refuses an override with %s: 400, writing nothing', async (_label, extra, message) => {
    const response = await start(extra);
    expect(response).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(response.message).toContain(message);
    await nothingWritten();
  });

  it('with an override the start goes ahead, the deviation is in the ledger, and the details show it', async () => {
    const response = await start({ override: { reason: 'DB stall known; launch config fixed by hand' } });
    expect(response).toMatchObject({ statusCode: 200 });
    const executionId = response.executionId as string;
    const events = await harness.deps.store.read(executionId);
    expect(events.map((stored) => stored.event.type).slice(0, 2)).toEqual(['ExecutionStarted', 'ReadinessAssessed']);
    expect(events[1]?.event).toMatchObject({
      actor: 'ops@example.com',
      data: {
        totals: { blocking: 2, warning: 0 },
        deviation: { reason: 'DB stall known; launch config fixed by hand', acceptedBy: 'ops@example.com' },
      },
    });
    // The details fold the ledger when the view lags: what they show is the event's.
    const details = await harness.call({ operation: 'get_execution_details', executionId });
    expect(details).toMatchObject({
      statusCode: 200,
      readiness: {
        blocking: 2,
        warning: 0,
        deviation: { reason: 'DB stall known; launch config fixed by hand', acceptedBy: 'ops@example.com' },
      },
    });
  });
});
