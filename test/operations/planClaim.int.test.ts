/**
 * One active execution per plan, held by a conditional write on the plan's item and freed at the end.
 * A claim whose ExecutionStarted never reached the ledger (a crash between the two writes) expires.
 */
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const GRACE_SECONDS = 120;
const startRequest = { operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' };

describe('the plan slot', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld({}, { PLAN_CLAIM_GRACE_SECONDS: String(GRACE_SECONDS) });
    await world.loadPlans(samplePlan);
  });
  afterEach(() => world.stop());

  const now = () => new Date(world.clock.now()).toISOString();

  it('given a claim whose start never landed, refuses starts within the grace period and allows one after', async () => {
    const crashed = { executionId: 'exec-crashed-before-start', claimedAt: now() };
    expect(await world.harness.deps.plans.claim(PLAN_ID, crashed)).toEqual({ ok: true });

    world.clock.advance((GRACE_SECONDS - 1) * 1000);
    expect(await world.harness.call(startRequest)).toMatchObject({
      statusCode: 409,
      error: 'EXECUTION_CONFLICT',
      activeExecutionId: 'exec-crashed-before-start',
    });

    world.clock.advance(1000);
    const started = await world.harness.call(startRequest);
    expect(started).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    expect((await world.harness.deps.plans.get(PLAN_ID))?.claim?.executionId).toBe(started.executionId);
  });

  it('given a claim held by an execution that already ended, a start takes it over at once', async () => {
    const first = await world.harness.call(startRequest);
    // As if a crash came between the end and the release: the ended execution still holds the slot.
    await world.harness.call({ operation: 'cancel', executionId: first.executionId, planId: PLAN_ID });
    await world.harness.deps.plans.claim(PLAN_ID, { executionId: first.executionId as string, claimedAt: now() });
    // A cancel does not stop the DRS job it started: once that job has ended, preflight finds no server busy.
    world.clock.advance(2 * 3600 * 1000);

    const second = await world.harness.call(startRequest);
    expect(second).toMatchObject({ statusCode: 200 });
    expect(second.executionId).not.toBe(first.executionId);
  });

  it('given a running execution, refuses a second start and names the active one', async () => {
    const first = await world.harness.call(startRequest);
    world.clock.advance(3600_000);
    expect(await world.harness.call(startRequest)).toMatchObject({ statusCode: 409, activeExecutionId: first.executionId });
  });

  it('of a plan that does not exist cannot be claimed', async () => {
    expect(await world.harness.deps.plans.claim('rp-nowhere', { executionId: 'x', claimedAt: now() })).toEqual({
      ok: false,
      reason: 'PlanNotFound',
    });
  });

  it('is kept when the plan is updated while an execution runs', async () => {
    const first = await world.harness.call(startRequest);
    await world.harness.deps.plans.put({ ...samplePlan, planName: 'Renamed' });
    const stored = await world.harness.deps.plans.get(PLAN_ID);
    expect(stored?.plan.planName).toBe('Renamed');
    expect(stored?.claim?.executionId).toBe(first.executionId);
  });
});
