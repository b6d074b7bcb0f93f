/**
 * A resume raced by a cancel: the cancel's events land between the resume's ExecutionResumed and the claim of the
 * next wave. The resume's answer must say what the execution now is (CANCELLED), never that a wave is starting.
 */
import type { RequestCancel } from '../../../src/domain/execution';
import { poll } from '../../../src/operations/poll';
import { resume } from '../../../src/operations/resume';
import { startExecution } from '../../../src/operations/startExecution';
import { PLAN_ID, withPauseBefore } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';
import { InterleavingEventStore } from '../../support/interleavingEventStore';

const EXECUTION = 'exec-0001';
const REF = { executionId: EXECUTION, planId: PLAN_ID };

describe('a resume overtaken by a cancel', () => {
  it('given a paused drill, when a cancel is appended right after the resume’s ExecutionResumed, then the resume answers CANCELLED', async () => {
    let interleaving: InterleavingEventStore | undefined;
    const world = new MemoryWorld({ store: (ledger) => (interleaving = new InterleavingEventStore(ledger)) });
    const plan = await world.givenPlan(withPauseBefore([2]));
    expect(await startExecution(world.deps, { planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops@example.com' })).toMatchObject(
      {
        statusCode: 200,
      },
    );
    world.clock.advance(30);
    world.drs.launchAll(world.drs.jobOfWave(1).jobId);
    expect(await poll(world.deps, REF)).toMatchObject({ status: 'PAUSED', nextWave: 2 });
    world.clock.advance(30);
    const before = await world.headSeq(EXECUTION);
    const otherOperatorsCancel: RequestCancel = {
      type: 'RequestCancel',
      requestedBy: 'dr-lead@example.com',
      reason: 'change freeze',
      at: world.clock.now(),
    };
    // The resume appends ExecutionResumed at before + 1; the cancel gets in before its claim of wave 2.
    interleaving?.interleaveAt(EXECUTION, before + 2, () => [otherOperatorsCancel]);

    const response = await resume(world.deps, { ...REF, requestedBy: 'ops@example.com' });

    // The resume's claim of wave 2 lost its seq to the cancel and was not made: wave 2 was never started in DRS.
    expect(await world.typesAfter(EXECUTION, before)).toEqual(['ExecutionResumed', 'CancelRequested', 'ExecutionCancelled']);
    expect(world.drs.calls.startRecovery).toHaveLength(1);
    expect(response).toMatchObject({
      statusCode: 200,
      status: 'CANCELLED',
      executionStatus: 'CANCELLED',
      currentWave: 2,
      message: expect.stringContaining('a cancel took effect before wave 2 started'),
    });
    expect(response.message).toContain('the execution is CANCELLED');
    expect(response.message).not.toContain('starting wave');
  });
});
