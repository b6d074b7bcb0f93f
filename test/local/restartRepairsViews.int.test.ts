/**
 * A local stack killed while its projector was writing a view (after a wave item, before the header) has
 * no stream to redeliver from: on restart, views are caught up from the ledger, and a view whose items
 * disagree is refolded and written like one that lags.
 */
import { replayView } from '../../projections/projectExecutionView';
import { recoverAfterRestart } from '../../src/local/recoverAfterRestart';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { crashBeforeNextViewHeader } from '../support/viewWriteFaults';

describe('restart repairs half-written views', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld({ overrides: { workflow: async () => undefined } });
    await world.loadPlans(samplePlan);
  });
  afterEach(() => world.stop());

  it('refolds a view whose header never landed, and counts it caught up', async () => {
    const start = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    const executionId = start.executionId as string;
    // The process dies while projecting the poll's events: nothing redelivers them afterwards.
    world.harness.stream.pause();
    world.clock.advance(60_000);
    await world.call({ operation: 'poll', executionId, planId: PLAN_ID });
    crashBeforeNextViewHeader(world.harness.dynamo.client);
    expect((await world.harness.stream.catchUp()).failed.length).toBeGreaterThan(0);
    expect(await world.harness.deps.views.read(executionId)).toMatchObject({ view: undefined });

    const report = await recoverAfterRestart(world.harness.deps);

    expect(report.viewsCaughtUp).toBe(1);
    const events = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
    expect(await world.harness.deps.views.get(executionId)).toEqual(replayView(events));
  });
});
