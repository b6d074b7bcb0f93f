import { SYSTEM_ACTOR } from '../../../src/domain/execution';
import {
  advance,
  at,
  observeLaunched,
  OPERATOR,
  recordStartFailure,
  recordWaveStarted,
  requestPause,
  resume,
  SECOND_OPERATOR,
  start,
  throughWave,
} from '../../fixtures/commands';
import { withPauseBefore } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

const PAUSED_MESSAGE = 'Cannot pause execution in PAUSED state. Expected RUNNING state.';
const RESUME_RUNNING_MESSAGE = 'Cannot resume execution in RUNNING state. Expected PAUSED state.';

describe('RequestPause', () => {
  describe('given wave 1 in progress', () => {
    const inProgress = givenCommands(start(), recordWaveStarted(1, at(1)));

    it('records the request; the execution keeps running until the wave ends', () => {
      const { state } = inProgress
        .when(requestPause(at(2)))
        .thenEmits([{ type: 'PauseRequested', actor: OPERATOR, data: { requestedBy: OPERATOR } }]);
      expect(state).toMatchObject({ status: 'RUNNING', pauseRequest: { requestedBy: OPERATOR, requestedAt: at(2) } });
      expect(waveOf(state, 1).status).toBe('IN_PROGRESS');
    });

    it('requesting twice appends nothing the second time', () => {
      givenCommands(start(), recordWaveStarted(1, at(1)), requestPause(at(2)))
        .when(requestPause(at(3), SECOND_OPERATOR))
        .thenNothingHappens();
    });

    it('takes effect at the boundary: the wave completes and the next is not claimed', () => {
      const { state } = givenCommands(start(), recordWaveStarted(1, at(1)), requestPause(at(2)))
        .when(observeLaunched(1, at(10)))
        .thenEmits([
          { type: 'WavePolled' },
          { type: 'WaveCompleted', data: { waveNumber: 1 } },
          { type: 'ExecutionPaused', actor: OPERATOR, occurredAt: at(10), data: { afterWave: 1, nextWave: 2, reason: 'PAUSE_REQUESTED' } },
        ]);
      expect(state).toMatchObject({ status: 'PAUSED', pausedAt: at(10), afterWave: 1, nextWave: 2, pauseReason: 'PAUSE_REQUESTED' });
      expect(state).not.toHaveProperty('pauseRequest');
      expect(waveOf(state, 2).status).toBe('PENDING');
    });
  });

  describe('given wave 1 starting', () => {
    it('recording the DRS job does not pause mid-wave', () => {
      const { state } = givenCommands(start(), requestPause(at(0, 30)))
        .when(recordWaveStarted(1, at(1)))
        .thenEmits([{ type: 'WaveStarted' }]);
      expect(state.status).toBe('RUNNING');
    });
  });

  describe('given the execution at a boundary (a retryable start failure released wave 1)', () => {
    it('pauses at once', () => {
      givenCommands(start(), recordStartFailure(1, at(1), true))
        .when(requestPause(at(2)))
        .thenEmits([
          { type: 'PauseRequested' },
          { type: 'ExecutionPaused', data: { afterWave: 0, nextWave: 1, reason: 'PAUSE_REQUESTED' } },
        ]);
    });
  });

  describe('pauseBeforeWave', () => {
    it('pauses before that wave, as the system', () => {
      const plan = withPauseBefore([3]);
      const { state } = givenCommands(...throughWave(1, plan), recordWaveStarted(2, at(11), { plan }))
        .when(observeLaunched(2, at(20), plan))
        .thenEmits([
          { type: 'WavePolled' },
          { type: 'WaveCompleted', data: { waveNumber: 2 } },
          { type: 'ExecutionPaused', actor: SYSTEM_ACTOR, data: { afterWave: 2, nextWave: 3, reason: 'PAUSE_BEFORE_WAVE' } },
        ]);
      expect(state).toMatchObject({ status: 'PAUSED', pausedBeforeWaves: [3] });
    });

    it('a requested pause at the same boundary is the one pause', () => {
      const plan = withPauseBefore([2]);
      givenCommands(start({ plan }), recordWaveStarted(1, at(1), { plan }), requestPause(at(2)))
        .when(observeLaunched(1, at(10), plan))
        .thenEmits([
          { type: 'WavePolled' },
          { type: 'WaveCompleted' },
          { type: 'ExecutionPaused', data: { nextWave: 2, reason: 'PAUSE_REQUESTED' } },
        ]);
    });
  });

  describe('refused', () => {
    it('while paused: InvalidState with the contract wording', () => {
      const rejection = givenCommands(...throughWave(1, withPauseBefore([2])))
        .when(requestPause(at(11)))
        .thenRejects('InvalidState', 'PAUSED');
      expect(rejection).toEqual({ kind: 'InvalidState', currentStatus: 'PAUSED', expected: ['RUNNING'], message: PAUSED_MESSAGE });
    });

    it('while the last wave is in progress: nothing is left to pause before', () => {
      givenCommands(...throughWave(2), recordWaveStarted(3, at(21)))
        .when(requestPause(at(22)))
        .thenRejects('InvalidCommand', 'RUNNING');
    });

    it('when every wave has completed', () => {
      givenCommands(...throughWave(3))
        .when(requestPause(at(31)))
        .thenRejects('InvalidCommand', 'RUNNING');
    });
  });
});

