/**
 * What a failed wave does under the plan's onWaveFailure PAUSE: the execution pauses on it (WAVE_FAILED) until
 * an operator retries its failed servers or skips it, and goes on once the wave is no longer failed.
 */
import type { EventRecorder } from './eventRecorder';
import type { ExecutionCore, Paused, Running, StartedExecution, WaveState } from './state';
import { SYSTEM_ACTOR } from './vocabulary';

type Active = Running | Paused;

/** A wave's retries are capped: after this many rounds, skip it or cancel the execution. */
export const MAX_WAVE_RETRIES = 5;

export const pausesOnFailure = (state: Active): boolean => state.onWaveFailure === 'PAUSE';

/** The execution waits on this wave's failure: the only pause a retry or a skip applies to. */
export const pausedOnFailureOf = (state: StartedExecution, waveNumber: number): boolean =>
  state.status === 'PAUSED' && state.pauseReason === 'WAVE_FAILED' && state.nextWave === waveNumber;

/** Where the execution goes after a skipped wave: the wave after it, or (the last wave) nowhere further. */
export const waveAfter = (state: Pick<ExecutionCore, 'waves'>, waveNumber: number): number => Math.min(waveNumber + 1, state.waves.length);

/**
 * A failed wave under PAUSE: a cancel asked for ends the execution (as at any boundary); a running execution
 * pauses on the failure, its state machine waiting with a resume token as for any pause.
 */
export const pauseOnFailure = (recorder: EventRecorder, state: Active, failed: WaveState): void => {
  if (state.cancelRequest) {
    const { reason } = state.cancelRequest;
    recorder.emit(
      'ExecutionCancelled',
      { cancelledBy: state.cancelRequest.requestedBy, ...(reason === undefined ? {} : { reason }) },
      state.cancelRequest.requestedBy,
    );
    return;
  }
  if (state.status !== 'RUNNING') return;
  const { waveNumber } = failed;
  recorder.emit(
    'ExecutionPaused',
    { afterWave: waveNumber, nextWave: waveNumber, reason: 'WAVE_FAILED', attachesToken: true },
    SYSTEM_ACTOR,
  );
};

/**
 * A pause on a wave's failure whose wave was retried or skipped, but whose resume was not appended (the
 * decision's later write lost to another writer): the execution goes on, as the operator asked.
 */
export const resumeAfterRecovery = (recorder: EventRecorder, state: Active): boolean => {
  if (state.status !== 'PAUSED' || state.pauseReason !== 'WAVE_FAILED') return false;
  const wave = state.waves[state.nextWave - 1];
  if (!wave || wave.status === 'FAILED') return false;
  const nextWave = wave.status === 'SKIPPED' ? waveAfter(state, wave.waveNumber) : wave.waveNumber;
  recorder.emit('ExecutionResumed', { resumedBy: SYSTEM_ACTOR, nextWave }, SYSTEM_ACTOR);
  return true;
};
