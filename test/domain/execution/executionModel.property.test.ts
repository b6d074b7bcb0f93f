/**
 * Model-based test: random command sequences over random valid plans, checking after every step
 * the invariants the ledger relies on. The model is the list of every event appended so far; the
 * real system is the state obtained by evolving each accepted decision's events.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  decide,
  type Decision,
  evolve,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionEventType,
  type ExecutionState,
  fold,
  initialState,
  isStarted,
  isTerminal,
  jobCount,
  jobsOf,
  MAX_FAILURE_REASON_BYTES,
  MAX_HOSTNAME_BYTES,
  MAX_REASON_BYTES,
  partsWithoutJob,
  type ServerObservation,
  serversOfPart,
  snapshotOf,
  SNAPSHOT_REASON_BYTES,
  type StartedExecution,
  waveCounters,
  waveInFlight,
  type WaveState,
} from '../../../src/domain/execution';
import { type Drill, drillArb, START_TIME, startCommand, type Step, stepArb } from '../../fixtures/arbitraries';

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

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** DRS's texts are bounded where they enter the ledger: a server's failure reason, its hostname. */
const checkServerTexts = (where: string, servers: readonly Pick<ServerObservation, 'serverId' | 'failureReason' | 'hostname'>[]): void => {
  for (const server of servers) {
    const { failureReason, hostname } = server;
    if (failureReason !== undefined) {
      invariant(
        bytes(failureReason) <= MAX_FAILURE_REASON_BYTES,
        () => `${where}: ${server.serverId}'s failure reason has ${bytes(failureReason)} bytes`,
      );
    }
    if (hostname !== undefined) {
      invariant(bytes(hostname) <= MAX_HOSTNAME_BYTES, () => `${where}: ${server.serverId}'s hostname has ${bytes(hostname)} bytes`);
    }
  }
};
const checkReason = (where: string, reason: string | undefined): void => {
  if (reason !== undefined) invariant(bytes(reason) <= MAX_REASON_BYTES, () => `${where}: a reason of ${bytes(reason)} bytes`);
};

/** The job a WavePolled is about, as evolve reads it: the one it names, else the wave's first. */
const polledJob = (wave: WaveState, drsJobId: string | undefined) => {
  const jobs = jobsOf(wave);
  return drsJobId === undefined ? jobs[0] : jobs.find((job) => job.drsJobId === drsJobId);
};

