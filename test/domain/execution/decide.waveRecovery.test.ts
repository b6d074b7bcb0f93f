/**
 * Optional servers, and a failed wave's retry or skip: a plan with `onWaveFailure: 'PAUSE'` pauses on a
 * failed wave (WAVE_FAILED) until an operator relaunches its failed servers or skips it with a reason.
 */
import {
  decide,
  type ExecutionCommand,
  fold,
  type ObserveWave,
  type RecordWaveStarted,
  type RetryWave,
  type ServerObservation,
  type SkipWave,
} from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import {
  at,
  drsJobId,
  observe,
  OPERATOR,
  recordStartFailure,
  recordWaveStarted,
  recoveryInstanceId,
  requestCancel,
  resume,
  start,
  throughWave,
} from '../../fixtures/commands';
import { APP_1, APP_2, APP_3, DB_1, DB_2, samplePlan, WEB_1, WEB_2 } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

const pausing: RecoveryPlan = { ...samplePlan, onWaveFailure: 'PAUSE' };
const withOptional: RecoveryPlan = {
  ...samplePlan,
  waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, optionalServerIds: [APP_3] } : wave)),
};

const launched = (serverId: string): ServerObservation => ({
  serverId,
  launchStatus: 'LAUNCHED',
  recoveryInstanceId: recoveryInstanceId(serverId),
});
const failed = (serverId: string, failureReason = 'LAUNCH_FAILED: no capacity'): ServerObservation => ({
  serverId,
  launchStatus: 'FAILED',
  failureReason,
});

/** Wave 2 (APP_1..3) observed COMPLETED with APP_2 and APP_3 failed. */
const wave2Fails = (plan: RecoveryPlan, when = at(20)): ExecutionCommand[] => [
  recordWaveStarted(2, at(11), { plan }),
  observe(2, 'COMPLETED', [launched(APP_1), failed(APP_2), failed(APP_3)], when),
];

const retry = (waveNumber: number, when: string, requestedBy = OPERATOR): RetryWave => ({
  type: 'RetryWave',
  waveNumber,
  requestedBy,
  at: when,
});
const skip = (waveNumber: number, reason: string, when: string): SkipWave => ({
  type: 'SkipWave',
  waveNumber,
  reason,
  requestedBy: OPERATOR,
  at: when,
});
const retryStarted = (jobId: string, servers: string[], when: string): RecordWaveStarted => ({
  type: 'RecordWaveStarted',
  waveNumber: 2,
  drsJobId: jobId,
  servers: servers.map((serverId) => ({ serverId, launchStatus: 'PENDING' })),
  at: when,
});
const retryObserved = (jobId: string, servers: ServerObservation[], when: string): ObserveWave => ({
  ...observe(2, 'COMPLETED', servers, when),
  drsJobId: jobId,
});
const RETRY_JOB = drsJobId(2, 9);

describe('optional servers', () => {
  it('given only an optional server fails, the wave completes, naming it, and the next wave is claimed', () => {
    const { state } = givenCommands(...throughWave(1, withOptional), recordWaveStarted(2, at(11), { plan: withOptional }))
      .when(observe(2, 'COMPLETED', [launched(APP_1), launched(APP_2), failed(APP_3, 'LAUNCH_FAILED: quota')], at(20)))
      .thenEmits([
        { type: 'WavePolled' },
        {
          type: 'WaveCompleted',
          data: { waveNumber: 2, optionalFailures: [{ serverId: APP_3, launchStatus: 'FAILED', failureReason: 'LAUNCH_FAILED: quota' }] },
        },
        { type: 'WaveStartRequested', data: { waveNumber: 3 } },
      ]);
    expect(waveOf(state, 2).status).toBe('COMPLETED');
  });

  it('given an optional and a required server fail, the wave fails as today', () => {
    givenCommands(...throughWave(1, withOptional))
      .when(recordWaveStarted(2, at(11), { plan: withOptional }))
      .thenEmits([{ type: 'WaveStarted' }]);
    givenCommands(...throughWave(1, withOptional), recordWaveStarted(2, at(11), { plan: withOptional }))
      .when(observe(2, 'COMPLETED', [launched(APP_1), failed(APP_2), failed(APP_3)], at(20)))
      .thenEmits([{ type: 'WavePolled' }, { type: 'WaveFailed', data: { waveNumber: 2 } }, { type: 'ExecutionFailed' }]);
  });

  it('an execution with an optional failure finalizes counting it as a failed server', () => {
    const { state } = givenCommands(
      ...throughWave(1, withOptional),
      recordWaveStarted(2, at(11), { plan: withOptional }),
      observe(2, 'COMPLETED', [launched(APP_1), launched(APP_2), failed(APP_3)], at(20)),
      recordWaveStarted(3, at(21), { plan: withOptional }),
      observe(3, 'COMPLETED', [launched(WEB_1), launched(WEB_2)], at(30)),
    )
      .when({ type: 'Finalize', at: at(31) })
      .thenEmits([{ type: 'Finalized', data: { totalServers: 7, successfulServers: 6, failedServers: 1, completedWaves: 3 } }]);
    expect(state.status).toBe('COMPLETED');
  });
});

