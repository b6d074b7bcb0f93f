/**
 * Model-based test: random command sequences over random valid plans, checking after every step
 * the invariants the ledger relies on. The model is the list of every event appended so far; the
 * real system is the state obtained by evolving each accepted decision's events.
 */
import fc from 'fast-check';
import {
  decide,
  evolve,
  ExecutionCommand,
  ExecutionEvent,
  ExecutionEventType,
  ExecutionState,
  fold,
  initialState,
  isStarted,
  isTerminal,
  waveCounters,
  waveInFlight,
} from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { planArb, START_TIME, startCommand, Step, stepArb } from '../../fixtures/arbitraries';

interface Model {
  events: ExecutionEvent[];
}
interface Real {
  state: ExecutionState;
  now: number;
}

const NOTIFICATIONS: readonly ExecutionEventType[] = ['NotificationSent', 'NotificationFailed'];
const ENDINGS: readonly ExecutionEventType[] = ['Finalized', 'ExecutionFailed', 'ExecutionCancelled'];

/** What the generated runs reached, so a generator that stops exploring fails the test. */
const reached = new Map<string, number>();
const count = (what: string) => reached.set(what, (reached.get(what) ?? 0) + 1);

const invariant = (holds: boolean, message: () => string): void => {
  if (!holds) throw new Error(`Invariant broken: ${message()}`);
};

/** Checks one event against the state it is folded into. */
const checkEvent = (before: ExecutionState, event: ExecutionEvent): void => {
  invariant(event.seq === before.version + 1, () => `${event.type} has seq ${event.seq} after version ${before.version}`);
  if (isTerminal(before)) {
    invariant(NOTIFICATIONS.includes(event.type), () => `${event.type} appended to a ${before.status} execution`);
  }
  if (!isStarted(before)) return;
  const waveBefore = (waveNumber: number) => before.waves.slice(0, waveNumber - 1);
  switch (event.type) {
    case 'ExecutionPaused': {
      const { afterWave, nextWave } = event.data;
      invariant(before.status === 'RUNNING', () => `paused from ${before.status}`);
      invariant(waveInFlight(before) === undefined, () => `paused with wave ${waveInFlight(before)?.waveNumber} in flight`);
      invariant(afterWave === nextWave - 1, () => `paused after ${afterWave} before ${nextWave}`);
      invariant(before.waves[nextWave - 1]?.status === 'PENDING', () => `paused before wave ${nextWave}, which is not PENDING`);
      invariant(
        waveBefore(nextWave).every((wave) => wave.status === 'COMPLETED'),
        () => `paused before ${nextWave} with earlier waves open`,
      );
      break;
    }
    case 'WaveStartRequested': {
      const { waveNumber } = event.data;
      invariant(before.status === 'RUNNING' && waveInFlight(before) === undefined, () => `claimed wave ${waveNumber} mid-wave`);
      invariant(before.waves[waveNumber - 1]?.status === 'PENDING', () => `claimed wave ${waveNumber}, which is not PENDING`);
      invariant(waveBefore(waveNumber).every((wave) => wave.status === 'COMPLETED'), () => `claimed wave ${waveNumber} out of order`);
      break;
    }
    case 'WaveStarted':
      invariant(before.waves[event.data.waveNumber - 1]?.status === 'STARTING', () => `wave ${event.data.waveNumber} started unclaimed`);
      break;
    default:
      break;
  }
};

