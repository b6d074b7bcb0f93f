/**
 * A local stack killed between claiming a wave start and recording its DRS job, or between claiming a plan
 * and recording the execution: on AWS such claims are taken over after a lease (five minutes) or a grace
 * (fifteen), since another invocation may still hold them. A restarted local stack knows their holder died
 * with the old process, and repairs them at once. Found by the reliability suite (serve killed at random).
 */
import { handleCommand } from '../../src/operations/handleCommand';
import { waveTags } from '../../src/operations/reactions/waveStart';
import type { LocalStack } from '../../src/local/stack';
import { samplePlan } from '../fixtures/plan';
import { invoke, startTestStack, tempDataDir } from '../support/localStack';

const startClaimOnly = async (stack: LocalStack): Promise<string> => {
  const executionId = `exec-dead-${Date.now()}`;
  await stack.deps.plans.claim(samplePlan.planId, { executionId, claimedAt: stack.deps.now() });
  const outcome = await handleCommand(stack.deps, await stack.deps.store.load(executionId), () => ({
    type: 'StartExecution',
    executionId,
    plan: samplePlan,
    executionType: 'DRILL',
    initiatedBy: 'ops',
    at: stack.deps.now(),
  }));
  expect(outcome.appended.map((stored) => stored.event.type)).toEqual(['ExecutionStarted', 'WaveStartRequested']);
  return executionId;
};

const jobsOf = (stack: LocalStack, executionId: string) =>
  stack.drs
    .jobs()
    .filter((job) => job.tags['drs-ledger:executionId'] === executionId)
    .map((job) => job.jobID);

const waveStatuses = async (stack: LocalStack, executionId: string) =>
  (await stack.deps.store.load(executionId)).state as { waves: Array<{ status: string; drsJobId?: string }> };

describe('a restarted local stack repairs the claims of the process that died', () => {
  it('starts a claimed wave that never reached DRS, once', async () => {
    const dataDir = tempDataDir();
    let stack = await startTestStack({ dataDir });
    await stack.loadPlans([samplePlan]);
    const executionId = await startClaimOnly(stack);
    await stack.close();

    stack = await startTestStack({ dataDir });
    expect(stack.recovery.waveStartsResumed).toBe(1);
    const [job] = jobsOf(stack, executionId);
    expect(jobsOf(stack, executionId)).toHaveLength(1);
    expect((await waveStatuses(stack, executionId)).waves[0]).toMatchObject({ status: 'IN_PROGRESS', drsJobId: job });
    await stack.close();
  });

  it('adopts the DRS job a claimed start created but did not record', async () => {
    const dataDir = tempDataDir();
    let stack = await startTestStack({ dataDir });
    await stack.loadPlans([samplePlan]);
    const executionId = await startClaimOnly(stack);
    const created = await (
      await stack.deps.drs()
    ).startRecovery({
      isDrill: true,
      sourceServerIds: samplePlan.waves[0]?.sourceServerIds ?? [],
      tags: waveTags(executionId, samplePlan.planId, 1),
    });
    await stack.close();

    stack = await startTestStack({ dataDir });
    expect(jobsOf(stack, executionId)).toEqual([created.jobId]);
    expect((await waveStatuses(stack, executionId)).waves[0]).toMatchObject({ status: 'IN_PROGRESS', drsJobId: created.jobId });
    await stack.close();
  });

  it('frees a plan whose claimed start never recorded its execution', async () => {
    const dataDir = tempDataDir();
    let stack = await startTestStack({ dataDir });
    await stack.loadPlans([samplePlan]);
    await stack.deps.plans.claim(samplePlan.planId, { executionId: 'exec-never-started', claimedAt: stack.deps.now() });
    await stack.close();

    stack = await startTestStack({ dataDir });
    expect(stack.recovery.planClaimsReleased).toBe(1);
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: samplePlan.planId,
      executionType: 'DRILL',
      initiatedBy: 'ops',
    });
    expect(started).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    await stack.close();
  });
});