const serverIdsOfPart = (state: StartedExecution, wave: WaveState, part: number): Set<string> =>
  new Set(serversOfPart(state, wave, part).map((server) => server.serverId));

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
      invariant(
        waveBefore(waveNumber).every((wave) => wave.status === 'COMPLETED'),
        () => `claimed wave ${waveNumber} out of order`,
      );
      break;
    }
    case 'WaveStarted': {
      const { waveNumber, drsJobId, part = 1, servers } = event.data;
      const wave = before.waves[waveNumber - 1];
      invariant(wave?.status === 'STARTING', () => `wave ${waveNumber} started unclaimed`);
      if (!wave) break;
      const parts = jobCount(before, wave);
      invariant(Number.isInteger(part) && part >= 1 && part <= parts, () => `wave ${waveNumber} of ${parts} part(s) started part ${part}`);
      invariant(partsWithoutJob(before, wave).includes(part), () => `wave ${waveNumber} part ${part} started again, as ${drsJobId}`);
      const inPart = serverIdsOfPart(before, wave, part);
      const outside = servers.filter((server) => !inPart.has(server.serverId));
      invariant(
        outside.length === 0,
        () => `WaveStarted of wave ${waveNumber} part ${part} names ${outside.map((s) => s.serverId).join(', ')}`,
      );
      checkServerTexts(`WaveStarted ${waveNumber}/${part}`, servers);
      if (part > 1) count('WaveStarted part 2+');
      break;
    }
    case 'WaveStartFailed': {
      const { waveNumber, error } = event.data;
      invariant(before.waves[waveNumber - 1]?.status === 'STARTING', () => `wave ${waveNumber} failed to start unclaimed`);
      checkReason(`WaveStartFailed ${waveNumber}`, error.message);
      if (event.data.waitingForCapacity) count('waited for capacity');
      break;
    }
    case 'WavePolled': {
      const { waveNumber, drsJobId, servers } = event.data;
      const wave = before.waves[waveNumber - 1];
      invariant(wave?.status === 'IN_PROGRESS', () => `wave ${waveNumber} polled while ${wave?.status}`);
      if (!wave) break;
      const job = polledJob(wave, drsJobId);
      invariant(job !== undefined, () => `wave ${waveNumber} polled as DRS job ${drsJobId}, which is none of its jobs`);
      if (!job) break;
      const inPart = serverIdsOfPart(before, wave, job.part);
      const outside = servers.filter((server) => !inPart.has(server.serverId));
      invariant(
        outside.length === 0,
        () => `WavePolled of ${job.drsJobId} (wave ${waveNumber} part ${job.part}) names ${outside.map((s) => s.serverId).join(', ')}`,
      );
      checkServerTexts(`WavePolled ${waveNumber}/${job.part}`, servers);
      if (job.part > 1) count('WavePolled part 2+');
      break;
    }
    case 'WaveCompleted': {
      const wave = before.waves[event.data.waveNumber - 1];
      if (wave && jobCount(before, wave) > 1) count('wave of several jobs completed');
      break;
    }
    case 'WaveFailed': {
      checkReason(`WaveFailed ${event.data.waveNumber}`, event.data.reason);
      const wave = before.waves[event.data.waveNumber - 1];
      if (wave?.servers.some((server) => server.failureReason !== undefined && bytes(server.failureReason) > SNAPSHOT_REASON_BYTES)) {
        count('wave failed quoting a reason its snapshot cuts');
      }
      break;
    }
    case 'ExecutionFailed':
      checkReason('ExecutionFailed', event.data.reason);
      break;
    case 'StateMachineAttached': {
      // A state machine continues as new; a late attach of an older run must never become the attached one again.
      const generation = event.data.generation ?? 0;
      const attached = before.stateMachineGeneration ?? 0;
      invariant(generation >= attached, () => `state machine generation ${generation} attached after ${attached}`);
      invariant(event.data.executionArn !== before.executionArn, () => 'the attached run attached again');
      if (generation > 0) count('continued as new');
      break;
    }
    default:
      break;
  }
};

