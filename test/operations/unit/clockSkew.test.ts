/**
 * Operations on the in-memory stores when clocks disagree (within MAX_CLOCK_DIFFERENCE_MS): a poller whose clock runs
 * ahead of the claimant's never takes a live wave-start claim for a dead one, and a ledger written by clocks ahead of
 * DRS's still finds, by their tags, the jobs DRS created for the execution, to adopt them or to clean up after them.
 */
import { type StartExecution, WAVE_START_LEASE_MS } from '../../../src/domain/execution';
import { cancel } from '../../../src/operations/cancel';
import { catchUpView } from '../../../src/operations/catchUpView';
import type { OperationDeps } from '../../../src/operations/deps';
import { find } from '../../../src/operations/find';
import { handleCommand } from '../../../src/operations/handleCommand';
import { poll } from '../../../src/operations/poll';
import { startExecution } from '../../../src/operations/startExecution';
import { PLAN_ID, samplePlan, serversOf } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const EXECUTION = 'exec-0001';
const REF = { executionId: EXECUTION, planId: PLAN_ID };
const MINUTE_MS = 60_000;

/** The world's operations, run by a clock `ms` ahead of the world's (which DRS keeps). */
const aheadBy = (world: MemoryWorld, ms: number): OperationDeps => ({
  ...world.deps,
  now: () => new Date(Date.parse(world.clock.now()) + ms).toISOString(),
});

describe('a poller whose clock runs ahead of the claimant’s', () => {
  /** Wave 1 claimed (WaveStartRequested) at the world's now, and its claimant still at work: nothing in DRS yet. */
  const givenWaveOneClaimed = async (world: MemoryWorld): Promise<string> => {
    const start: StartExecution = {
      type: 'StartExecution',
      executionId: EXECUTION,
      plan: samplePlan,
      executionType: 'DRILL',
      initiatedBy: 'ops@example.com',
      at: world.clock.now(),
    };
    const outcome = await handleCommand({ store: world.store }, await world.store.load(EXECUTION), () => start);
    expect(outcome.appended.map((stored) => stored.event.type)).toEqual(['ExecutionStarted', 'WaveStartRequested']);
    return world.clock.now();
  };

  it('given a wave claimed at T, when a poller 6 minutes ahead polls at T, then the ledger is unchanged and DRS is not asked', async () => {
    const world = new MemoryWorld();
    await givenWaveOneClaimed(world);
    const head = await world.ledger.head(EXECUTION);

    const response = await poll(aheadBy(world, 6 * MINUTE_MS), REF);

    expect(response).toMatchObject({ statusCode: 200, status: 'RUNNING', currentWave: 1, waveStatus: 'STARTING' });
    expect(await world.ledger.head(EXECUTION)).toEqual(head);
    expect(world.drs.calls.findJobsByTags).toEqual([]);
    expect(world.drs.calls.startRecovery).toEqual([]);
  });

  it('given a wave claimed at T and no DRS job, when a poll comes at T + WAVE_START_LEASE_MS, then the lapse is recorded', async () => {
    const world = new MemoryWorld();
    await givenWaveOneClaimed(world);
    const before = await world.headSeq(EXECUTION);

    await poll(aheadBy(world, WAVE_START_LEASE_MS), REF);

    expect(await world.typesAfter(EXECUTION, before)).toEqual(['WaveStartFailed']);
    expect((await world.events(EXECUTION)).at(-1)).toMatchObject({
      type: 'WaveStartFailed',
      data: { waveNumber: 1, attempt: 1, retryable: true, error: { code: 'StartLeaseExpired' } },
    });
  });
});

describe('a ledger whose clocks run 3 minutes ahead of DRS', () => {
  /** The drill started by a clock 3 minutes ahead of DRS, and StartRecovery's answer lost (DRS created the job). */
  const givenStartAnswerLost = async (world: MemoryWorld, ledger: OperationDeps): Promise<string> => {
    await world.givenPlan(samplePlan);
    world.drs.loseNextStartAnswer();
    const started = await startExecution(ledger, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    expect(started.statusCode).toBe(200);
    const orphan = world.drs.jobOfWave(1);
    const { state } = await world.ledger.load(EXECUTION);
    // The job is older, by DRS's clock, than the execution by the ledger's.
    expect(state.status !== 'NOT_STARTED' && orphan.createdAt !== undefined && orphan.createdAt < state.startTime).toBe(true);
    expect(await world.events(EXECUTION)).toContainEqual(expect.objectContaining({ type: 'WaveStartFailed' }));
    return orphan.jobId;
  };

  it('given a start whose answer was lost, when the next claim adopts, then it records the job DRS created and starts no other', async () => {
    const world = new MemoryWorld();
    const ledger = aheadBy(world, 3 * MINUTE_MS);
    const orphan = await givenStartAnswerLost(world, ledger);
    const before = await world.headSeq(EXECUTION);

    world.clock.advance(30);
    await poll(ledger, REF);

    expect(await world.typesAfter(EXECUTION, before)).toEqual(['WaveStartRequested', 'WaveStarted']);
    expect((await world.events(EXECUTION)).at(-1)).toMatchObject({ type: 'WaveStarted', data: { waveNumber: 1, drsJobId: orphan } });
    expect(world.drs.calls.startRecovery).toHaveLength(1);
  });

  it('given a start whose answer was lost and the drill cancelled, when its cleanup runs, then the instances the job launched are terminated', async () => {
    const world = new MemoryWorld();
    const ledger = aheadBy(world, 3 * MINUTE_MS);
    const orphan = await givenStartAnswerLost(world, ledger);
    world.clock.advance(30);
    await cancel(ledger, { ...REF, requestedBy: 'dr-lead@example.com', reason: 'DRS did not answer' });
    expect((await world.ledger.load(EXECUTION)).state.status).toBe('CANCELLED');
    world.drs.launchAll(orphan);
    const launched = serversOf(1).map((serverId) => `i-${serverId.slice(2)}`);
    expect([...world.drs.instances.keys()]).toEqual(launched);

    world.clock.advance(60);
    const stored = await world.views.read(EXECUTION);
    const view = await catchUpView(world.ledger, EXECUTION, stored?.view);
    if (view) await world.views.put(view, stored);
    await find(ledger, 'drs-ledger-execution-handler');

    expect([...world.drs.instances.keys()]).toEqual([]);
    expect(world.drs.calls.terminateRecoveryInstances).toEqual([launched]);
    expect(await world.events(EXECUTION)).toContainEqual(
      expect.objectContaining({ type: 'CleanupCompleted', data: { instancesTerminated: launched.length, instancesAlreadyGone: 0 } }),
    );
  });
});