describe('a failed wave under onWaveFailure PAUSE', () => {
  const failedAndPaused = () => givenCommands(...throughWave(1, pausing), ...wave2Fails(pausing));

  it('pauses on the failure instead of failing the execution', () => {
    givenCommands(...throughWave(1, pausing), recordWaveStarted(2, at(11), { plan: pausing }))
      .when(observe(2, 'COMPLETED', [launched(APP_1), failed(APP_2), failed(APP_3)], at(20)))
      .thenEmits([
        { type: 'WavePolled' },
        { type: 'WaveFailed', data: { waveNumber: 2 } },
        { type: 'ExecutionPaused', data: { afterWave: 2, nextWave: 2, reason: 'WAVE_FAILED', attachesToken: true } },
      ]);
  });

  it('a start that DRS refuses for good pauses too', () => {
    givenCommands(...throughWave(1, pausing))
      .when(recordStartFailure(2, at(11), false))
      .thenEmits([
        { type: 'WaveStartFailed' },
        { type: 'WaveFailed' },
        { type: 'ExecutionPaused', data: { reason: 'WAVE_FAILED', nextWave: 2 } },
      ]);
  });

  it('refuses a plain resume, saying what to do', () => {
    const rejection = failedAndPaused()
      .when(resume(at(21)))
      .thenRejects('InvalidCommand', 'PAUSED');
    expect(rejection.message).toBe('Wave 2 failed: retry it or skip it (or cancel the execution)');
  });

  it('is cancelled by a cancel, as any pause', () => {
    failedAndPaused()
      .when(requestCancel(at(21), 'giving up'))
      .thenEmits([{ type: 'CancelRequested' }, { type: 'ExecutionCancelled', data: { reason: 'giving up' } }]);
  });

  it('a retry relaunches only the servers that did not launch, in a new round claimed like any start', () => {
    const { state } = failedAndPaused()
      .when(retry(2, at(21)))
      .thenEmits([
        {
          type: 'WaveRetryRequested',
          actor: OPERATOR,
          data: { waveNumber: 2, retry: 1, serverIds: [APP_2, APP_3], requestedBy: OPERATOR, jobCount: 1 },
        },
        { type: 'ExecutionResumed', data: { resumedBy: OPERATOR, nextWave: 2 } },
        { type: 'WaveStartRequested', data: { waveNumber: 2, attempt: 1 } },
      ]);
    const wave = waveOf(state, 2);
    expect(state.status).toBe('RUNNING');
    expect(wave).toMatchObject({ status: 'STARTING', retryRound: 1, jobs: [] });
    expect(wave.servers.map((server) => [server.serverId, server.launchStatus])).toEqual([
      [APP_1, 'LAUNCHED'],
      [APP_2, 'NOT_STARTED'],
      [APP_3, 'NOT_STARTED'],
    ]);
  });

  it("a retry's job naming a server that launched is refused", () => {
    const rejection = givenCommands(...throughWave(1, pausing), ...wave2Fails(pausing), retry(2, at(21)))
      .when(retryStarted(RETRY_JOB, [APP_1, APP_2], at(22)))
      .thenRejects('InvalidCommand');
    expect(rejection.message).toContain(APP_1);
  });

  it('the retried servers launching complete the wave and the execution goes on', () => {
    givenCommands(...throughWave(1, pausing), ...wave2Fails(pausing), retry(2, at(21)), retryStarted(RETRY_JOB, [APP_2, APP_3], at(22)))
      .when(retryObserved(RETRY_JOB, [launched(APP_2), launched(APP_3)], at(25)))
      .thenEmits([
        { type: 'WavePolled', data: { drsJobId: RETRY_JOB } },
        { type: 'WaveCompleted', data: { waveNumber: 2 } },
        { type: 'WaveStartRequested', data: { waveNumber: 3 } },
      ]);
  });

  it('a retry that fails again pauses again, and the next retry names only what still failed', () => {
    const again = givenCommands(
      ...throughWave(1, pausing),
      ...wave2Fails(pausing),
      retry(2, at(21)),
      retryStarted(RETRY_JOB, [APP_2, APP_3], at(22)),
      retryObserved(RETRY_JOB, [launched(APP_2), failed(APP_3)], at(25)),
    );
    expect(again.state).toMatchObject({ status: 'PAUSED', pauseReason: 'WAVE_FAILED', nextWave: 2 });
    again
      .when(retry(2, at(26)))
      .thenEmits([
        { type: 'WaveRetryRequested', data: { retry: 2, serverIds: [APP_3] } },
        { type: 'ExecutionResumed' },
        { type: 'WaveStartRequested' },
      ]);
  });

  it('a redelivered retry changes nothing once the retry is under way', () => {
    givenCommands(...throughWave(1, pausing), ...wave2Fails(pausing), retry(2, at(21)))
      .when(retry(2, at(21, 5)))
      .thenNothingHappens();
  });

  it("a redelivery of round 1's request after round 1 failed again starts no round 2; a request for round 2 does", () => {
    const round1FailedAgain = givenCommands(
      ...throughWave(1, pausing),
      ...wave2Fails(pausing),
      { ...retry(2, at(21)), retryRound: 1 },
      retryStarted(RETRY_JOB, [APP_2, APP_3], at(22)),
      retryObserved(RETRY_JOB, [launched(APP_2), failed(APP_3)], at(25)),
    );
    round1FailedAgain.when({ ...retry(2, at(26)), retryRound: 1 }).thenNothingHappens();
    round1FailedAgain.when({ ...retry(2, at(26)), retryRound: 3 }).thenNothingHappens();
    round1FailedAgain
      .when({ ...retry(2, at(26)), retryRound: 2 })
      .thenEmits([
        { type: 'WaveRetryRequested', data: { retry: 2, serverIds: [APP_3] } },
        { type: 'ExecutionResumed' },
        { type: 'WaveStartRequested' },
      ]);
  });

  it('retries are capped', () => {
    const rounds: ExecutionCommand[] = [];
    for (let round = 1; round <= 5; round += 1) {
      const job = drsJobId(2, round + 1);
      rounds.push(
        retry(2, at(20 + 2 * round)),
        retryStarted(job, [APP_2, APP_3], at(20 + 2 * round, 10)),
        retryObserved(job, [failed(APP_2), failed(APP_3)], at(21 + 2 * round)),
      );
    }
    const rejection = givenCommands(...throughWave(1, pausing), ...wave2Fails(pausing), ...rounds)
      .when(retry(2, at(40)))
      .thenRejects('InvalidCommand', 'PAUSED');
    expect(rejection.message).toContain('retried 5 times already');
  });

  it('a skip records the deviation with its reason and actor, and claims the next wave', () => {
    const { state } = failedAndPaused()
      .when(skip(2, 'app tier restored by hand from backups', at(21)))
      .thenEmits([
        {
          type: 'WaveSkipped',
          actor: OPERATOR,
          data: { waveNumber: 2, reason: 'app tier restored by hand from backups', skippedBy: OPERATOR },
        },
        { type: 'ExecutionResumed', data: { nextWave: 3 } },
        { type: 'WaveStartRequested', data: { waveNumber: 3 } },
      ]);
    expect(waveOf(state, 2).status).toBe('SKIPPED');
  });

  it('a skipped wave still lets the execution finalize', () => {
    givenCommands(
      ...throughWave(1, pausing),
      ...wave2Fails(pausing),
      skip(2, 'accepted', at(21)),
      recordWaveStarted(3, at(22), { plan: pausing }),
      observe(3, 'COMPLETED', [launched(WEB_1), launched(WEB_2)], at(30)),
    )
      .when({ type: 'Finalize', at: at(31) })
      .thenEmits([{ type: 'Finalized', data: { totalWaves: 3, completedWaves: 2, successfulServers: 5, failedServers: 2 } }]);
  });

  it('a skip before a wave that pauses-before pauses there', () => {
    const plan: RecoveryPlan = {
      ...pausing,
      waves: pausing.waves.map((wave, index) => (index === 2 ? { ...wave, pauseBeforeWave: true } : wave)),
    };
    givenCommands(...throughWave(1, plan), ...wave2Fails(plan))
      .when(skip(2, 'accepted', at(21)))
      .thenEmits([
        { type: 'WaveSkipped' },
        { type: 'ExecutionResumed' },
        { type: 'ExecutionPaused', data: { reason: 'PAUSE_BEFORE_WAVE', nextWave: 3 } },
      ]);
  });

  it('a redelivered skip changes nothing', () => {
    givenCommands(...throughWave(1, pausing), ...wave2Fails(pausing), skip(2, 'accepted', at(21)))
      .when(skip(2, 'accepted', at(21, 5)))
      .thenNothingHappens();
  });

  it.each([
    ['an empty reason', '  '],
    ['a reason over 1024 characters', 'x'.repeat(1025)],
  ])('a skip with %s is refused', (_, reason) => {
    failedAndPaused()
      .when(skip(2, reason, at(21)))
      .thenRejects('MissingParameter', 'PAUSED');
  });

  it.each([
    ['another wave', () => retry(1, at(21)), 'InvalidState'],
    ['a wave the plan does not have', () => retry(7, at(21)), 'WaveNotInExpectedStatus'],
  ] as const)('a retry of %s is refused', (_, command, kind) => {
    failedAndPaused().when(command()).thenRejects(kind);
  });

  it('a retry by a reserved name is refused', () => {
    failedAndPaused()
      .when(retry(2, at(21), 'system'))
      .thenRejects('InvalidCommand');
  });
});

