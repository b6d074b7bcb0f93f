/**
 * 200 executions at once (200 plans, started together), then 32 concurrent drivers on all of them:
 * 12 poll loops, 4 find fan-outs and 16 operators pausing, resuming and cancelling at random, besides
 * the 200 state machines. Afterwards nothing is lost or recorded twice, and each wave has one DRS job.
 */
import type { LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';
import { lostAcks } from './support/acks';
import { driveCrowd, type Target } from './support/crowd';
import { recordFigures } from './support/figures';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import { planOf } from './support/plans';
import { newLambdaClient, Traffic } from './support/traffic';

const EXECUTIONS = 200;
const PLANS = Array.from({ length: EXECUTIONS }, (_, index) =>
  planOf(`rp-crowd-${String(index + 1).padStart(3, '0')}`, 2, 1, { tag: 'many', ...(index % 4 === 0 ? { pauseBefore: [2] } : {}) }),
);

/** Runs `work` over `items` with `width` workers. */
const inParallel = async <T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
};

describe('200 executions at once under 32 concurrent drivers', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ speed: 60 });
    await stack.loadPlans(PLANS);
  });
  afterAll(() => stack.close());

  it('loses nothing, duplicates nothing, and starts each wave once in DRS', async () => {
    const started = Date.now();
    const traffic = new Traffic(newLambdaClient(stack.endpoints.lambda));
    const starts = await inParallel(PLANS, 32, (plan) =>
      // Kept alive past the run: 200 drill cleanups at once on a 2-core machine starve the crowd's polls past their
      // 30-s timeout; this scenario is about the ledger under concurrent drivers (cleanups have their own tests).
      traffic.call({
        operation: 'start_execution',
        planId: plan.planId,
        executionType: 'DRILL',
        initiatedBy: 'reliability',
        keepAliveMinutes: 10_080,
      }),
    );
    expect(starts.map((response) => response?.statusCode)).toEqual(PLANS.map(() => 200));
    const targets: Target[] = starts.map((response, index) => ({
      executionId: String(response?.executionId),
      planId: (PLANS[index] as { planId: string }).planId,
    }));

    const crowd = await driveCrowd({
      stack,
      traffic,
      targets,
      pollers: 12,
      finders: 4,
      operators: 16,
      mix: { pause: 3, resume: 4, cancel: 2 },
      chaosMs: 12_000,
      deadlineMs: 150_000,
    });
    const unfinished = Object.entries(crowd.statuses).filter(([, status]) => !['COMPLETED', 'CANCELLED', 'FAILED'].includes(status));
    const audit = await auditLedger(stack.deps, stack.dynamoClient, {
      expected: targets.map((target) => target.executionId),
      drsJobs: stack.drs.jobs(),
    });
    const lost = await lostAcks(stack.deps, traffic.acks);
    const multiJobWaves = stack.drs.stats
      .snapshot()
      .startRecoveryByWave.filter((wave) => wave.jobsCreated !== 1)
      .map((wave) => `${wave.executionId} wave ${wave.wave}: ${wave.jobsCreated} jobs of ${wave.calls} calls`);
    recordFigures({
      scenario: 'Concurrency: 200 executions, 32 drivers',
      operations: traffic.operations,
      faultsInjected: 0,
      eventsChecked: audit.events,
      lost: lostCount(audit) + lost.length,
      duplicated: duplicatedCount(audit) + multiJobWaves.length,
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: (Date.now() - started) / 1000,
      note: `${JSON.stringify(audit.byStatus)} in ${crowd.seconds.toFixed(0)} s; ${traffic.acks.length} operator requests accepted; answers ${JSON.stringify(traffic.outcomes)}; slowest answer ${(traffic.slowestMs / 1000).toFixed(1)} s`,
    });

    expect(unfinished).toEqual([]);
    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
    expect(lost).toEqual([]);
    expect(multiJobWaves).toEqual([]);
    expect(traffic.unexpected).toEqual([]);
    // 94 to 143 s in clean-clone runs; 180 s was once passed on a machine running everything half as fast (the
    // simulation's 2,000 seeds took 221 s instead of 143): the bound is there to stop a hang, not to time the crowd.
  }, 360_000);
});
