/**
 * A plan stored before names were checked may still hold a line break. start_execution validates the plan
 * it starts from, so such a plan is refused there too, with the field named, and nothing is written.
 */
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const EXECUTION_ID = 'exec-unchecked-plan-name';

describe('start_execution of a plan whose wave name holds a line break', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld({ newExecutionId: () => EXECUTION_ID });
  });
  afterEach(() => world.stop());

  it('given such a plan in the plans table, when started, then it is refused naming the field, and the plan stays free', async () => {
    await world.loadPlans({
      ...samplePlan,
      waves: samplePlan.waves.map((wave, index) => (index === 2 ? { ...wave, waveName: 'web\ntier' } : wave)),
    });
    const refused = await world.call({
      operation: 'start_execution',
      planId: PLAN_ID,
      executionType: 'DRILL',
      initiatedBy: 'dr-lead@example.com',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.message).toContain('waves.2.waveName: must not contain control characters, line breaks or bidirectional-text controls');
    expect(await world.ledger(EXECUTION_ID)).toEqual([]);
    expect((await world.harness.deps.plans.get(PLAN_ID))?.claim).toBeUndefined();
    expect(world.drs.stats.startRecoveryFor(EXECUTION_ID, 1).calls).toBe(0);
    expect(world.sns.messages()).toEqual([]);
  });
});
