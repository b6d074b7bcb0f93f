/**
 * A cancel that meets a decision another writer began: a poll recorded a wave's failure and crashed before the
 * execution's end. The cancel's own command finishes that decision first, so the execution ends FAILED, and the
 * cancel must answer so, never that a cancel is under way (found by the simulator, v3 seed 100332).
 */
import { decide, type ExecutionCommand } from '../../../src/domain/execution';
import { cancel } from '../../../src/operations/cancel';
import { startExecution } from '../../../src/operations/startExecution';
import { PLAN_ID, samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const EXECUTION = 'exec-0001';
const REF = { executionId: EXECUTION, planId: PLAN_ID };

describe('a cancel overtaken by a failure', () => {
  it("given a wave's failure recorded without the execution's end, when cancel, then it answers FAILED and nothing is cancelled", async () => {
    const world = new MemoryWorld();
    await world.givenPlan(samplePlan);
    expect(await startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' })).toMatchObject({
      statusCode: 200,
    });
    world.clock.advance(30);
    const job = world.drs.jobOfWave(1);
    world.drs.progress(job.jobId, 'COMPLETED', 'FAILED');
    // A poll decides on DRS's answer and writes only up to the wave's failure before it dies.
    const loaded = await world.ledger.load(EXECUTION);
    const observe: ExecutionCommand = {
      type: 'ObserveWave',
      waveNumber: 1,
      drsJobId: job.jobId,
      drsJobStatus: 'COMPLETED',
      servers: world.drs.jobOfWave(1).servers,
      completionGraceMs: 600_000,
      at: world.clock.now(),
    };
    const decision = decide(observe, loaded.state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    const cut = decision.events.findIndex((event) => event.type === 'ExecutionFailed');
    expect(cut).toBeGreaterThan(0);
    await world.ledger.append(loaded, { events: decision.events.slice(0, cut), states: decision.states.slice(0, cut) });
    const before = await world.headSeq(EXECUTION);
    world.clock.advance(30);

    const response = await cancel(world.deps, { ...REF, requestedBy: 'dr-lead@example.com', reason: 'change freeze' });

    const after = await world.typesAfter(EXECUTION, before);
    expect(after).toContain('ExecutionFailed');
    expect(after).not.toContain('ExecutionCancelled');
    expect(response).toMatchObject({ statusCode: 200, status: 'FAILED', executionStatus: 'FAILED', currentWave: 1 });
    expect(response.message).toContain('ended FAILED before the cancel could take effect');
    expect(response.message).not.toMatch(/cancel requested/i);
  });
});
