import { MAX_WAVE_START_ATTEMPTS, SYSTEM_ACTOR, WAVE_START_LEASE_MS } from '../../../src/domain/execution';
import {
  advance,
  at,
  drsJobId,
  finalize,
  reclaim,
  recordStartFailure,
  recordWaveStarted,
  requestCancel,
  requestPause,
  serversWith,
  start,
  THROTTLED,
  throughWave,
  VALIDATION,
} from '../../fixtures/commands';
import { DB_1, DB_2, serverId, withPauseBefore } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

const LEASE_MINUTES = WAVE_START_LEASE_MS / 60_000;

/** Wave 1 claimed at T0 and failed retryably `failures` times, each failure at minute n and re-claimed at n:30. */
const wave1FailedRetryably = (failures: number) =>
  givenCommands(
    start(),
    ...Array.from({ length: failures }, (_, index) => [recordStartFailure(1, at(index + 1), true), advance(at(index + 1, 30))]).flat(),
  );

describe('RecordWaveStarted', () => {
  describe('given wave 1 starting', () => {
    const history = givenCommands(start());

    it('records the DRS job and puts the wave in progress', () => {
      const { state } = history.when(recordWaveStarted(1, at(1))).thenEmits([
        {
          type: 'WaveStarted',
          seq: 3,
          actor: SYSTEM_ACTOR,
          occurredAt: at(1),
          data: { waveNumber: 1, drsJobId: drsJobId(1), servers: serversWith(1, 'PENDING') },
        },
      ]);
      expect(state).toMatchObject({
        status: 'RUNNING',
        currentWave: 1,
        waves: [
          {
            status: 'IN_PROGRESS',
            drsJobId: drsJobId(1),
            drsJobStatus: 'PENDING',
            startTime: at(1),
            servers: [
              { serverId: DB_1, launchStatus: 'PENDING' },
              { serverId: DB_2, launchStatus: 'PENDING' },
            ],
          },
          { status: 'PENDING' },
          { status: 'PENDING' },
        ],
      });
    });

    it('a job that holds only some of the wave leaves the others NOT_STARTED', () => {
      const { state } = history
        .when(recordWaveStarted(1, at(1), { servers: [{ serverId: DB_1, launchStatus: 'PENDING' }] }))
        .thenEmits([{ type: 'WaveStarted' }]);
      expect(waveOf(state, 1).servers).toEqual([
        { serverId: DB_1, launchStatus: 'PENDING', updatedAt: at(1) },
        { serverId: DB_2, launchStatus: 'NOT_STARTED' },
      ]);
    });

    it('keeps the hostnames DescribeSourceServers gave', () => {
      const servers = [
        { serverId: DB_1, launchStatus: 'PENDING', hostname: 'db-primary.internal' },
        { serverId: DB_2, launchStatus: 'PENDING', hostname: 'db-replica.internal' },
      ] as const;
      const { state } = history
        .when(recordWaveStarted(1, at(1), { servers: [...servers] }))
        .thenEmits([{ type: 'WaveStarted', data: { servers: [...servers] } }]);
      expect(waveOf(state, 1).servers.map((server) => server.hostname)).toEqual(['db-primary.internal', 'db-replica.internal']);
    });

    it('a wave other than the starting one is refused', () => {
      const rejection = history.when(recordWaveStarted(2, at(1))).thenRejects('WaveNotInExpectedStatus', 'RUNNING');
      expect(rejection).toMatchObject({ waveNumber: 2, message: 'Wave 2 is PENDING, expected STARTING' });
    });

    it('a wave the plan does not have is refused', () => {
      const rejection = history.when(recordWaveStarted(4, at(1), { servers: [] })).thenRejects('WaveNotInExpectedStatus');
      expect(rejection.message).toBe('Wave 4 does not exist in this execution (it has 3 waves)');
    });

    it('a job naming a server outside the wave is refused', () => {
      const stranger = serverId('zz', 9);
      const rejection = history
        .when(recordWaveStarted(1, at(1), { servers: [...serversWith(1, 'PENDING'), { serverId: stranger, launchStatus: 'PENDING' }] }))
        .thenRejects('InvalidCommand', 'RUNNING');
      expect(rejection.message).toContain(stranger);
    });
  });

  describe('given wave 1 in progress', () => {
    const history = givenCommands(start(), recordWaveStarted(1, at(1)));

    it('recording the same job again appends nothing', () => {
      history.when(recordWaveStarted(1, at(2))).thenNothingHappens();
    });

    it('recording a different job is refused', () => {
      const rejection = history.when(recordWaveStarted(1, at(2), { drsJobId: drsJobId(1, 2) })).thenRejects('WaveNotInExpectedStatus');
      expect(rejection.message).toBe('Wave 1 is IN_PROGRESS, expected STARTING');
    });
  });

  it('is refused once the execution is over', () => {
    givenCommands(...throughWave(3), finalize(at(31)))
      .when(recordWaveStarted(3, at(32)))
      .thenRejects('InvalidState', 'COMPLETED');
  });
});

