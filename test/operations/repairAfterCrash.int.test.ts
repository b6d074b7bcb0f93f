/**
 * A driver can die between two writes. The next driver finishes its work from the ledger: an end that
 * was never settled is settled once (plan freed, notification sent), and a claimed wave start whose
 * claimant vanished is adopted or claimed again after its lease.
 */
import { WAVE_START_LEASE_MS } from '../../src/domain/execution';
import { handleCommand } from '../../src/operations/handleCommand';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

describe('repair after a crash', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
    await world.loadPlans(samplePlan);
  });
  afterEach(() => world.stop());

  const now = () => new Date(world.clock.now()).toISOString();
  const start = async () =>
    (await world.harness.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' }))
      .executionId as string;

  it('given an end that was never settled, a later poll frees the plan and notifies once', async () => {
    const executionId = await start();
    // The ending event lands, and the writer dies before settling it.
    await handleCommand(world.harness.deps, await world.harness.deps.store.load(executionId), () => ({
      type: 'Fail',
      reason: 'operator abort',
      at: now(),
    }));
    expect((await world.harness.deps.plans.get(PLAN_ID))?.claim?.executionId).toBe(executionId);

    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    expect(world.sns.messages()).toHaveLength(0); // too soon: its writer may still be settling

    world.clock.advance(61_000);
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    expect(world.sns.messages()).toHaveLength(1);
    expect((await world.harness.deps.plans.get(PLAN_ID))?.claim).toBeUndefined();
  });

  it('given a wave claimed but never started in DRS, the next poll after the lease claims it again', async () => {
    // The start claims wave 1 in the same decision as ExecutionStarted; the process dies before DRS.
    const executionId = 'exec-crashed-claimant';
    await handleCommand(world.harness.deps, await world.harness.deps.store.load(executionId), () => ({
      type: 'StartExecution',
      executionId,
      plan: samplePlan,
      executionType: 'DRILL',
      initiatedBy: 'ops',
      at: now(),
    }));
    world.clock.advance(WAVE_START_LEASE_MS - 1000);
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    expect(world.drs.stats.startRecoveryFor(executionId, 1).calls).toBe(0);

    world.clock.advance(2000);
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID }); // records the lapse
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID }); // claims and launches again
    expect(world.drs.stats.startRecoveryFor(executionId, 1)).toEqual({ calls: 1, jobsCreated: 1 });
    const types = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event.type);
    expect(types).toEqual(['ExecutionStarted', 'WaveStartRequested', 'WaveStartFailed', 'WaveStartRequested', 'WaveStarted']);
  });

  it('given a wave started in DRS whose job was never recorded, the next poll after the lease adopts the job', async () => {
    // Claimed, StartRecovery called (by hand here), and the process died before recording the job.
    const orphan = 'exec-orphan-job';
    await handleCommand(world.harness.deps, await world.harness.deps.store.load(orphan), () => ({
      type: 'StartExecution',
      executionId: orphan,
      plan: { ...samplePlan, planId: 'rp-orphan', waves: [{ waveName: 'solo', sourceServerIds: ['s-orphan00000000001'] }] },
      executionType: 'DRILL',
      initiatedBy: 'ops',
      at: now(),
    }));
    world.drs.registerSourceServers([{ sourceServerID: 's-orphan00000000001', hostname: 'orphan' }]);
    const drs = await world.harness.deps.drs();
    const job = await drs.startRecovery({
      isDrill: true,
      sourceServerIds: ['s-orphan00000000001'],
      tags: { 'drs-ledger:executionId': orphan, 'drs-ledger:planId': 'rp-orphan', 'drs-ledger:wave': '1' },
    });
    world.clock.advance(WAVE_START_LEASE_MS + 1000);
    await world.harness.call({ operation: 'poll', executionId: orphan, planId: 'rp-orphan' });
    const state = (await world.harness.deps.store.load(orphan)).state;
    expect(state.status === 'RUNNING' && state.waves[0]?.drsJobId).toBe(job.jobId);
    expect(world.drs.stats.startRecoveryFor(orphan, 1)).toEqual({ calls: 1, jobsCreated: 1 });
  });
});