/** Checks the whole history and state after a step. */
const checkHistory = (model: Model, previous: ExecutionState, state: ExecutionState): void => {
  model.events.forEach((event, index) => invariant(event.seq === index + 1, () => `event ${index} has seq ${event.seq}`));
  const started = model.events.flatMap((event) => (event.type === 'WaveStarted' ? [event.data] : []));
  // Waves start in order, each wave's jobs before the next wave's.
  const order = started.map((data) => data.waveNumber).filter((waveNumber, index, all) => waveNumber !== all[index - 1]);
  invariant(
    order.every((waveNumber, index) => waveNumber === index + 1),
    () => `waves started in the order ${started.map((data) => `${data.waveNumber}/${data.part ?? 1}`).join(', ')}`,
  );
  // Each DRS job started exactly once: one WaveStarted per (wave, part) in the whole history, so one job per part.
  const jobOfPart = new Map<string, string>();
  for (const { waveNumber, part = 1, drsJobId } of started) {
    const key = `${waveNumber}/${part}`;
    const earlier = jobOfPart.get(key);
    invariant(earlier === undefined, () => `wave ${waveNumber} part ${part} started twice: ${earlier} then ${drsJobId}`);
    jobOfPart.set(key, drsJobId);
  }
  if (isTerminal(previous)) invariant(state.status === previous.status, () => `${previous.status} became ${state.status}`);
  expect(fold(model.events, initialState())).toStrictEqual(state);
  if (!isStarted(state)) return;
  checkReason('the execution', state.status === 'FAILED' ? state.failureReason : undefined);
  for (const wave of state.waves) {
    // The state's jobs are the ledger's: the one job each WaveStarted recorded for its part.
    const recorded = jobsOf(wave).map((job) => `${job.part}:${job.drsJobId}`);
    const inLedger = [...jobOfPart]
      .filter(([key]) => key.startsWith(`${wave.waveNumber}/`))
      .map(([key, job]) => `${key.split('/')[1]}:${job}`);
    invariant(
      isDeepStrictEqual(recorded.sort(), inLedger.sort()),
      () => `wave ${wave.waveNumber} holds jobs ${recorded.join(', ')} but the ledger ${inLedger.join(', ')}`,
    );
    // A wave runs (and so may complete) only once every part has its job; until then it is claimed or pending.
    const missing = partsWithoutJob(state, wave);
    if (wave.status === 'IN_PROGRESS' || wave.status === 'COMPLETED') {
      invariant(missing.length === 0, () => `wave ${wave.waveNumber} is ${wave.status} without a job for part(s) ${missing.join(', ')}`);
    }
    if (wave.status === 'PENDING' || wave.status === 'STARTING') {
      invariant(missing.length > 0, () => `wave ${wave.waveNumber} is ${wave.status} with every part's job on record`);
    }
    checkServerTexts(`wave ${wave.waveNumber}`, wave.servers);
    if (wave.status === 'FAILED') checkReason(`wave ${wave.waveNumber} (${wave.status})`, wave.failureReason);
    const ids = jobsOf(wave).map((job) => job.drsJobId);
    invariant(new Set(ids).size === ids.length, () => `wave ${wave.waveNumber} holds one DRS job for two parts: ${ids.join(', ')}`);
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
  if (state.status === 'COMPLETED')
    invariant(
      state.waves.every((wave) => wave.status === 'COMPLETED'),
      () => 'completed with open waves',
    );
  const inFlight = state.waves.filter((wave) => wave.status === 'STARTING' || wave.status === 'IN_PROGRESS');
  invariant(inFlight.length <= 1, () => 'two waves in flight');
};

const concludes = (decision: Decision): boolean =>
  decision.ok && decision.events.some((event) => event.type === 'WaveCompleted' || event.type === 'WaveFailed');

/** Counts what the new rules did with the command: grace periods, long texts, repeated or stray parts. */
const countCommand = (command: ExecutionCommand, previous: ExecutionState, decision: Decision): void => {
  if (!isStarted(previous)) return;
  if (command.type === 'ObserveWave' && decision.ok) {
    if (command.completionGraceMs) {
      if (!concludes(decision) && concludes(decide({ ...command, completionGraceMs: 0 }, previous))) count('grace waited');
      const waveFailed = decision.events.find((event) => event.type === 'WaveFailed');
      if (
        waveFailed?.type === 'WaveFailed' &&
        waveFailed.data.failedServers.some((server) => server.launchStatus !== 'FAILED' && server.launchStatus !== 'TERMINATED')
      ) {
        count('grace expired');
      }
    }
    const polled = decision.events.find((event) => event.type === 'WavePolled');
    if (
      polled &&
      command.servers.some((server) => server.failureReason !== undefined && bytes(server.failureReason) > MAX_FAILURE_REASON_BYTES)
    ) {
      count('failure reason cut to 512 bytes');
    }
  }
  if (command.type === 'RecordWaveStarted' && decision.ok && decision.events.length > 0) {
    if (command.servers.some((server) => server.hostname !== undefined && bytes(server.hostname) > MAX_HOSTNAME_BYTES))
      count('hostname cut');
  }
  const wave = 'waveNumber' in command ? previous.waves[command.waveNumber - 1] : undefined;
  if (command.type === 'RecordWaveStarted' && wave) {
    const part = command.part ?? 1;
    const recorded = jobsOf(wave).find((job) => job.part === part);
    if (recorded?.drsJobId === command.drsJobId && wave.status === 'STARTING') count('part recorded again (same job): nothing');
    if (recorded && recorded.drsJobId !== command.drsJobId && wave.status === 'STARTING' && !decision.ok)
      count('part recorded again (other job): refused');
    if (
      !recorded &&
      wave.status === 'STARTING' &&
      !decision.ok &&
      !(Number.isInteger(part) && part >= 1 && part <= jobCount(previous, wave))
    ) {
      count('part the wave lacks: refused');
    }
  }
  if (command.type === 'ObserveWave' && wave?.status === 'IN_PROGRESS' && previous.status === 'RUNNING' && !decision.ok) {
    if (command.drsJobId !== undefined && !jobsOf(wave).some((job) => job.drsJobId === command.drsJobId))
      count('unknown job observed: refused');
  }
};

/** A decision's events or rejection, and the snapshots its items would store. */
const whatWasDecided = (decision: Decision) =>
  decision.ok ? { ok: true, events: decision.events, snapshots: decision.states.map(snapshotOf) } : decision;

const apply = (model: Model, real: Real, command: ExecutionCommand): void => {
  const previous = real.state;
  const decision = decide(command, previous);
  // A ledger item stores snapshotOf the state: a decision on it must be the decision on the whole fold.
  // (The states it carries differ as the snapshot differs from the fold; what an item stores of them must not.)
  invariant(
    isDeepStrictEqual(whatWasDecided(decide(command, snapshotOf(previous))), whatWasDecided(decision)),
    () => `${command.type} decided differently on the snapshot`,
  );
  countCommand(command, previous, decision);
  if (!decision.ok) {
    // A refusal carries no events: the log and the state stay as they were.
    invariant(!('events' in decision), () => `${command.type} was refused with events`);
    count(`rejected ${decision.rejection.kind}`);
    return;
  }
  if (command.type === 'AttachStateMachine' && isStarted(previous) && !isTerminal(previous) && decision.events.length === 0) {
    if ((command.generation ?? 0) < (previous.stateMachineGeneration ?? 0)) count('older run ignored');
  }
  let state = previous;
  for (const event of decision.events) {
    if (event.type === 'WaveStartRequested' && event.data.attempt > 1) count('retried start');
    if (event.type === 'WaveStartRequested' && isStarted(state)) {
      const wave = state.waves[event.data.waveNumber - 1];
      if (wave && jobsOf(wave).length > 0) count('claimed a partly started wave');
    }
    checkEvent(state, event);
    state = evolve(state, event);
    count(event.type);
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

const setup = (drill: Drill): { model: Model; real: Real } => {
  const model: Model = { events: [] };
  const real: Real = { state: initialState(), now: START_TIME };
  apply(model, real, startCommand(drill));
  return { model, real };
};

const scenarioArb = drillArb.chain((drill) =>
  fc.record({
    drill: fc.constant(drill),
    commands: fc.commands([stepArb(drill).map((step) => new StepCommand(step))], { maxCommands: 80, size: 'large' }),
  }),
);

describe('the execution decider against its model', () => {
  it('keeps every invariant over random command sequences', () => {
    fc.assert(
      fc.property(scenarioArb, ({ drill, commands }) => {
        let real: Real | undefined;
        fc.modelRun(() => {
          const initial = setup(drill);
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
      'continued as new',
      'older run ignored',
      // Waves of several DRS jobs, and DRS's texts beyond what the ledger and its snapshots keep.
      'WaveStarted part 2+',
      'WavePolled part 2+',
      'wave of several jobs completed',
      'claimed a partly started wave',
      'part recorded again (same job): nothing',
      'part recorded again (other job): refused',
      'part the wave lacks: refused',
      'unknown job observed: refused',
      'grace waited',
      'grace expired',
      'failure reason cut to 512 bytes',
      'wave failed quoting a reason its snapshot cuts',
      'hostname cut',
    ];
    if (process.env.SHOW_MODEL_STATS) console.log(Object.fromEntries([...reached].sort()));
    expect(expected.filter((what) => !reached.get(what))).toEqual([]);
  });
});

/**
 * Gaps the model found in the decider once its generator built waves of several jobs, each cut down to a
 * few commands and kept as a regression test now that the decider closes it.
 */
describe('gaps the model found, closed', () => {
  const SERVERS = ['s-gap00000000000001', 's-gap00000000000002', 's-gap00000000000003'];
  const drill: Drill = {
    plan: { planId: 'plan-gaps', planName: 'gaps', waves: [{ waveName: 'wave-1', sourceServerIds: SERVERS }] },
    serversPerJob: 1,
  };
  const when = (minutes: number): string => new Date(START_TIME + minutes * 60_000).toISOString();
  const decideAll = (commands: ExecutionCommand[]): { state: ExecutionState; events: ExecutionEvent[] } => {
    let state = initialState();
    const events: ExecutionEvent[] = [];
    for (const command of commands) {
      const decision = decide(command, state);
      if (!decision.ok) continue;
      events.push(...decision.events);
      state = fold(decision.events, state);
    }
    return { state, events };
  };
  const part1Started: ExecutionCommand = {
    type: 'RecordWaveStarted',
    waveNumber: 1,
    part: 1,
    drsJobId: 'drsjob-gap0000000000001',
    servers: [{ serverId: SERVERS[0] as string, launchStatus: 'PENDING' }],
    at: when(1),
  };

  it('never records one DRS job for two parts of a wave', () => {
    const { state } = decideAll([
      startCommand(drill),
      part1Started,
      { ...part1Started, part: 2, servers: [{ serverId: SERVERS[1] as string, launchStatus: 'PENDING' }], at: when(2) },
    ]);
    const jobs = isStarted(state) ? jobsOf(state.waves[0] as WaveState).map((job) => job.drsJobId) : [];
    expect(new Set(jobs).size).toBe(jobs.length);
  });

  it('records a start failure only for a part the wave has and has no job for', () => {
    for (const part of [1, 0, 7]) {
      const { events } = decideAll([
        startCommand(drill),
        part1Started,
        {
          type: 'RecordWaveStartFailure',
          waveNumber: 1,
          part,
          error: { code: 'ThrottlingException', message: 'Rate exceeded' },
          retryable: true,
          at: when(2),
        },
      ]);
      const named = events.flatMap((event) => (event.type === 'WaveStartFailed' ? [event.data.part ?? 1] : []));
      expect(named.filter((failed) => failed !== 2 && failed !== 3)).toEqual([]);
    }
  });

  it("keeps a wave's start failure reason within MAX_REASON_BYTES", () => {
    const { state } = decideAll([
      startCommand(drill),
      {
        type: 'RecordWaveStartFailure',
        waveNumber: 1,
        error: { code: 'ThrottlingException', message: '漢'.repeat(1_000) },
        retryable: true,
        at: when(1),
      },
    ]);
    const reason = isStarted(state) ? (state.waves[0]?.failureReason ?? '') : '';
    expect(bytes(reason)).toBeLessThanOrEqual(MAX_REASON_BYTES);
  });

  it("keeps an operator's cancel reason within MAX_REASON_BYTES (the request schema allows 1,024 characters)", () => {
    const { events } = decideAll([
      startCommand(drill),
      { type: 'RequestCancel', requestedBy: 'alice@example.com', reason: '漢'.repeat(1_024), at: when(1) },
    ]);
    const reasons = events.flatMap((event) =>
      event.type === 'CancelRequested' || event.type === 'ExecutionCancelled' ? [event.data.reason ?? ''] : [],
    );
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.filter((reason) => bytes(reason) > MAX_REASON_BYTES)).toEqual([]);
  });
});
