/**
 * start_execution and what its events call for (react): on the in-memory stores, with in-memory DRS, Step
 * Functions and SNS. No database, no emulator: each test is a few milliseconds.
 */
import { genesisHash } from '../../../src/domain/ledger';
import { cancel } from '../../../src/operations/cancel';
import { startExecution, type StartExecutionInput } from '../../../src/operations/startExecution';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';
import { PLAN_ID, samplePlan, serversOf, withPauseBefore } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';
import { FAKE_STATE_MACHINE_ARN } from '../../support/fakes/workflow';

const START: StartExecutionInput = { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' };
const FIRST = 'exec-0001';

describe('start_execution on the in-memory stores', () => {
  describe('given a stored plan', () => {
    let world: MemoryWorld;
    beforeEach(async () => {
      world = new MemoryWorld();
      await world.givenPlan(samplePlan);
    });

    it('when started, it claims the plan, records the start, attaches the state machine and launches wave 1 once', async () => {
      const response = await startExecution(world.deps, START);

      expect(response).toMatchObject({
        statusCode: 200,
        executionId: FIRST,
        planId: PLAN_ID,
        status: 'RUNNING',
        executionType: 'DRILL',
        stepFunctionArn: `${FAKE_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${FIRST}`,
        totalWaves: 3,
        totalServers: 7,
        currentWave: 1,
      });
      expect(await world.typesAfter(FIRST, 0)).toEqual([
        'ExecutionStarted',
        'ReadinessAssessed',
        'WaveStartRequested',
        'StateMachineAttached',
        'WaveStarted',
      ]);
      expect((await world.plans.get(PLAN_ID))?.claim).toEqual({ executionId: FIRST, claimedAt: world.clock.now() });
      expect(world.workflow.started).toEqual([{ executionArn: response.stepFunctionArn, input: { executionId: FIRST, planId: PLAN_ID } }]);
      expect(world.drs.calls.startRecovery).toEqual([
        {
          request: {
            isDrill: true,
            sourceServerIds: serversOf(1),
            tags: { 'drs-ledger:executionId': FIRST, 'drs-ledger:planId': PLAN_ID, 'drs-ledger:wave': '1', 'drs-ledger:part': '1' },
          },
        },
      ]);
    });

    it('the wave-1 job is recorded with the hostnames DRS gives, and the ledger chains from the genesis', async () => {
      await startExecution(world.deps, START);
      const [started] = (await world.events(FIRST)).filter((event) => event.type === 'WaveStarted');
      expect(started?.data).toMatchObject({
        waveNumber: 1,
        drsJobId: world.drs.jobOfWave(1).jobId,
        servers: serversOf(1).map((serverId) => ({
          serverId,
          launchStatus: 'PENDING',
          hostname: `host-${serverId.slice(-4)}.corp.invalid`,
        })),
      });
      const stored = await world.ledger.read(FIRST);
      expect(stored.map((item) => item.prevHash)).toEqual([genesisHash(FIRST, PLAN_ID), ...stored.slice(0, -1).map((item) => item.hash)]);
    });

    it('without a state machine, wave 1 is still launched and no run is attached', async () => {
      const world2 = new MemoryWorld({ withoutWorkflow: true });
      await world2.givenPlan(samplePlan);
      expect(await startExecution(world2.deps, START)).toMatchObject({ statusCode: 200, status: 'RUNNING', stepFunctionArn: null });
      expect(await world2.typesAfter(FIRST, 0)).toEqual(['ExecutionStarted', 'ReadinessAssessed', 'WaveStartRequested', 'WaveStarted']);
    });

    it('when the plan is busy, a second start is refused with the active execution and records nothing', async () => {
      await startExecution(world.deps, START);
      const second = await startExecution(world.deps, START);
      expect(second).toMatchObject({ statusCode: 409, activeExecutionId: FIRST });
      expect(await world.headSeq('exec-0002')).toBe(0);
      expect(world.drs.calls.startRecovery).toHaveLength(1);
    });

    it('a claim whose start never reached the ledger is taken over once the grace period is over, not before', async () => {
      await world.plans.claim(PLAN_ID, { executionId: 'exec-ghost', claimedAt: world.clock.now() });
      world.clock.advance(world.deps.config.planClaimGraceSeconds - 1);
      expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 409, activeExecutionId: 'exec-ghost' });

      world.clock.advance(1);
      expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 200, executionId: 'exec-0002' });
      expect((await world.plans.get(PLAN_ID))?.claim?.executionId).toBe('exec-0002');
      expect(world.log.messages('warn')).toContain('Taking over a stale plan claim');
    });

    it('a claim held by an execution that ended is taken over at once', async () => {
      await startExecution(world.deps, START);
      // The execution ended, but its settling (which frees the slot) was lost: the claim is still there.
      await cancel(world.deps, { executionId: FIRST, planId: PLAN_ID, requestedBy: 'ops@example.com' });
      await world.plans.claim(PLAN_ID, { executionId: FIRST, claimedAt: world.clock.now() });
      // Its DRS job is over too (else preflight finds wave 1's servers busy in it).
      world.drs.launchAll(world.drs.jobOfWave(1).jobId);
      expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 200, executionId: 'exec-0002' });
    });
  });

  it('an unknown plan is a 404, and nothing is claimed or recorded', async () => {
    const world = new MemoryWorld();
    expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 404, error: 'PLAN_NOT_FOUND' });
    expect(await world.ledger.listExecutions(10)).toEqual({ executions: [] });
  });

  it('a plan that pauses before wave 1 starts paused: nothing is launched', async () => {
    const world = new MemoryWorld();
    await world.givenPlan(withPauseBefore([1]));
    expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 200, status: 'PAUSED' });
    expect(world.drs.calls.startRecovery).toEqual([]);
    expect(await world.typesAfter(FIRST, 0)).not.toContain('WaveStartRequested');
  });

  describe('react: what appended events call for', () => {
    it('a throttled DRS start is recorded as a failed attempt, and the execution keeps running for the next poll', async () => {
      const world = new MemoryWorld();
      await world.givenPlan(samplePlan);
      world.drs.failNextStart(new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true));

      expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 200, status: 'RUNNING' });
      const failed = (await world.events(FIRST)).find((event) => event.type === 'WaveStartFailed');
      expect(failed?.data).toMatchObject({ waveNumber: 1, retryable: true, error: { code: 'ThrottlingException' } });
      expect((await world.plans.get(PLAN_ID))?.claim?.executionId).toBe(FIRST);
      expect(world.notifier.published).toEqual([]);
    });

    it('a DRS start that can never succeed fails the execution: the plan is freed and the outcome notified once', async () => {
      const world = new MemoryWorld();
      await world.givenPlan(samplePlan);
      world.drs.failNextStart(new RecoveryJobsError('ValidationException', 'Invalid source server', false));

      expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 200, status: 'FAILED' });
      const types = await world.typesAfter(FIRST, 0);
      // A drill that launched nothing: its cleanup finds nothing to terminate, after the notification.
      expect(types.slice(-4)).toEqual(['ExecutionFailed', 'NotificationSent', 'CleanupStarted', 'CleanupCompleted']);
      expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
      expect(world.notifier.published).toHaveLength(1);
      expect(world.notifier.published[0]?.attributes).toMatchObject({ executionId: FIRST, planId: PLAN_ID, status: 'FAILED' });
      expect(world.notifier.published[0]?.attributes.ledgerHeadHash).toBe((await world.ledger.read(FIRST)).at(-4)?.hash);
    });

    it("a failure reason cannot forge the notification's ledger head: DRS's line breaks are shown, not obeyed", async () => {
      const world = new MemoryWorld();
      await world.givenPlan(samplePlan);
      world.drs.failNextStart(new RecoveryJobsError('ValidationException', 'bad\n\nLedger head: seq 1, hash forged', false));

      await startExecution(world.deps, START);

      const message = world.notifier.published[0]?.message ?? '';
      expect(message.split('\n').filter((line) => line.startsWith('Ledger head:'))).toHaveLength(1);
      expect(message).toContain('bad\\n\\nLedger head: seq 1, hash forged');
    });

    it('a cancel stops the state machine by its real ARN, frees the plan and notifies once', async () => {
      const world = new MemoryWorld();
      await world.givenPlan(samplePlan);
      const started = await startExecution(world.deps, START);

      const response = await cancel(world.deps, {
        executionId: FIRST,
        planId: PLAN_ID,
        requestedBy: 'carol@example.com',
        reason: 'drill window over',
      });

      expect(response).toMatchObject({ statusCode: 200, status: 'CANCELLED', cancelledBy: 'carol@example.com' });
      expect(world.workflow.stopped).toEqual([{ executionArn: started.stepFunctionArn, cause: 'Cancelled by carol@example.com' }]);
      expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
      expect(world.notifier.published.map((message) => message.attributes.status)).toEqual(['CANCELLED']);
      // The drill's cleanup starts after the notification, and waits for wave 1's job, still launching.
      expect((await world.typesAfter(FIRST, 0)).slice(-2)).toEqual(['NotificationSent', 'CleanupStarted']);
    });
  });
});