describe('Resume', () => {
  describe('given an execution paused on request after wave 1', () => {
    const paused = givenCommands(start(), recordWaveStarted(1, at(1)), requestPause(at(2)), observeLaunched(1, at(10)));

    it('resumes and claims wave 2', () => {
      const { state } = paused.when(resume(at(15), SECOND_OPERATOR)).thenEmits([
        { type: 'ExecutionResumed', actor: SECOND_OPERATOR, data: { resumedBy: SECOND_OPERATOR, nextWave: 2 } },
        { type: 'WaveStartRequested', actor: SYSTEM_ACTOR, data: { waveNumber: 2, attempt: 1 } },
      ]);
      expect(state).toMatchObject({ status: 'RUNNING', currentWave: 2 });
      for (const pausedOnly of ['pausedAt', 'afterWave', 'nextWave', 'pauseReason']) {
        expect(state).not.toHaveProperty(pausedOnly);
      }
      expect(waveOf(state, 2).status).toBe('STARTING');
    });

    it('a later pause can be requested and honoured again', () => {
      const pausedThenResumed = [start(), recordWaveStarted(1, at(1)), requestPause(at(2)), observeLaunched(1, at(10)), resume(at(15))];
      givenCommands(...pausedThenResumed, recordWaveStarted(2, at(16)))
        .when(requestPause(at(17)))
        .thenEmits([{ type: 'PauseRequested' }]);
    });
  });

  describe('given an execution paused before a pause-before wave', () => {
    const plan = withPauseBefore([2]);

    it('resumes into that wave without pausing before it again', () => {
      givenCommands(...throughWave(1, plan))
        .when(resume(at(15)))
        .thenEmits([
          { type: 'ExecutionResumed', data: { nextWave: 2 } },
          { type: 'WaveStartRequested', data: { waveNumber: 2 } },
        ]);
    });

    it('a retried start of that wave does not pause before it again', () => {
      givenCommands(...throughWave(1, plan), resume(at(15)), recordStartFailure(2, at(16), true))
        .when(advance(at(17)))
        .thenEmits([{ type: 'WaveStartRequested', data: { waveNumber: 2, attempt: 2 } }]);
    });

    it('a plan that pauses before wave 1 starts paused and resumes into wave 1', () => {
      givenCommands(start({ plan: withPauseBefore([1]) }))
        .when(resume(at(5)))
        .thenEmits([
          { type: 'ExecutionResumed', data: { nextWave: 1 } },
          { type: 'WaveStartRequested', data: { waveNumber: 1, attempt: 1 } },
        ]);
    });
  });

  it('a running execution is refused with InvalidState and the contract wording', () => {
    const rejection = givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(resume(at(2)))
      .thenRejects('InvalidState', 'RUNNING');
    expect(rejection).toEqual({ kind: 'InvalidState', currentStatus: 'RUNNING', expected: ['PAUSED'], message: RESUME_RUNNING_MESSAGE });
  });

  it('a running execution with a pause requested but not yet in effect is refused', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)), requestPause(at(2)))
      .when(resume(at(3)))
      .thenRejects('InvalidState', 'RUNNING');
  });
});
