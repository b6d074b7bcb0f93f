import fc from 'fast-check';
import {
  CLEANUP_STREAK_PAUSE_MS,
  cleanupActionable,
  cleanupLedgerOf,
  cleanupLedgerOfState,
  cleanupRetryDelayMs,
  decide,
  type ExecutionCommand,
  type ExecutionState,
  fold,
  isTerminal,
  MAX_CLEANUP_FAILURES_PER_STREAK,
  MAX_REASON_BYTES,
  SYSTEM_ACTOR,
} from '../../../src/domain/execution';
import { utf8Length } from '../../../src/domain/text';
import { at, fail, finalize, recordWaveStarted, recoveryInstanceId, requestCancel, start, throughWave } from '../../fixtures/commands';
import { DB_1, DB_2, samplePlan } from '../../fixtures/plan';
import { givenCommands } from '../../support/deciderSpec';

const I1 = recoveryInstanceId(DB_1);
const I2 = recoveryInstanceId(DB_2);
const startCleanup = (when: string): ExecutionCommand => ({ type: 'StartCleanup', at: when });
const requested = (ids: string[], when: string, drsJobIds = ['drsjob-terminate0000000001']): ExecutionCommand => ({
  type: 'RecordTerminationRequested',
  recoveryInstanceIds: ids,
  drsJobIds,
  at: when,
});
const gone = (ids: string[], when: string): ExecutionCommand => ({ type: 'RecordInstancesGone', recoveryInstanceIds: ids, at: when });
const failure = (when: string, jitter = 0): ExecutionCommand => ({
  type: 'RecordCleanupFailure',
  error: { code: 'ThrottlingException', message: 'Rate exceeded' },
  recoveryInstanceIds: [I1],
  jitter,
  at: when,
});
const complete = (when: string, instancesTerminated = 2, instancesAlreadyGone = 0): ExecutionCommand => ({
  type: 'CompleteCleanup',
  instancesTerminated,
  instancesAlreadyGone,
  at: when,
});

const completedDrill = (...more: ExecutionCommand[]) => givenCommands(...throughWave(3), finalize(at(31)), ...more);

describe('StartCleanup', () => {
  it('after a DRILL completed, records when its instances may go (its end, without a keep-alive)', () => {
    const { state } = completedDrill()
      .when(startCleanup(at(32)))
      .thenEmits([{ type: 'CleanupStarted', actor: SYSTEM_ACTOR, data: { dueAt: at(31), keepAliveMinutes: 0 } }]);
    expect(state).toMatchObject({ status: 'COMPLETED', cleanup: { status: 'WAITING', dueAt: at(31), attempts: 0 } });
  });

  it("honours the plan's keep-alive, and a start request's over it", () => {
    const plan = { ...samplePlan, drillKeepAliveMinutes: 60 };
    givenCommands(start({ plan }), recordWaveStarted(1, at(1)), fail('aborted', at(2)))
      .when(startCleanup(at(3)))
      .thenEmits([{ type: 'CleanupStarted', data: { dueAt: at(62), keepAliveMinutes: 60 } }]);
    givenCommands(start({ plan, keepAliveMinutes: 5 }), recordWaveStarted(1, at(1)), requestCancel(at(2)))
      .when(startCleanup(at(3)))
      .thenEmits([{ type: 'CleanupStarted', data: { dueAt: at(7), keepAliveMinutes: 5 } }]);
  });

  it('twice records nothing the second time', () => {
    completedDrill(startCleanup(at(32)))
      .when(startCleanup(at(33)))
      .thenNothingHappens();
  });

  it('is refused for a RECOVERY, whose instances are the recovered workload', () => {
    const rejection = givenCommands(start({ executionType: 'RECOVERY' }), recordWaveStarted(1, at(1)), fail('aborted', at(2)))
      .when(startCleanup(at(3)))
      .thenRejects('InvalidCommand', 'FAILED');
    expect(rejection.message).toContain('never terminated');
  });

  it('is refused while the drill runs', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(startCleanup(at(2)))
      .thenRejects('InvalidState', 'RUNNING');
  });
});