/** Checks the whole history and state after a step. */
const checkHistory = (model: Model, previous: ExecutionState, state: ExecutionState): void => {
  model.events.forEach((event, index) => invariant(event.seq === index + 1, () => `event ${index} has seq ${event.seq}`));
  const started = model.events.flatMap((event) => (event.type === 'WaveStarted' ? [event.data.waveNumber] : []));
  invariant(
    started.every((waveNumber, index) => waveNumber === index + 1),
    () => `waves started in the order ${started.join(', ')}`,
  );
  if (isTerminal(previous)) invariant(state.status === previous.status, () => `${previous.status} became ${state.status}`);
  expect(fold(model.events, initialState())).toStrictEqual(state);
  if (!isStarted(state)) return;
  for (const wave of state.waves) {
    const counters = waveCounters(wave.servers);
    for (const value of Object.values(counters)) {
      invariant(value >= 0 && value <= wave.servers.length, () => `wave ${wave.waveNumber} counters ${JSON.stringify(counters)}`);
    }
    invariant(
      counters.serversCompleted + counters.serversFailed <= counters.serversLaunched,
      () => `wave ${wave.waveNumber} counts more outcomes than launches`,
    );
  }
  if (state.status === 'PAUSED') invariant(waveInFlight(state) === undefined, () => 'paused with a wave in flight');
  if (isTerminal(state)) {
    const ending = model.events.find((event) => ENDINGS.includes(event.type));
    invariant(state.endedAtSeq === ending?.seq, () => `ended at seq ${state.endedAtSeq}, but ${ending?.type} is seq ${ending?.seq}`);
  }
  if (state.status === 'COMPLETED') invariant(state.waves.every((wave) => wave.status === 'COMPLETED'), () => 'completed with open waves');
  const inFlight = state.waves.filter((wave) => wave.status === 'STARTING' || wave.status === 'IN_PROGRESS');
  invariant(inFlight.length <= 1, () => 'two waves in flight');
};

const apply = (model: Model, real: Real, command: ExecutionCommand): void => {
  const previous = real.state;
  const decision = decide(command, previous);
  if (!decision.ok) {
    // A refusal carries no events: the log and the state stay as they were.
    invariant(!('events' in decision), () => `${command.type} was refused with events`);
    count(`rejected ${decision.rejection.kind}`);
    return;
  }
  let state = previous;
  for (const event of decision.events) {
    checkEvent(state, event);
    state = evolve(state, event);
    count(event.type);
    if (event.type === 'WaveStartRequested' && event.data.attempt > 1) count('retried start');
  }
  model.events.push(...decision.events);
  real.state = state;
  checkHistory(model, previous, state);
};

class StepCommand implements fc.Command<Model, Real> {
  constructor(private readonly step: Step) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    real.now += this.step.tickMs;
    apply(model, real, this.step.build(real.state, new Date(real.now).toISOString()));
  }
  toString(): string {
    return this.step.label;
  }
}

const setup = (plan: RecoveryPlan): { model: Model; real: Real } => {
  const model: Model = { events: [] };
  const real: Real = { state: initialState(), now: START_TIME };
  apply(model, real, startCommand(plan));
  return { model, real };
};

const scenarioArb = planArb.chain((plan) =>
  fc.record({
    plan: fc.constant(plan),
    commands: fc.commands([stepArb(plan).map((step) => new StepCommand(step))], { maxCommands: 80, size: 'large' }),
  }),
);

describe('the execution decider against its model', () => {
  it('keeps every invariant over random command sequences', () => {
    fc.assert(
      fc.property(scenarioArb, ({ plan, commands }) => {
        let real: Real | undefined;
        fc.modelRun(() => {
          const initial = setup(plan);
          real = initial.real;
          return initial;
        }, commands);
        count(`ended ${real?.state.status}`);
      }),
      { numRuns: 1000 },
    );

    // The generator must reach every outcome and the interesting transitions, or the run proves little.
    const expected = [
      'ended RUNNING',
      'ended PAUSED',
      'ended COMPLETED',
      'ended FAILED',
      'ended CANCELLED',
      'WaveCompleted',
      'WaveFailed',
      'ExecutionPaused',
      'ExecutionResumed',
      'Finalized',
      'retried start',
      'NotificationSent',
      'NotificationFailed',
      'rejected InvalidState',
      'rejected WaveNotInExpectedStatus',
      'rejected InvalidCommand',
      'rejected ExecutionAlreadyExists',
    ];
    if (process.env.SHOW_MODEL_STATS) console.log(Object.fromEntries([...reached].sort()));
    expect(expected.filter((what) => !reached.get(what))).toEqual([]);
  });
});
