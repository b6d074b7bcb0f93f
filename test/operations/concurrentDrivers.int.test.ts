/**
 * Several drivers at once (the state machine's poll, find's fan-out, a retried async invoke): each wave
 * is started in DRS exactly once, and the ledger stays gapless with views equal to its replay.
 */
import { replayView } from '../../projections/projectExecutionView';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

describe('concurrent polls of one execution', () => {
  let world: DrillWorld;
  beforeAll(async () => {
    world = await startDrillWorld();
    await world.loadPlans(samplePlan);
  });
  afterAll(() => world.stop());

  it('start each wave exactly once and lose nothing', async () => {
    const started = await world.harness.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    const executionId = started.executionId as string;
    let status = 'RUNNING';
    for (let round = 0; round < 100 && status === 'RUNNING'; round += 1) {
      world.clock.advance(20_000);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID })),
      );
      for (const answer of answers) expect(answer.statusCode).toBe(200);
      status = (await world.harness.deps.store.load(executionId)).state.status;
    }
    expect(status).toBe('COMPLETED');
    for (const wave of [1, 2, 3]) expect(world.drs.stats.startRecoveryFor(executionId, wave)).toEqual({ calls: 1, jobsCreated: 1 });

    const events = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.type === 'WaveStarted')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'Finalized')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'NotificationSent')).toHaveLength(1);
    expect(world.sns.messages()).toHaveLength(1);
    const view = await world.harness.deps.views.get(executionId);
    expect(view).toEqual(replayView(events));
  });
});