describe('a keep-alive at the start', () => {
  it('outside 0..10080 whole minutes is refused, writing nothing', () => {
    for (const keepAliveMinutes of [-1, 1.5, 10_081, Number.NaN]) {
      givenCommands().when(start({ keepAliveMinutes })).thenRejects('InvalidCommand', 'NOT_STARTED');
    }
  });

  it('for a RECOVERY is refused', () => {
    givenCommands()
      .when(start({ executionType: 'RECOVERY', keepAliveMinutes: 5 }))
      .thenRejects('InvalidCommand', 'NOT_STARTED');
  });

  it('is recorded in ExecutionStarted', () => {
    givenCommands()
      .when(start({ keepAliveMinutes: 30 }))
      .thenEmits([{ type: 'ExecutionStarted', data: { keepAliveMinutes: 30 } }, { type: 'WaveStartRequested' }]);
  });
});

describe('RecordTerminationRequested', () => {
  it('before the keep-alive ends is refused', () => {
    const plan = { ...samplePlan, drillKeepAliveMinutes: 60 };
    givenCommands(start({ plan }), recordWaveStarted(1, at(1)), fail('aborted', at(2)), startCleanup(at(2)))
      .when(requested([I1], at(61)))
      .thenRejects('InvalidCommand', 'FAILED');
  });

  it('records the attempt, the instances and the TERMINATE jobs; the status stays COMPLETED', () => {
    const { state } = completedDrill(startCleanup(at(32)))
      .when(requested([I1, I2], at(33)))
      .thenEmits([
        {
          type: 'RecoveryInstancesTerminationRequested',
          data: { attempt: 1, recoveryInstanceIds: [I1, I2], drsJobIds: ['drsjob-terminate0000000001'] },
        },
      ]);
    expect(state).toMatchObject({
      status: 'COMPLETED',
      cleanup: { status: 'TERMINATING', attempts: 1, requested: 2, requestedAt: at(33) },
    });
  });

  it('names at most 200 instances, and only DRS ids', () => {
    const many = Array.from({ length: 201 }, (_, index) => `i-${String(index).padStart(17, '0')}`);
    completedDrill(startCleanup(at(32)))
      .when(requested(many, at(33)))
      .thenRejects('InvalidCommand');
    completedDrill(startCleanup(at(32)))
      .when(requested(['i-1 <script>'], at(33)))
      .thenRejects('InvalidCommand');
  });

  it('refuses a discovered instance of a server outside the plan', () => {
    completedDrill(startCleanup(at(32)))
      .when({
        type: 'RecordTerminationRequested',
        recoveryInstanceIds: ['i-stranger'],
        drsJobIds: [],
        discovered: [{ recoveryInstanceId: 'i-stranger', sourceServerId: 's-00000000000000999', jobId: 'drsjob-1' }],
        at: at(33),
      })
      .thenRejects('InvalidCommand');
  });

  it('is refused before the cleanup started, and for a RECOVERY ever', () => {
    completedDrill()
      .when(requested([I1], at(33)))
      .thenRejects('InvalidCommand');
    givenCommands(start({ executionType: 'RECOVERY' }), recordWaveStarted(1, at(1)), fail('aborted', at(2)))
      .when(requested([I1], at(3)))
      .thenRejects('InvalidCommand');
  });
});