describe('RecordWaveStartFailure', () => {
  describe('a retryable failure', () => {
    const failed = () =>
      givenCommands(start())
        .when(recordStartFailure(1, at(1), true))
        .thenEmits([{ type: 'WaveStartFailed', data: { waveNumber: 1, attempt: 1, error: THROTTLED, retryable: true } }]);

    it('releases the wave, which waits PENDING at the boundary', () => {
      const { state } = failed();
      expect(state.status).toBe('RUNNING');
      expect(waveOf(state, 1)).toMatchObject({ status: 'PENDING', startAttempts: 1, failureReason: 'ThrottlingException: Rate exceeded' });
    });

    it("a later attempt that starts clears the earlier attempt's failure", () => {
      const { state } = givenCommands(start(), recordStartFailure(1, at(1), true), advance(at(1, 30)))
        .when(recordWaveStarted(1, at(2)))
        .thenEmits([{ type: 'WaveStarted', data: { waveNumber: 1 } }]);
      expect(waveOf(state, 1).status).toBe('IN_PROGRESS');
      expect(waveOf(state, 1).failureReason).toBeUndefined();
    });

    it('the next Advance claims the wave again', () => {
      givenCommands(start(), recordStartFailure(1, at(1), true))
        .when(advance(at(1, 30)))
        .thenEmits([{ type: 'WaveStartRequested', occurredAt: at(1, 30), data: { waveNumber: 1, attempt: 2 } }]);
    });

    it('with a pause requested, the next Advance pauses before the wave instead', () => {
      givenCommands(start(), requestPause(at(0, 30)), recordStartFailure(1, at(1), true))
        .when(advance(at(1, 30)))
        .thenEmits([{ type: 'ExecutionPaused', data: { afterWave: 0, nextWave: 1, reason: 'PAUSE_REQUESTED' } }]);
    });
  });

  it(`a retryable failure of attempt ${MAX_WAVE_START_ATTEMPTS} fails the wave and the execution`, () => {
    const { state } = wave1FailedRetryably(MAX_WAVE_START_ATTEMPTS - 1)
      .when(recordStartFailure(1, at(MAX_WAVE_START_ATTEMPTS), true))
      .thenEmits([
        { type: 'WaveStartFailed', data: { waveNumber: 1, attempt: MAX_WAVE_START_ATTEMPTS, retryable: true } },
        {
          type: 'WaveFailed',
          data: {
            waveNumber: 1,
            failedServers: [],
            reason: `DRS StartRecovery failed (after ${MAX_WAVE_START_ATTEMPTS} attempts): ThrottlingException: Rate exceeded`,
          },
        },
        { type: 'ExecutionFailed', data: { waveNumber: 1, reason: expect.stringContaining('Wave 1 failed: DRS StartRecovery failed') } },
      ]);
    expect(state).toMatchObject({ status: 'FAILED', waves: [{ status: 'FAILED' }, { status: 'PENDING' }, { status: 'PENDING' }] });
  });

  it(`attempt ${MAX_WAVE_START_ATTEMPTS - 1} failing is still retried`, () => {
    wave1FailedRetryably(MAX_WAVE_START_ATTEMPTS - 2)
      .when(recordStartFailure(1, at(MAX_WAVE_START_ATTEMPTS - 1), true))
      .thenEmits([{ type: 'WaveStartFailed', data: { attempt: MAX_WAVE_START_ATTEMPTS - 1 } }]);
  });

  it('a non-retryable failure fails the wave and the execution at once', () => {
    const { state } = givenCommands(start())
      .when(recordStartFailure(1, at(1), false))
      .thenEmits([
        { type: 'WaveStartFailed', data: { waveNumber: 1, attempt: 1, error: VALIDATION, retryable: false } },
        {
          type: 'WaveFailed',
          data: { waveNumber: 1, reason: 'DRS StartRecovery failed (not retryable): ValidationException: Invalid source server' },
        },
        { type: 'ExecutionFailed', data: { waveNumber: 1 } },
      ]);
    expect(state).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('ValidationException') });
  });

  it('a failure for a wave that is not starting is refused', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(recordStartFailure(1, at(2), true))
      .thenRejects('WaveNotInExpectedStatus', 'RUNNING');
  });

  it('a second failure report for the same claim is refused (the wave is no longer starting)', () => {
    givenCommands(start(), recordStartFailure(1, at(1), true))
      .when(recordStartFailure(1, at(1), true))
      .thenRejects('WaveNotInExpectedStatus', 'RUNNING');
  });

  it('a failure while paused is refused (no wave is starting)', () => {
    givenCommands(start({ plan: withPauseBefore([1]) }))
      .when(recordStartFailure(1, at(1), true))
      .thenRejects('WaveNotInExpectedStatus', 'PAUSED');
  });

  it('is refused once the execution is over', () => {
    givenCommands(start(), recordStartFailure(1, at(1), false))
      .when(recordStartFailure(1, at(2), true))
      .thenRejects('InvalidState', 'FAILED');
  });
});

