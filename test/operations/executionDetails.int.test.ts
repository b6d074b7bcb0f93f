/**
 * get_execution_details reads the view and the ledger's head (two requests); a view that lags behind
 * the ledger is caught up from the ledger, never served stale.
 */
import { replayView } from '../../projections/projectExecutionView';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { countRequests } from '../support/requestCounter';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { crashBeforeNextViewHeader } from '../support/viewWriteFaults';

describe('get_execution_details', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
    await world.loadPlans(samplePlan);
  });
  afterEach(() => world.stop());

  const start = async () =>
    (await world.harness.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' }))
      .executionId as string;

  it('answers from the view in two DynamoDB requests when the view is current', async () => {
    const executionId = await start();
    const counter = countRequests(world.harness.dynamo.client);
    const details = await world.harness.call({ operation: 'get_execution_details', executionId });
    expect(details).toMatchObject({ statusCode: 200, source: 'view', executionId, planId: PLAN_ID, status: 'RUNNING', currentWave: 1 });
    // The view's items in one Query, the ledger's head in another.
    expect(counter.counts).toEqual({ QueryCommand: 2 });
  });

  it("answers from the ledger when the projector died between a view's wave items and its header; its next write repairs the view", async () => {
    const executionId = await start();
    world.harness.stream.pause();
    world.clock.advance(60_000);
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    world.clock.advance(600_000);
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    crashBeforeNextViewHeader(world.harness.dynamo.client);
    const flushed = await world.harness.stream.catchUp();
    expect(flushed.failed.length).toBeGreaterThan(0);
    expect(await world.harness.deps.views.get(executionId)).toBeUndefined();

    const events = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
    const details = await world.harness.call({ operation: 'get_execution_details', executionId });
    const { statusCode, source, ledgerSeq, ledgerHeadHash: _hash, ...view } = details;
    expect({ statusCode, source, ledgerSeq }).toEqual({ statusCode: 200, source: 'ledger', ledgerSeq: events.length });
    expect(view).toEqual(replayView(events));

    // The next events' projection folds the ledger from its start and writes over the half-written view.
    world.clock.advance(600_000);
    expect(await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID })).toMatchObject({ statusCode: 200 });
    expect(await world.harness.deps.views.get(executionId)).toEqual(
      replayView((await world.harness.deps.store.read(executionId)).map((stored) => stored.event)),
    );
    expect(await world.harness.call({ operation: 'get_execution_details', executionId })).toMatchObject({
      statusCode: 200,
      source: 'view',
    });
  });

  it('answers from the ledger when the projector has not caught up', async () => {
    const executionId = await start();
    world.harness.stream.pause();
    world.clock.advance(60_000);
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    world.clock.advance(60_000);
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });

    const stale = await world.harness.deps.views.get(executionId);
    const events = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
    expect(stale?.seq).toBeLessThan(events.length);

    const details = await world.harness.call({ operation: 'get_execution_details', executionId });
    const { statusCode, source, ledgerSeq, ledgerHeadHash: _hash, ...view } = details;
    expect({ statusCode, source, ledgerSeq }).toEqual({ statusCode: 200, source: 'ledger', ledgerSeq: events.length });
    expect(view).toEqual(replayView(events));
  });

  it("refuses a planId that is not the execution's", async () => {
    const executionId = await start();
    expect(
      await world.harness.call({ operation: 'get_execution_details', executionId, queryParams: { planId: 'rp-other' } }),
    ).toMatchObject({
      statusCode: 400,
      error: 'PLAN_MISMATCH',
    });
  });
});
