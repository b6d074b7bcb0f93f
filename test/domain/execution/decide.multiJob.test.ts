import {
  decide,
  type ExecutionCommand,
  type ExecutionEvent,
  fold,
  initialState,
  jobsOf,
  type ObserveWave,
  type RecordWaveStarted,
  snapshotOf,
} from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { at, drsJobId, recordStartFailure, recoveryInstanceId, requestPause, start } from '../../fixtures/commands';
import { PLAN_ID, serverId } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

/** One wave of 150 servers and one of 2: DRS launches at most 100 servers in one job, so wave 1 takes two. */
const big = Array.from({ length: 150 }, (_, index) => serverId('big', index + 1));
const bigPlan: RecoveryPlan = {
  planId: PLAN_ID,
  planName: 'Large estate',
  waves: [
    { waveName: 'fleet', sourceServerIds: big },
    { waveName: 'web', sourceServerIds: [serverId('web', 1), serverId('web', 2)], pauseBeforeWave: true },
  ],
};
const PART_1 = big.slice(0, 100);
const PART_2 = big.slice(100);
const JOB_1 = drsJobId(1, 1);
const JOB_2 = drsJobId(1, 2);

const started = (part: number, drsJobId: string, servers: string[], when: string): RecordWaveStarted => ({
  type: 'RecordWaveStarted',
  waveNumber: 1,
  part,
  drsJobId,
  servers: servers.map((serverId) => ({ serverId, launchStatus: 'PENDING' })),
  at: when,
});

const observed = (
  drsJobId: string,
  drsJobStatus: ObserveWave['drsJobStatus'],
  servers: string[],
  launchStatus: 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED',
  when: string,
  completionGraceMs?: number,
): ObserveWave => ({
  type: 'ObserveWave',
  waveNumber: 1,
  drsJobId,
  drsJobStatus,
  servers: servers.map((serverId) =>
    launchStatus === 'LAUNCHED' ? { serverId, launchStatus, recoveryInstanceId: recoveryInstanceId(serverId) } : { serverId, launchStatus },
  ),
  ...(completionGraceMs === undefined ? {} : { completionGraceMs }),
  at: when,
});

const claimed = () => givenCommands(start({ plan: bigPlan }));
const bothStarted = () => givenCommands(start({ plan: bigPlan }), started(1, JOB_1, PART_1, at(1)), started(2, JOB_2, PART_2, at(2)));

describe('given a claimed wave of 150 servers (two DRS jobs of at most 100)', () => {
  it('the execution records the servers-per-job it was started with', () => {
    const { state } = claimed();
    expect(state).toMatchObject({ serversPerJob: 100 });
  });

  it('recording part 1 keeps the wave STARTING and renews the claim', () => {
    const { state } = claimed()
      .when(started(1, JOB_1, PART_1, at(1)))
      .thenEmits([{ type: 'WaveStarted', data: { waveNumber: 1, drsJobId: JOB_1 } }]);
    expect(waveOf(state, 1)).toMatchObject({
      status: 'STARTING',
      startRequestedAt: at(1),
      drsJobId: JOB_1,
      drsJobStatus: 'PENDING',
      startTime: at(1),
    });
  });

  it('recording part 2 puts the wave IN_PROGRESS with both jobs', () => {
    const { state } = claimed()
      .when(started(1, JOB_1, PART_1, at(1)))
      .thenEmits([{ type: 'WaveStarted' }]);
    const next = decide(started(2, JOB_2, PART_2, at(2)), state);
    expect(next.ok && next.events).toMatchObject([{ type: 'WaveStarted', data: { part: 2, drsJobId: JOB_2 } }]);
    const after = fold(next.ok ? next.events : [], state);
    const wave = waveOf(after, 1);
    expect(wave.status).toBe('IN_PROGRESS');
    expect(jobsOf(wave).map((job) => job.drsJobId)).toEqual([JOB_1, JOB_2]);
    expect(wave.startTime).toBe(at(1));
  });

  it('a repeated record of the same part is a no-op; another job for a recorded part is refused', () => {
    const given = givenCommands(start({ plan: bigPlan }), started(1, JOB_1, PART_1, at(1)));
    given.when(started(1, JOB_1, PART_1, at(2))).thenNothingHappens();
    given.when(started(1, 'drsjob-another0000000000', PART_1, at(2))).thenRejects('InvalidCommand');
  });

  it('a job naming servers of the other part is refused', () => {
    claimed()
      .when(started(1, JOB_1, PART_2, at(1)))
      .thenRejects('InvalidCommand');
  });

  it('a part that fails to start releases the claim but keeps the job already running; the next claim does not pause', () => {
    const { state } = givenCommands(start({ plan: bigPlan }), started(1, JOB_1, PART_1, at(1)), requestPause(at(1, 30)))
      .when({ ...recordStartFailure(1, at(2), true), part: 2 })
      .thenEmits([{ type: 'WaveStartFailed', data: { waveNumber: 1, part: 2, retryable: true } }]);
    expect(waveOf(state, 1)).toMatchObject({ status: 'PENDING', drsJobId: JOB_1 });
    // A wave some of whose servers already launch is started whole before any pause takes effect.
    const advanced = decide({ type: 'Advance', at: at(3) }, state);
    expect(advanced.ok && advanced.events.map((event) => event.type)).toEqual(['WaveStartRequested']);
  });
});