describe('a retry while DRS may still launch the wave', () => {
  const JOB_1 = drsJobId(1, 1);
  /** Wave 1 (DB_1, DB_2) one server per job: part 1's job runs, part 2's start is refused for good. */
  const part2Refused = () =>
    givenCommands(
      start({ plan: pausing, serversPerJob: 1 }),
      { ...recordWaveStarted(1, at(1), { drsJobId: JOB_1, servers: [{ serverId: DB_1, launchStatus: 'PENDING' }] }), part: 1 },
      { ...recordStartFailure(1, at(2), false), part: 2 },
    );

  it('is refused while a job of an earlier part was not seen completed, and nothing is written', () => {
    const given = part2Refused();
    expect(given.state).toMatchObject({ status: 'PAUSED', pauseReason: 'WAVE_FAILED', nextWave: 1 });
    const rejection = given.when(retry(1, at(3))).thenRejects('WaveJobsStillRunning', 'PAUSED');
    expect(rejection).toMatchObject({ waveNumber: 1, drsJobIds: [JOB_1] });
    expect(rejection.message).toContain(`${JOB_1} were last seen PENDING`);
    // The skip stays open: the operator can accept the wave as it is.
    given
      .when(skip(1, 'DB_1 launches on its own; DB_2 is retired', at(3)))
      .thenEmits([{ type: 'WaveSkipped' }, { type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
  });

  it('with what DRS says now: the finished job is recorded first and only the server that never launched is retried', () => {
    const seen = { drsJobId: JOB_1, drsJobStatus: 'COMPLETED' as const, servers: [launched(DB_1)] };
    const { state } = part2Refused()
      .when({ ...retry(1, at(3)), jobsSeen: [seen] })
      .thenEmits([
        { type: 'WavePolled', data: { waveNumber: 1, drsJobId: JOB_1, drsJobStatus: 'COMPLETED', servers: [launched(DB_1)] } },
        { type: 'WaveRetryRequested', data: { waveNumber: 1, retry: 1, serverIds: [DB_2] } },
        { type: 'ExecutionResumed' },
        { type: 'WaveStartRequested' },
      ]);
    expect(waveOf(state, 1).servers.find((server) => server.serverId === DB_1)).toMatchObject({ launchStatus: 'LAUNCHED' });
  });

  it('with DRS still launching the job, it is refused and nothing is written', () => {
    const seen = { drsJobId: JOB_1, drsJobStatus: 'STARTED' as const, servers: [{ serverId: DB_1, launchStatus: 'IN_PROGRESS' as const }] };
    part2Refused()
      .when({ ...retry(1, at(3)), jobsSeen: [seen] })
      .thenRejects('WaveJobsStillRunning');
  });

  it('is refused while a server to retry was last seen launching when the completion grace ran out', () => {
    const grace = 10 * 60_000;
    const lagging = (when: string): ObserveWave => ({
      ...observe(2, 'COMPLETED', [launched(APP_1), failed(APP_2), { serverId: APP_3, launchStatus: 'IN_PROGRESS' }], when),
      completionGraceMs: grace,
    });
    const given = givenCommands(
      ...throughWave(1, pausing),
      recordWaveStarted(2, at(11), { plan: pausing }),
      lagging(at(12)),
      lagging(at(23)),
    );
    expect(given.state).toMatchObject({ status: 'PAUSED', pauseReason: 'WAVE_FAILED' });
    const rejection = given.when(retry(2, at(24))).thenRejects('WaveJobsStillRunning');
    expect(rejection.message).toContain('1 of its servers were last seen still launching');
    // DRS since settled it: the retry relaunches both failed servers.
    given
      .when({ ...retry(2, at(24)), jobsSeen: [{ drsJobId: drsJobId(2), drsJobStatus: 'COMPLETED', servers: [failed(APP_3)] }] })
      .thenEmits([
        { type: 'WavePolled', data: { servers: [failed(APP_3)] } },
        { type: 'WaveRetryRequested', data: { serverIds: [APP_2, APP_3] } },
        { type: 'ExecutionResumed' },
        { type: 'WaveStartRequested' },
      ]);
  });
});

describe('retry and skip outside a pause on a failure', () => {
  it('a running execution refuses both, saying why', () => {
    const running = givenCommands(...throughWave(1, pausing));
    expect(running.when(retry(2, at(12))).thenRejects('InvalidState', 'RUNNING').message).toBe(
      "Cannot retry wave 2: the execution is not paused on wave 2's failure (it is RUNNING)",
    );
    running.when(skip(2, 'why not', at(12))).thenRejects('InvalidState', 'RUNNING');
  });

  it('a plan without onWaveFailure fails the execution, and nothing can be retried', () => {
    const failedRun = givenCommands(...throughWave(1), ...wave2Fails(samplePlan));
    expect(failedRun.state.status).toBe('FAILED');
    failedRun.when(retry(2, at(21))).thenRejects('InvalidState', 'FAILED');
  });

  it('a pause before a wave is not a failure to retry', () => {
    const plan: RecoveryPlan = {
      ...pausing,
      waves: pausing.waves.map((wave, index) => (index === 1 ? { ...wave, pauseBeforeWave: true } : wave)),
    };
    const rejection = givenCommands(...throughWave(1, plan))
      .when(retry(2, at(12)))
      .thenRejects('InvalidState', 'PAUSED');
    expect(rejection.message).toContain('PAUSE_BEFORE_WAVE');
  });
});

describe('a retry whose resume lost its write', () => {
  it('is carried on by the next boundary decision', () => {
    const given = givenCommands(...throughWave(1, pausing), ...wave2Fails(pausing));
    const decided = given
      .when(retry(2, at(21)))
      .thenEmits([{ type: 'WaveRetryRequested' }, { type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
    // Only the first event was appended (another writer took the next seq): an Advance finishes the job.
    const onlyRetry = decided.events.slice(0, 1);
    const partial = fold(onlyRetry, given.state);
    expect(partial).toMatchObject({ status: 'PAUSED', pauseReason: 'WAVE_FAILED' });
    const next = decide({ type: 'Advance', at: at(22) }, partial);
    expect(next.ok && next.events.map((event) => event.type)).toEqual(['ExecutionResumed', 'WaveStartRequested']);
  });
});

describe('a plan with optional servers', () => {
  it('marks exactly those servers optional when the execution starts', () => {
    const { state } = givenCommands(start({ plan: withOptional }));
    expect(waveOf(state, 1).servers.filter((server) => server.optional)).toEqual([]);
    expect(
      waveOf(state, 2)
        .servers.filter((server) => server.optional)
        .map((server) => server.serverId),
    ).toEqual([APP_3]);
  });
});