describe('RecordCleanupFailure', () => {
  it('schedules a retry with a growing, jittered backoff; after a streak, pauses an hour and starts over', () => {
    const commands: ExecutionCommand[] = [startCleanup(at(32))];
    let given = completedDrill(...commands);
    const delays: number[] = [];
    for (let failureNumber = 1; failureNumber <= MAX_CLEANUP_FAILURES_PER_STREAK + 1; failureNumber += 1) {
      const when = at(40 + failureNumber * 100);
      const { events, state } = given.when(failure(when)).thenEmits([{ type: 'CleanupFailed', data: { attempt: failureNumber } }]);
      const event = events[0];
      if (event?.type !== 'CleanupFailed') throw new Error('no CleanupFailed');
      delays.push(Date.parse(event.data.nextAttemptAt) - Date.parse(when));
      expect(state).toMatchObject({ status: 'COMPLETED', cleanup: { status: 'FAILED', failures: failureNumber } });
      commands.push(failure(when));
      given = completedDrill(...commands);
    }
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, CLEANUP_STREAK_PAUSE_MS, 30_000]);
  });

  it('keeps DRS words bounded', () => {
    const { events } = completedDrill(startCleanup(at(32)))
      .when({ type: 'RecordCleanupFailure', error: { code: 'X'.repeat(1000), message: 'y'.repeat(100_000) }, jitter: 0.5, at: at(33) })
      .thenEmits([{ type: 'CleanupFailed' }]);
    const data = events[0]?.type === 'CleanupFailed' ? events[0].data : undefined;
    expect(utf8Length(data?.error.code ?? '')).toBeLessThanOrEqual(256);
    expect(utf8Length(`${data?.error.code}: ${data?.error.message}`)).toBeLessThanOrEqual(MAX_REASON_BYTES);
  });

  it('a failure of an unconfirmed termination counts as that attempt, and the next request is a new one', () => {
    const { state } = completedDrill(startCleanup(at(32)), requested([I1], at(33)), failure(at(44)))
      .when(requested([I1], at(46)))
      .thenEmits([{ type: 'RecoveryInstancesTerminationRequested', data: { attempt: 2 } }]);
    expect(state).toMatchObject({ cleanup: { status: 'TERMINATING', attempts: 2, failures: 1 } });
  });
});

describe('RecordInstancesGone and CompleteCleanup', () => {
  it('record each instance gone (200 an event) and then the counts; the status stays what the end made it', () => {
    const ids = Array.from({ length: 450 }, (_, index) => `i-${String(index).padStart(17, '0')}`);
    const given = givenCommands(start(), recordWaveStarted(1, at(1)), requestCancel(at(2)), startCleanup(at(3)));
    given.when(gone(ids, at(4))).thenEmits([
      { type: 'RecoveryInstancesGone', data: { recoveryInstanceIds: ids.slice(0, 200) } },
      { type: 'RecoveryInstancesGone', data: { recoveryInstanceIds: ids.slice(200, 400) } },
      { type: 'RecoveryInstancesGone', data: { recoveryInstanceIds: ids.slice(400) } },
    ]);
    const { state } = givenCommands(start(), recordWaveStarted(1, at(1)), requestCancel(at(2)), startCleanup(at(3)), gone([I1, I2], at(4)))
      .when(complete(at(5)))
      .thenEmits([{ type: 'CleanupCompleted', data: { instancesTerminated: 2, instancesAlreadyGone: 0 } }]);
    expect(state).toMatchObject({ status: 'CANCELLED', cleanup: { status: 'COMPLETED', gone: 2 } });
  });

  it('completing twice records nothing the second time', () => {
    completedDrill(startCleanup(at(32)), complete(at(33)))
      .when(complete(at(34)))
      .thenNothingHappens();
  });

  it('a termination DRS ran for a second driver while the first completed the cleanup is on record; the cleanup stays complete', () => {
    const { state } = completedDrill(startCleanup(at(32)), complete(at(33)))
      .when(requested([I1], at(34)))
      .thenEmits([{ type: 'RecoveryInstancesTerminationRequested', data: { recoveryInstanceIds: [I1] } }]);
    expect(state).toMatchObject({ status: 'COMPLETED', cleanup: { status: 'COMPLETED', requested: 1 } });
  });
});

