import fc from 'fast-check';
import {
  decide,
  evolve,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  fold,
  initialState,
  LedgerSequenceError,
  stepwiseFold,
} from '../../../src/domain/execution';
import { type Drill, drillArb, START_TIME, startCommand, type Step, stepArb } from '../../fixtures/arbitraries';
import { executionStarted, wave1CompletedHistory } from '../../fixtures/events';

/** A valid history: the events of every accepted command of a random sequence. */
const historyOf = (drill: Drill, steps: Step[]): ExecutionEvent[] => {
  const events: ExecutionEvent[] = [];
  let state: ExecutionState = initialState();
  const accept = (command: ExecutionCommand): void => {
    const decision = decide(command, state);
    if (!decision.ok) return;
    events.push(...decision.events);
    state = fold(decision.events, state);
  };
  accept(startCommand(drill));
  let now = START_TIME;
  for (const step of steps) {
    now += step.tickMs;
    accept(step.build(state, new Date(now).toISOString()));
  }
  return events;
};

const historyArb = drillArb.chain((drill) =>
  fc.array(stepArb(drill), { maxLength: 60, size: 'large' }).map((steps) => historyOf(drill, steps)),
);

const ledgerErrorOf = (fn: () => unknown): LedgerSequenceError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof LedgerSequenceError) return error;
    throw error;
  }
  throw new Error('expected a LedgerSequenceError');
};