describe('given a wave running as two DRS jobs', () => {
  it('each job is observed on its own and the wave is as far as its least advanced job', () => {
    const { state } = bothStarted()
      .when(observed(JOB_1, 'COMPLETED', PART_1, 'LAUNCHED', at(10)))
      .thenEmits([{ type: 'WavePolled', data: { drsJobId: JOB_1, drsJobStatus: 'COMPLETED' } }]);
    expect(waveOf(state, 1)).toMatchObject({ status: 'IN_PROGRESS', drsJobStatus: 'PENDING' });
  });

  it('the wave completes only when both jobs launched all their servers', () => {
    const { state } = bothStarted()
      .when(observed(JOB_1, 'COMPLETED', PART_1, 'LAUNCHED', at(10)))
      .thenEmits([{ type: 'WavePolled' }]);
    const last = decide(observed(JOB_2, 'COMPLETED', PART_2, 'LAUNCHED', at(11)), state);
    expect(last.ok && last.events.map((event) => event.type)).toEqual(['WavePolled', 'WaveCompleted', 'ExecutionPaused']);
  });

  it("an observation of a job that is not the wave's is refused", () => {
    bothStarted()
      .when(observed('drsjob-elsewhere000000000', 'STARTED', PART_1, 'IN_PROGRESS', at(5)))
      .thenRejects('InvalidCommand');
  });

  it("one job's failed server fails the wave once the other job is done too, quoting a bounded reason", () => {
    const reason = 'Encoded authorization failure message: '.padEnd(2048, 'x');
    const failed = bothStarted().when({
      ...observed(JOB_1, 'COMPLETED', PART_1, 'LAUNCHED', at(10)),
      servers: PART_1.map((serverId, index) =>
        index === 0
          ? { serverId, launchStatus: 'FAILED' as const, failureReason: reason }
          : { serverId, launchStatus: 'LAUNCHED' as const },
      ),
    });
    const { events, state } = failed.thenEmits([{ type: 'WavePolled' }]);
    // The ledger keeps at most 512 bytes of DRS's reason.
    const polled = events[0];
    expect(polled?.type === 'WavePolled' && Buffer.byteLength(polled.data.servers[0]?.failureReason ?? '')).toBeLessThanOrEqual(512);
    const end = decide(observed(JOB_2, 'COMPLETED', PART_2, 'LAUNCHED', at(11)), state);
    expect(end.ok && end.events.map((event) => event.type)).toEqual(['WavePolled', 'WaveFailed', 'ExecutionFailed']);
    const waveFailed = end.ok ? end.events[1] : undefined;
    expect(waveFailed?.type === 'WaveFailed' && waveFailed.data.reason).toMatch(/^1 of 150 servers failed to launch/);
    expect(waveFailed?.type === 'WaveFailed' && waveFailed.data.failedServers).toEqual([{ serverId: PART_1[0], launchStatus: 'FAILED' }]);
  });
});

