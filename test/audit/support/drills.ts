import type { RecoveryPlan } from '../../../src/domain/plan';
import { PLAN_ID, samplePlan, serversOf, withPauseBefore } from '../../fixtures/plan';
import type { DrillWorld } from '../../support/drillWorld';

export const DR_LEAD = 'dr-lead@example.com';
export const AUDITOR = 'auditor@example.com';
export const OPS_MANAGER = 'ops-manager@example.com';
export const FAILURE_REASON = 'InsufficientInstanceCapacity in us-east-1a';

/** The sample plan under another id, so several executions can run one after another or side by side. */
export const planCopy = (planId: string, plan: RecoveryPlan = samplePlan): RecoveryPlan => ({ ...plan, planId });

type Call = (event: Record<string, unknown>) => Promise<Record<string, unknown>>;

const caller =
  (world: DrillWorld): Call =>
  (event) =>
    world.harness.call(event);

const start = async (call: Call, planId: string, executionType: 'DRILL' | 'RECOVERY' = 'DRILL'): Promise<string> => {
  const response = await call({ operation: 'start_execution', planId, executionType, initiatedBy: DR_LEAD });
  if (response.statusCode !== 200) throw new Error(`start_execution failed: ${JSON.stringify(response)}`);
  return response.executionId as string;
};

/** Polls every `stepSeconds` of simulated time until the status is one of `statuses`. */
const pollUntil = async (world: DrillWorld, executionId: string, planId: string, statuses: string[], stepSeconds = 30) => {
  const call = caller(world);
  for (let i = 0; i < 400; i += 1) {
    world.clock.advance(stepSeconds * 1000);
    const response = await call({ operation: 'poll', executionId, planId });
    if (response.statusCode !== 200) throw new Error(`poll failed: ${JSON.stringify(response)}`);
    if (statuses.includes(response.status as string)) return response;
  }
  throw new Error(`execution ${executionId} never reached ${statuses.join('/')}`);
};

const expectOk = (response: Record<string, unknown>, what: string) => {
  if (response.statusCode !== 200) throw new Error(`${what} failed: ${JSON.stringify(response)}`);
};

/** A plain drill of the sample plan (or `plan`) to completion. */
export const completedDrill = async (world: DrillWorld, plan: RecoveryPlan = samplePlan): Promise<string> => {
  await world.loadPlans(plan);
  const executionId = await start(caller(world), plan.planId);
  await pollUntil(world, executionId, plan.planId, ['COMPLETED']);
  return executionId;
};

/**
 * The auditor asks for a pause during wave 1; the DR lead resumes 12 minutes later; the plan pauses
 * before wave 3 by itself; the operations manager resumes 6 minutes later; the drill completes.
 */
export const pausedDrill = async (world: DrillWorld, planId: string = PLAN_ID): Promise<string> => {
  const plan = withPauseBefore([3], planCopy(planId));
  await world.loadPlans(plan);
  const call = caller(world);
  const executionId = await start(call, planId);
  world.clock.advance(20_000);
  expectOk(await call({ operation: 'pause', executionId, planId, requestedBy: AUDITOR }), 'pause');
  await pollUntil(world, executionId, planId, ['PAUSED']);
  world.clock.advance(12 * 60_000);
  expectOk(await call({ operation: 'resume', executionId, planId, requestedBy: DR_LEAD }), 'resume');
  await pollUntil(world, executionId, planId, ['PAUSED']);
  world.clock.advance(6 * 60_000);
  expectOk(await call({ operation: 'resume', executionId, planId, requestedBy: OPS_MANAGER }), 'resume');
  await pollUntil(world, executionId, planId, ['COMPLETED']);
  return executionId;
};

/** The second server of wave 2 fails to launch: the wave and the execution fail with DRS's reason. */
export const failedServerDrill = async (
  world: DrillWorld,
  planId: string = PLAN_ID,
): Promise<{ executionId: string; failedServer: string }> => {
  const plan = planCopy(planId);
  await world.loadPlans(plan);
  const failedServer = serversOf(2, plan)[1] as string;
  world.drs.faults.apply({ failServers: [{ sourceServerID: failedServer, reason: FAILURE_REASON }] });
  const executionId = await start(caller(world), planId);
  await pollUntil(world, executionId, planId, ['FAILED', 'COMPLETED']);
  world.drs.faults.reset();
  return { executionId, failedServer };
};

/** The DR lead cancels during wave 1. */
export const cancelledDrill = async (world: DrillWorld, planId: string = PLAN_ID): Promise<string> => {
  const plan = planCopy(planId);
  await world.loadPlans(plan);
  const call = caller(world);
  const executionId = await start(call, planId, 'RECOVERY');
  world.clock.advance(30_000);
  expectOk(await call({ operation: 'cancel', executionId, planId, requestedBy: DR_LEAD, reason: 'drill window closed' }), 'cancel');
  await pollUntil(world, executionId, planId, ['CANCELLED']);
  return executionId;
};
