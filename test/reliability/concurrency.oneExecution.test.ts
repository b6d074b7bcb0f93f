/**
 * One execution, 32 concurrent drivers: 12 state-machine-like poll loops, 4 find fan-outs and 16 operators
 * pausing and resuming at random (and, once the last wave is running, sometimes cancelling), besides the
 * stack's own state machine. Afterwards nothing is lost or recorded twice, and each wave has one DRS job.
 */
import type { LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';
import { lostAcks } from './support/acks';
import { driveCrowd } from './support/crowd';
import { recordFigures } from './support/figures';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import { planOf } from './support/plans';
import { newLambdaClient, Traffic } from './support/traffic';

const PLAN = planOf('rp-crowd-one', 4, 4, { pauseBefore: [3], tag: 'one' });

describe('one execution under 32 concurrent drivers', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ speed: 60 });
    await stack.loadPlans([PLAN]);
  });
  afterAll(() => stack.close());

  it('loses nothing, duplicates nothing, and starts each wave once in DRS', async () => {
    const started = Date.now();
    const traffic = new Traffic(newLambdaClient(stack.endpoints.lambda));
    const start = await traffic.call({
      operation: 'start_execution',
      planId: PLAN.planId,
      executionType: 'DRILL',
      initiatedBy: 'reliability',
    });
    expect(start).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    const executionId = String(start?.executionId);

    const crowd = await driveCrowd({
      stack,
      traffic,
      targets: [{ executionId, planId: PLAN.planId }],
      pollers: 12,
      finders: 4,
      operators: 16,
      mix: { pause: 4, resume: 5, cancel: 1 },
      mayCancel: (state) => state.currentWave === PLAN.waves.length,
      chaosMs: 6_000,
      deadlineMs: 60_000,
    });
    expect(crowd.allEnded).toBe(true);
    expect(['COMPLETED', 'CANCELLED']).toContain(crowd.statuses[executionId]);

    const audit = await auditLedger(stack.deps, stack.dynamoClient, { expected: [executionId], drsJobs: stack.drs.jobs() });
    const lost = await lostAcks(stack.deps, traffic.acks);
    const startedWaves = (await stack.deps.store.read(executionId)).filter((stored) => stored.event.type === 'WaveStarted').length;
    const startsPerWave = Array.from({ length: startedWaves }, (_, index) => stack.drs.stats.startRecoveryFor(executionId, index + 1));
    recordFigures({
      scenario: 'Concurrency: 1 execution, 32 drivers',
      operations: traffic.operations,
      faultsInjected: 0,
      eventsChecked: audit.events,
      lost: lostCount(audit) + lost.length,
      duplicated: duplicatedCount(audit),
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: (Date.now() - started) / 1000,
      note: `${crowd.statuses[executionId]} after ${startedWaves} waves; ${traffic.acks.length} operator requests accepted; answers ${JSON.stringify(traffic.outcomes)}`,
    });

    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
    expect(lost).toEqual([]);
    expect(traffic.unexpected).toEqual([]);
    expect(startsPerWave).toEqual(startsPerWave.map(() => ({ calls: 1, jobsCreated: 1 })));
    expect(traffic.acks.filter((ack) => ack.action === 'resume').length).toBeGreaterThan(0);
  });
});