describe('given a job DRS reports COMPLETED while servers still read PENDING or IN_PROGRESS', () => {
  const GRACE_MS = 10 * 60_000;
  const lagging = () =>
    givenCommands(
      start({ plan: bigPlan }),
      started(1, JOB_1, PART_1, at(1)),
      started(2, JOB_2, PART_2, at(2)),
      observed(JOB_1, 'COMPLETED', PART_1, 'LAUNCHED', at(10), GRACE_MS),
    );

  it('within the grace period the wave keeps waiting', () => {
    lagging()
      .when(observed(JOB_2, 'COMPLETED', PART_2, 'IN_PROGRESS', at(12), GRACE_MS))
      .thenEmits([{ type: 'WavePolled', data: { drsJobId: JOB_2, drsJobStatus: 'COMPLETED' } }]);
  });

  it('servers that launch within the grace complete the wave', () => {
    const { state } = lagging()
      .when(observed(JOB_2, 'COMPLETED', PART_2, 'IN_PROGRESS', at(12), GRACE_MS))
      .thenEmits([{ type: 'WavePolled' }]);
    const launched = decide(observed(JOB_2, 'COMPLETED', PART_2, 'LAUNCHED', at(15), GRACE_MS), state);
    expect(launched.ok && launched.events.map((event) => event.type)).toEqual(['WavePolled', 'WaveCompleted', 'ExecutionPaused']);
  });

  it('when the grace expires the servers still not launched fail the wave, naming the jobs', () => {
    const { state } = lagging()
      .when(observed(JOB_2, 'COMPLETED', PART_2, 'IN_PROGRESS', at(12), GRACE_MS))
      .thenEmits([{ type: 'WavePolled' }]);
    const quiet = decide(observed(JOB_2, 'COMPLETED', PART_2, 'IN_PROGRESS', at(21), GRACE_MS), state);
    expect(quiet.ok && quiet.events).toEqual([]);
    const expired = decide(observed(JOB_2, 'COMPLETED', PART_2, 'IN_PROGRESS', at(22, 1), GRACE_MS), state);
    expect(expired.ok && expired.events.map((event) => event.type)).toEqual(['WaveFailed', 'ExecutionFailed']);
    const failed = expired.ok ? expired.events[0] : undefined;
    expect(failed?.type === 'WaveFailed' && failed.data.reason).toContain(`DRS job ${JOB_1}, ${JOB_2} completed without launching`);
    expect(failed?.type === 'WaveFailed' && failed.data.reason).toContain('and 45 more');
  });

  it('without a grace period it fails at once, as a single-job wave always did', () => {
    lagging()
      .when(observed(JOB_2, 'COMPLETED', PART_2, 'IN_PROGRESS', at(12)))
      .thenEmits([{ type: 'WavePolled' }, { type: 'WaveFailed' }, { type: 'ExecutionFailed' }]);
  });
});

describe('the snapshot a ledger item stores', () => {
  it('deciding on it gives the same events as deciding on the whole fold', () => {
    const reason = 'x'.repeat(600);
    const history = bothStarted().when({
      ...observed(JOB_1, 'STARTED', PART_1, 'IN_PROGRESS', at(5)),
      servers: [{ serverId: PART_1[0] as string, launchStatus: 'FAILED', failureReason: reason, hostname: 'h'.repeat(300) }],
    });
    const { state } = history.thenEmits([{ type: 'WavePolled' }]);
    const next = observed(JOB_1, 'COMPLETED', PART_1, 'LAUNCHED', at(12));
    next.servers = next.servers.map((server, index) =>
      index === 0 ? { ...server, launchStatus: 'FAILED', failureReason: reason } : server,
    );
    const onFold = decide(next, state);
    const onSnapshot = decide(next, snapshotOf(state));
    if (!onFold.ok || !onSnapshot.ok) throw new Error('refused');
    expect(onSnapshot.events).toEqual(onFold.events);
    // And the items written from either decision store the same snapshots.
    expect(onSnapshot.states.map(snapshotOf)).toEqual(onFold.states.map(snapshotOf));
    const snapshot = snapshotOf(state);
    const server = snapshot.status === 'NOT_STARTED' ? undefined : snapshot.waves[0]?.servers[0];
    expect(server?.hostname).toBeUndefined();
    expect(Buffer.byteLength(server?.failureReason ?? '')).toBeLessThanOrEqual(160);
    expect(initialState()).toEqual(snapshotOf(initialState()));
  });
});