describe('ReclaimWaveStart', () => {
  it('before the lease expires, is refused', () => {
    const rejection = givenCommands(start())
      .when(reclaim(1, at(LEASE_MINUTES - 1, 59)))
      .thenRejects('InvalidCommand', 'RUNNING');
    expect(rejection.message).toContain('lease has not expired');
  });

  it('once the lease has expired, records the attempt as failed', () => {
    const { state } = givenCommands(start())
      .when(reclaim(1, at(LEASE_MINUTES)))
      .thenEmits([{ type: 'WaveStartFailed', data: { waveNumber: 1, attempt: 1, retryable: true, error: { code: 'StartLeaseExpired' } } }]);
    expect(waveOf(state, 1)).toMatchObject({ status: 'PENDING', startAttempts: 1 });
  });

  it('after a reclaim, the next Advance makes a new attempt', () => {
    const { state } = givenCommands(start(), reclaim(1, at(LEASE_MINUTES)))
      .when(advance(at(LEASE_MINUTES, 30)))
      .thenEmits([{ type: 'WaveStartRequested', data: { waveNumber: 1, attempt: 2 } }]);
    expect(waveOf(state, 1)).toMatchObject({ status: 'STARTING', startAttempts: 2, startRequestedAt: at(LEASE_MINUTES, 30) });
  });

  it('the lease runs from the latest claim', () => {
    givenCommands(start(), recordStartFailure(1, at(4), true), advance(at(4, 30)))
      .when(reclaim(1, at(LEASE_MINUTES + 1)))
      .thenRejects('InvalidCommand');
  });

  it(`reclaiming attempt ${MAX_WAVE_START_ATTEMPTS} fails the execution`, () => {
    wave1FailedRetryably(MAX_WAVE_START_ATTEMPTS - 1)
      .when(reclaim(1, at(60)))
      .thenEmits([
        { type: 'WaveStartFailed', data: { attempt: MAX_WAVE_START_ATTEMPTS } },
        { type: 'WaveFailed' },
        { type: 'ExecutionFailed' },
      ]);
  });

  it('a wave that is not starting is refused', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(reclaim(1, at(60)))
      .thenRejects('WaveNotInExpectedStatus', 'RUNNING');
  });

  it('while paused, is refused', () => {
    givenCommands(start({ plan: withPauseBefore([1]) }))
      .when(reclaim(1, at(60)))
      .thenRejects('InvalidState', 'PAUSED');
  });

  it('with a cancel waiting on the start, cancels', () => {
    givenCommands(start(), requestCancel(at(1), 'drill postponed'))
      .when(reclaim(1, at(LEASE_MINUTES)))
      .thenEmits([{ type: 'WaveStartFailed' }, { type: 'ExecutionCancelled', data: { reason: 'drill postponed' } }]);
  });
});