describe('cleanupActionable', () => {
  it('is false before the keep-alive ends and during a backoff, true after', () => {
    const cleanup = { status: 'WAITING' as const, dueAt: at(60), attempts: 0, failuresInStreak: 0, failures: 0, requested: 0, gone: 0 };
    expect(cleanupActionable(cleanup, at(59))).toBe(false);
    expect(cleanupActionable(cleanup, at(60))).toBe(true);
    const failed = { ...cleanup, status: 'FAILED' as const, nextAttemptAt: at(70) };
    expect(cleanupActionable(failed, at(69))).toBe(false);
    expect(cleanupActionable(failed, at(70))).toBe(true);
    expect(cleanupActionable({ ...cleanup, status: 'COMPLETED' }, at(100))).toBe(false);
  });

  it('the backoff stays within its bounds for any jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_CLEANUP_FAILURES_PER_STREAK }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (streak, jitter) => {
          const delay = cleanupRetryDelayMs(streak, jitter);
          expect(delay).toBeGreaterThanOrEqual(30_000);
          expect(delay).toBeLessThanOrEqual(CLEANUP_STREAK_PAUSE_MS * 1.25);
        },
      ),
    );
  });
});

describe('cleanup commands, in any order and any number', () => {
  const commandArb = fc.constantFrom<(minute: number) => ExecutionCommand>(
    (minute) => startCleanup(at(minute)),
    (minute) => requested([I1], at(minute)),
    (minute) => gone([I1, I2], at(minute)),
    (minute) => failure(at(minute), 0.3),
    (minute) => complete(at(minute)),
  );

  it.each(['DRILL', 'RECOVERY'] as const)('never change the status of an ended %s; a RECOVERY records none of them', (executionType) => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 12 }), (makers) => {
        const ended = givenCommands(start({ executionType }), recordWaveStarted(1, at(1)), fail('aborted', at(2))).state;
        let state: ExecutionState = ended;
        makers.forEach((make, index) => {
          const decision = decide(make(10 + index), state);
          if (!decision.ok) return;
          if (executionType === 'RECOVERY') expect(decision.events).toEqual([]);
          state = fold(decision.events, state);
        });
        expect(isTerminal(state) && state.status).toBe('FAILED');
        if (executionType === 'RECOVERY') expect(state).toEqual(ended);
      }),
    );
  });
});

describe('cleanupLedgerOf', () => {
  it("reads the launched instances, the execution's jobs, and each instance's termination and disappearance", () => {
    const { events } = completedDrill(startCleanup(at(32)), requested([I1], at(33)), gone([I1], at(34)));
    const ledger = cleanupLedgerOf(events);
    expect(ledger.instances.get(I1)).toMatchObject({ sourceServerId: DB_1, waveNumber: 1, launchedAt: at(10) });
    expect(ledger.instances.size).toBe(7);
    expect(ledger.launchJobIds.size).toBe(3);
    expect(ledger.requested.get(I1)).toMatchObject({ at: at(33), attempt: 1 });
    expect(ledger.gone.get(I1)).toBe(at(34));
    expect(ledger.started).toEqual({ at: at(32), dueAt: at(31), keepAliveMinutes: 0 });
  });

  it('from the state alone, before the cleanup recorded anything, names the same instances and jobs as the events', () => {
    const { events, state } = completedDrill(startCleanup(at(32)));
    const fromEvents = cleanupLedgerOf(events);
    const fromState = isTerminal(state) ? cleanupLedgerOfState(state) : undefined;
    expect([...(fromState?.instances.keys() ?? [])].sort()).toEqual([...fromEvents.instances.keys()].sort());
    expect([...(fromState?.launchJobIds ?? [])].sort()).toEqual([...fromEvents.launchJobIds].sort());
    const requestedState = completedDrill(startCleanup(at(32)), requested([I1], at(33))).state;
    expect(isTerminal(requestedState) && cleanupLedgerOfState(requestedState)).toBeUndefined();
  });
});