describe('given a wave DRS has no room for (its concurrent-jobs quota, servers busy in other jobs)', () => {
  const NO_ROOM = { code: 'ServiceQuotaExceededException', message: 'Maximum of 20 concurrent jobs reached' };
  /** Part 1 runs; part 2 is refused for lack of room `times` times, each after a fresh claim, `minutesApart` apart. */
  const refusedForRoom = (times: number, minutesApart: number) => {
    const commands: ExecutionCommand[] = [start({ plan: bigPlan }), started(1, JOB_1, PART_1, at(1))];
    for (let refusal = 0; refusal < times; refusal += 1) {
      const when = 2 + refusal * minutesApart;
      if (refusal > 0) commands.push({ type: 'Advance', at: at(when) });
      commands.push({ ...recordStartFailure(1, at(when, 30), true, NO_ROOM), part: 2, waitingForCapacity: true });
    }
    return givenCommands(...commands);
  };

  it('refusals for lack of room do not spend start attempts: the wave keeps waiting past five', () => {
    const { state } = refusedForRoom(8, 1);
    expect(state.status).toBe('RUNNING');
    expect(waveOf(state, 1)).toMatchObject({ status: 'PENDING', startAttempts: 8, capacityWaits: 8, waitingForCapacitySince: at(2, 30) });
    const next = decide({ type: 'Advance', at: at(20) }, state);
    expect(next.ok && next.events.map((event) => event.type)).toEqual(['WaveStartRequested']);
  });

  it('after six hours without room the execution fails, naming the DRS jobs the wave left running', () => {
    const waited = refusedForRoom(2, 5 * 60);
    waited.when({ type: 'Advance', at: at(6 * 60 + 5) }).thenEmits([{ type: 'WaveStartRequested' }]);
    const { state } = waited;
    const claimed = fold((decide({ type: 'Advance', at: at(6 * 60 + 5) }, state) as { events: ExecutionEvent[] }).events, state);
    const refused = decide({ ...recordStartFailure(1, at(6 * 60 + 6), true, NO_ROOM), part: 2, waitingForCapacity: true }, claimed);
    expect(refused.ok && refused.events.map((event) => event.type)).toEqual(['WaveStartFailed', 'WaveFailed', 'ExecutionFailed']);
    const failure = refused.ok ? refused.events[1] : undefined;
    expect(failure?.type === 'WaveFailed' && failure.data.reason).toMatch(
      /no room in DRS for 36\d minutes.*DRS jobs already running for this wave: drsjob-w1a1/,
    );
  });

  it('other retryable refusals still spend attempts: the fifth fails the wave', () => {
    const commands: ExecutionCommand[] = [start({ plan: bigPlan }), started(1, JOB_1, PART_1, at(1))];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      if (attempt > 1) commands.push({ type: 'Advance', at: at(attempt) });
      commands.push({ ...recordStartFailure(1, at(attempt, 30), true), part: 2 });
    }
    const given = givenCommands(...commands, { type: 'Advance', at: at(6) });
    given
      .when({ ...recordStartFailure(1, at(6, 30), true), part: 2 })
      .thenEmits([{ type: 'WaveStartFailed' }, { type: 'WaveFailed' }, { type: 'ExecutionFailed' }]);
  });
});
