/**
 * A poll decides, folds and appends each event once: the decider folds each event it emits (EventRecorder),
 * the store writes the states the decision carries, and neither a load nor an append folds again. Counted
 * by wrapping the domain's `evolve` (the very module eventRecorder.ts imports) in a jest.fn, during polls
 * that append several events over several decisions, on the in-memory stores.
 */
import type { ExecutionEvent, ExecutionState } from '../../../src/domain/execution';
import * as evolveModule from '../../../src/domain/execution/evolve';
import { poll } from '../../../src/operations/poll';
import { startExecution } from '../../../src/operations/startExecution';
import { PLAN_ID, samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

// Inside evolve.ts, fold and decidedFrom call evolve directly, past the mock: they are rebuilt on the mock,
// so that a fold anywhere (a store refolding on load, say) is counted too.
jest.mock('../../../src/domain/execution/evolve', () => {
  type Module = typeof evolveModule;
  const actual = jest.requireActual<Module>('../../../src/domain/execution/evolve');
  const evolve = jest.fn(actual.evolve);
  const fold: Module['fold'] = (events, from) => events.reduce(evolve, from);
  const decidedFrom: Module['decidedFrom'] = (from, events) => {
    const states: ExecutionState[] = [];
    events.reduce((state, event) => {
      const next = evolve(state, event);
      states.push(next);
      return next;
    }, from);
    return { events, states };
  };
  return { ...actual, evolve, fold, decidedFrom };
});

const evolve = evolveModule.evolve as jest.MockedFunction<(state: ExecutionState, event: ExecutionEvent) => ExecutionState>;
const EXECUTION = 'exec-0001';
const REF = { executionId: EXECUTION, planId: PLAN_ID };

describe('a poll decides, folds and appends each event once', () => {
  let world: MemoryWorld;

  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(samplePlan);
    await startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    world.clock.advance(30);
  });

  /** Polls once, counting evolve's calls; answers them with the events that poll appended. */
  const countedPoll = async () => {
    const before = await world.headSeq(EXECUTION);
    evolve.mockClear();
    await poll(world.deps, REF);
    const folded = evolve.mock.calls.map(([, event]) => `${event.seq} ${event.type}`);
    const appended = (await world.ledger.read(EXECUTION, { fromSeq: before + 1 })).map(
      (stored) => `${stored.event.seq} ${stored.event.type}`,
    );
    return { folded, appended };
  };

  it('the wrapped evolve is the one the decider calls (the mock is in place)', async () => {
    world.drs.progress(world.drs.jobOfWave(1).jobId, 'STARTED', 'IN_PROGRESS');
    const { folded } = await countedPoll();
    expect(folded.length).toBeGreaterThan(0);
  });

  it('a wave completing and the next launched (4 events, 3 decisions): 4 folds, one per event appended, in order', async () => {
    world.drs.launchAll(world.drs.jobOfWave(1).jobId);

    const { folded, appended } = await countedPoll();

    expect(appended.map((line) => line.replace(/^\d+ /, ''))).toEqual(['WavePolled', 'WaveCompleted', 'WaveStartRequested', 'WaveStarted']);
    expect(folded).toEqual(appended);
  });

  it('the last wave completing, finalized, notified and cleaned up (8 events): 8 folds, one per event appended', async () => {
    for (const waveNumber of [1, 2]) {
      world.drs.launchAll(world.drs.jobOfWave(waveNumber).jobId);
      await poll(world.deps, REF);
      world.clock.advance(30);
    }
    world.drs.launchAll(world.drs.jobOfWave(3).jobId);

    const { folded, appended } = await countedPoll();

    expect(appended.map((line) => line.replace(/^\d+ /, ''))).toEqual([
      'WavePolled',
      'WaveCompleted',
      'Finalized',
      'NotificationSent',
      'CleanupStarted',
      'RecoveryInstancesTerminationRequested',
      'RecoveryInstancesGone',
      'CleanupCompleted',
    ]);
    expect(folded).toEqual(appended);
  });

  it('a poll that finds nothing new folds nothing', async () => {
    const { folded, appended } = await countedPoll();
    expect(appended).toEqual([]);
    expect(folded).toEqual([]);
  });
});
