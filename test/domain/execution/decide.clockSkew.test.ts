/**
 * Decisions are made by many clocks (every invocation's, a judge's, an operator request that waited), and a decision
 * may be appended after another writer's events. The ledger's times must never go back, and a clock that runs
 * ahead within MAX_CLOCK_DIFFERENCE_MS must never make a live wave-start claim look dead.
 */
import fc from 'fast-check';
import {
  decide,
  type ExecutionEvent,
  type ExecutionState,
  fold,
  initialState,
  MAX_CLOCK_DIFFERENCE_MS,
  WAVE_START_CLAIM_LIFETIME_MS,
  WAVE_START_LEASE_MS,
} from '../../../src/domain/execution';
import { drillArb, START_TIME, startCommand, stepArb } from '../../fixtures/arbitraries';
import {
  at,
  finalize,
  observe,
  observeLaunched,
  reclaim,
  recordWaveStarted,
  requestPause,
  resume,
  serversWith,
  start,
  T0,
  throughWave,
} from '../../fixtures/commands';
import { givenCommands, waveOf } from '../../support/deciderSpec';

const SKEW_MS = 6 * 60_000;
const later = (instant: string, ms: number): string => new Date(Date.parse(instant) + ms).toISOString();

describe('a judgement is made by the judge’s own clock, not by the instant a later clock wrote', () => {
  it('a wave whose job completed with servers still launching is not failed before its grace by the poll’s clock', () => {
    const servers = serversWith(1, 'IN_PROGRESS');
    const graced = { completionGraceMs: 600_000 };
    // The job completed at minute 10, its servers still launching; then a writer whose clock ran 10 minutes ahead.
    givenCommands(start(), recordWaveStarted(1, at(1)), { ...observe(1, 'COMPLETED', servers, at(10)), ...graced }, requestPause(at(20)))
      // A poll with a true clock, one minute after the completion: nine minutes of grace are left.
      .when({ ...observe(1, 'COMPLETED', servers, at(11)), ...graced })
      .thenNothingHappens();
  });
});

describe('times written into events never go back either', () => {
  it('a Finalize decided by a clock behind the last wave’s end records that end, not an earlier one', () => {
    const allLaunched = givenCommands(...throughWave(3));
    const T = allLaunched.events.at(-1)?.occurredAt as string;
    allLaunched.when(finalize(later(T, -SKEW_MS))).thenEmits([{ type: 'Finalized', occurredAt: T, data: { endTime: T } }]);
  });
});

describe('occurredAt never goes back along an execution', () => {
  describe('given an execution paused after wave 1, its last event at T', () => {
    const paused = givenCommands(start(), recordWaveStarted(1, at(1)), requestPause(at(2)), observeLaunched(1, at(10)));
    const T = at(10);

    it('(given: the last event, ExecutionPaused, is at T)', () => {
      expect(paused.events.at(-1)).toMatchObject({ type: 'ExecutionPaused', occurredAt: T });
    });

    it('a Resume decided 30 s before T records every event at T', () => {
      const { events, state } = paused.when(resume(later(T, -30_000))).thenEmits([
        { type: 'ExecutionResumed', occurredAt: T },
        { type: 'WaveStartRequested', occurredAt: T, data: { waveNumber: 2 } },
      ]);
      expect(events.map((event) => event.occurredAt)).toEqual([T, T]);
      expect(waveOf(state, 2).startRequestedAt).toBe(T);
    });

    it('a Resume decided after T keeps its own instant', () => {
      paused.when(resume(at(15))).thenEmits([
        { type: 'ExecutionResumed', occurredAt: at(15) },
        { type: 'WaveStartRequested', occurredAt: at(15) },
      ]);
    });
  });

  describe('given wave 1 in progress, its WaveStarted at T', () => {
    const inProgress = givenCommands(start(), recordWaveStarted(1, at(1)));
    const T = at(1);

    it('(given: the last event, WaveStarted, is at T)', () => {
      expect(inProgress.events.at(-1)).toMatchObject({ type: 'WaveStarted', occurredAt: T });
    });

    it('a pause requested by a clock 30 s behind is recorded at T', () => {
      inProgress.when(requestPause(later(T, -30_000))).thenEmits([{ type: 'PauseRequested', occurredAt: T }]);
    });

    it('a pause requested after T keeps its own instant', () => {
      inProgress.when(requestPause(at(2))).thenEmits([{ type: 'PauseRequested', occurredAt: at(2) }]);
    });
  });

  it('for any commands at any instants (clocks up to 6 minutes apart, stale decisions), occurredAt never decreases', () => {
    const runArb = drillArb.chain((drill) =>
      fc.record({
        drill: fc.constant(drill),
        steps: fc.array(fc.tuple(stepArb(drill), fc.integer({ min: -SKEW_MS, max: SKEW_MS })), { maxLength: 60, size: 'large' }),
      }),
    );
    fc.assert(
      fc.property(runArb, ({ drill, steps }) => {
        const events: ExecutionEvent[] = [];
        let state: ExecutionState = initialState();
        const decideAndFold = (command: Parameters<typeof decide>[0]): void => {
          const decision = decide(command, state);
          if (!decision.ok) return;
          events.push(...decision.events);
          state = fold(decision.events, state);
        };
        decideAndFold(startCommand(drill));
        let now = START_TIME;
        for (const [step, skewMs] of steps) {
          now += step.tickMs;
          decideAndFold(step.build(state, new Date(now + skewMs).toISOString()));
        }
        events.slice(1).forEach((event, index) => {
          const previous = events[index] as ExecutionEvent;
          if (Date.parse(event.occurredAt) < Date.parse(previous.occurredAt)) {
            throw new Error(
              `${event.seq} ${event.type} at ${event.occurredAt} follows ${previous.seq} ${previous.type} at ${previous.occurredAt}`,
            );
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the wave-start lease allows for a judge whose clock runs ahead', () => {
  it('lasts the claimant’s lifetime plus the widest clock difference (17 minutes)', () => {
    expect(WAVE_START_LEASE_MS).toBe(WAVE_START_CLAIM_LIFETIME_MS + MAX_CLOCK_DIFFERENCE_MS);
    expect(WAVE_START_LEASE_MS).toBe(17 * 60_000);
  });

  describe('given wave 1 claimed (WaveStartRequested) at T', () => {
    const claimed = givenCommands(start());

    it('(given: the claim is at T0)', () => {
      expect(waveOf(claimed.state, 1)).toMatchObject({ status: 'STARTING', startRequestedAt: T0 });
    });

    it('a reclaim judged by a clock 6 minutes ahead is refused and records nothing', () => {
      const rejection = claimed.when(reclaim(1, later(T0, SKEW_MS))).thenRejects('InvalidCommand', 'RUNNING');
      expect(rejection.message).toContain('lease has not expired');
    });

    it('a reclaim just before the lease ends is refused', () => {
      claimed.when(reclaim(1, later(T0, WAVE_START_LEASE_MS - 1000))).thenRejects('InvalidCommand', 'RUNNING');
    });

    it('a reclaim once the lease has ended records WaveStartFailed StartLeaseExpired', () => {
      claimed
        .when(reclaim(1, later(T0, WAVE_START_LEASE_MS)))
        .thenEmits([
          { type: 'WaveStartFailed', data: { waveNumber: 1, attempt: 1, retryable: true, error: { code: 'StartLeaseExpired' } } },
        ]);
    });
  });
});
