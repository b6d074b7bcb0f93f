/**
 * An approval whose writer stopped after ApprovalGranted (before ExecutionResumed): the pause is approved, and
 * nobody is asked to approve it again or told the approval is still awaited; whoever moves the execution next
 * resumes it, and the answer names the approver who resumed it.
 */
import { decide, decidedFrom } from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { poll } from '../../../src/operations/poll';
import { SETTLE_REPAIR_AFTER_MS } from '../../../src/operations/reactions/settleOutcome';
import { resume } from '../../../src/operations/resume';
import { startExecution } from '../../../src/operations/startExecution';
import { samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const BOB = { principal: 'arn:aws:iam::123456789012:user/bob' };
const plan: RecoveryPlan = {
  ...samplePlan,
  waves: samplePlan.waves.map((wave, index) =>
    index === 1 ? { ...wave, approval: { approvers: [BOB.principal], excludeStarter: false } } : wave,
  ),
};

describe('given a pause for approval whose approval was cut short after ApprovalGranted', () => {
  const cutShort = async () => {
    const world = new MemoryWorld();
    await world.givenPlan(plan);
    const started = await startExecution(world.deps, { planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    const ref = { executionId: started.executionId as string, planId: plan.planId };
    world.clock.advance(30);
    world.drs.launchAll(world.drs.jobOfWave(1).jobId);
    // The poll that paused stopped before telling the approvers (no channel then): the pause is not notified.
    expect(await poll({ ...world.deps, notifier: async () => undefined }, ref)).toMatchObject({ status: 'PAUSED', nextWave: 2 });
    const loaded = await world.deps.store.load(ref.executionId);
    const decision = decide(
      { type: 'Resume', resumedBy: 'Bob', identity: BOB, comment: 'DB healthy', at: world.clock.now() },
      loaded.state,
    );
    if (!decision.ok || decision.events[0]?.type !== 'ApprovalGranted') throw new Error('the approval was not decided');
    if (!(await world.deps.store.append(loaded, decidedFrom(loaded.state, [decision.events[0]]))).ok) throw new Error('conflict');
    return { world, ref };
  };

  it('when a driver reacts to the pause long after, then no approver is asked for the approval already given', async () => {
    const { world, ref } = await cutShort();
    world.clock.advance(SETTLE_REPAIR_AFTER_MS + 1000);

    await poll(world.deps, ref);

    expect(world.notifier.published).toEqual([]);
  });

  it('when an operator resumes, then the execution resumes in the approver’s name and the answer says so', async () => {
    const { world, ref } = await cutShort();
    const before = await world.headSeq(ref.executionId);

    const answer = await resume(world.deps, { ...ref, requestedBy: 'ops@example.com' });

    expect(answer).toMatchObject({ statusCode: 200, status: 'RUNNING', resumedBy: BOB.principal, currentWave: 2 });
    expect(await world.typesAfter(ref.executionId, before)).toEqual(expect.arrayContaining(['ExecutionResumed', 'WaveStartRequested']));
    expect((await world.typesAfter(ref.executionId, 0)).filter((type) => type === 'ApprovalGranted')).toHaveLength(1);
  });
});