describe('folding a history', () => {
  it('never throws for a valid history, and every prefix folds too', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const state = fold(events, initialState());
        expect(state.version).toBe(events.length);
        const half = Math.floor(events.length / 2);
        expect(fold(events.slice(half), fold(events.slice(0, half), initialState()))).toStrictEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it('throws LedgerSequenceError when a seq is skipped', () => {
    fc.assert(
      fc.property(
        historyArb.chain((events) => fc.record({ events: fc.constant(events), skipped: fc.nat({ max: events.length - 2 }) })),
        ({ events, skipped }) => {
          const gapped = [...events.slice(0, skipped), ...events.slice(skipped + 1)];
          const error = ledgerErrorOf(() => fold(gapped, initialState()));
          expect(error).toMatchObject({ expectedSeq: skipped + 1, actualSeq: skipped + 2, executionId: events[0]?.executionId });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('throws LedgerSequenceError when a seq is repeated', () => {
    fc.assert(
      fc.property(
        historyArb.chain((events) => fc.record({ events: fc.constant(events), repeated: fc.nat({ max: events.length - 1 }) })),
        ({ events, repeated }) => {
          const upTo = fold(events.slice(0, repeated + 1), initialState());
          const event = events[repeated] as ExecutionEvent;
          expect(ledgerErrorOf(() => evolve(upTo, event))).toMatchObject({ expectedSeq: repeated + 2, actualSeq: repeated + 1 });
          const doubled = [...events.slice(0, repeated + 1), ...events.slice(repeated)];
          expect(ledgerErrorOf(() => fold(doubled, initialState()))).toBeInstanceOf(LedgerSequenceError);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** `value` with every object in it frozen: a change to it then throws (modules run in strict mode). */
const deepFrozen = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFrozen(member);
    Object.freeze(value);
  }
  return value;
};

const evolvedOneByOne = (events: readonly ExecutionEvent[], from: ExecutionState): ExecutionState =>
  events.reduce<ExecutionState>((state, event) => evolve(state, event), from);

const splitHistoryArb = historyArb.chain((events) =>
  fc.record({ events: fc.constant(events), cut: fc.nat({ max: events.length }), second: fc.nat({ max: events.length }) }),
);

// fold changes in place, within a run of polls, what that run copied: these say nothing else can tell.
describe('fold against evolve', () => {
  it('reaches the state evolve reaches one event at a time, and leaves the state it starts from as it was', () => {
    fc.assert(
      fc.property(splitHistoryArb, ({ events, cut }) => {
        const from = deepFrozen(evolvedOneByOne(events.slice(0, cut), initialState()));
        const [folded, evolved] = [fold(events.slice(cut), from), evolvedOneByOne(events.slice(cut), from)];
        expect(folded).toStrictEqual(evolved);
        // Snapshots are JSON.stringify of the state: the same keys, in the same order.
        expect(JSON.stringify(folded)).toBe(JSON.stringify(evolved));
      }),
      { numRuns: 300 },
    );
  });

  it('hands back a state that a later fold onto it leaves as it was', () => {
    fc.assert(
      fc.property(splitHistoryArb, ({ events, cut, second }) => {
        const [first, rest] = [events.slice(0, Math.min(cut, second)), events.slice(Math.min(cut, second))];
        const folded = fold(first, initialState());
        const before = structuredClone(folded);
        fold(rest, folded);
        expect(folded).toStrictEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('hands back, one step at a time, the state evolve reaches at each step', () => {
    fc.assert(
      fc.property(splitHistoryArb, ({ events, cut }) => {
        const from = deepFrozen(evolvedOneByOne(events.slice(0, cut), initialState()));
        const step = stepwiseFold(from);
        let evolved = from;
        for (const event of events.slice(cut)) {
          evolved = evolve(evolved, event);
          expect(JSON.stringify(step(event))).toBe(JSON.stringify(evolved));
        }
      }),
      { numRuns: 200 },
    );
  });

  /** A running wave 1 (frozen), and 40 polls of two of its servers: some add a missing recovery point, the last ones launch. */
  const pollRun = () => {
    const head = deepFrozen(fold(wave1CompletedHistory.slice(0, 3), initialState()));
    if (head.status !== 'RUNNING') throw new Error('the fixture leaves wave 1 running');
    const wave = head.waves[0];
    if (!wave?.servers[0] || !wave.servers[1]) throw new Error('the fixture starts wave 1 with two servers or more');
    const [a, b] = [wave.servers[0].serverId, wave.servers[1].serverId];
    const polls = Array.from({ length: 40 }, (_, index) => ({
      ...wave1CompletedHistory[3]!,
      type: 'WavePolled',
      seq: head.version + index + 1,
      occurredAt: new Date(Date.parse(head.lastEventAt) + (index + 1) * 1000).toISOString(),
      data: {
        waveNumber: 1,
        drsJobStatus: 'STARTED',
        servers: [{ serverId: index % 2 ? a : b, launchStatus: index < 30 ? 'IN_PROGRESS' : 'LAUNCHED', recoveryInstanceId: `i-${index}` }],
        ...(index % 5 === 0 ? { recoveryPointsMissing: 1 } : {}),
      },
    })) as ExecutionEvent[];
    return { head, polls };
  };

  it('folds a long run of polls to the state evolve reaches, each prefix too', () => {
    const { head, polls } = pollRun();
    polls.forEach((_, index) => {
      const [folded, evolved] = [fold(polls.slice(0, index + 1), head), evolvedOneByOne(polls.slice(0, index + 1), head)];
      expect(JSON.stringify(folded)).toBe(JSON.stringify(evolved));
    });
    const end = fold(polls, head);
    expect(end.status === 'RUNNING' && end.waves[0]?.recoveryPointsMissing).toBe(8);
  });

  it('hands back one state object through a run of polls, changed in place: why a state holds until the next step', () => {
    const { head, polls } = pollRun();
    const step = stepwiseFold(head);
    const first = step(polls[0]!);
    expect(first).not.toBe(head);
    expect(step(polls[1]!)).toBe(first);
    expect(first.version).toBe(polls[1]!.seq);
  });

  it('changes nothing when a poll of a run throws (an event no decider wrote)', () => {
    const { head, polls } = pollRun();
    const step = stepwiseFold(head);
    const held = step(polls[0]!);
    const before = JSON.stringify(held);
    const malformed = { ...polls[1]!, data: { waveNumber: 1, drsJobStatus: 'STARTED', servers: 7 } } as unknown as ExecutionEvent;
    expect(() => step(malformed)).toThrow(TypeError);
    expect(JSON.stringify(held)).toBe(before);
  });
});

describe('evolve', () => {
  it('names the execution and both seqs in the error', () => {
    const error = ledgerErrorOf(() => fold([executionStarted(), { ...wave1CompletedHistory[2]!, seq: 5 }], initialState()));
    expect(error.message).toBe(`Execution ${executionStarted().executionId}: expected event seq 2, found 5`);
    expect(error.name).toBe('LedgerSequenceError');
  });

  it('refuses an event before ExecutionStarted, and a second ExecutionStarted', () => {
    expect(() => evolve(initialState(), { ...wave1CompletedHistory[1]!, seq: 1 })).toThrow('before ExecutionStarted');
    expect(() => fold([executionStarted(), { ...executionStarted(), seq: 2 }], initialState())).toThrow('started twice');
  });
});
