import type { ExecutionState, Paused } from '../../domain/execution';
import { waveFailureNotice } from '../../domain/notification';
import type { Notification } from '../../ports/notifier';

/**
 * The notice for an execution paused on a wave's failure (the plan's onWaveFailure PAUSE), with the paused
 * state it is about; undefined for any other state. Operators are told as approvers are of an approval wait.
 */
export const failurePauseNotice = (
  state: ExecutionState,
): { state: Paused & { lastPauseSeq: number }; notice: Notification } | undefined => {
  if (state.status !== 'PAUSED' || state.pauseReason !== 'WAVE_FAILED' || state.lastPauseSeq === undefined) return undefined;
  const wave = state.waves[state.nextWave - 1];
  if (!wave) return undefined;
  const notice = waveFailureNotice({
    executionId: state.executionId,
    planId: state.planId,
    planName: state.planName,
    executionType: state.executionType,
    waveNumber: wave.waveNumber,
    waveName: wave.waveName,
    pausedAt: state.pausedAt,
    reason: wave.failureReason ?? 'no reason recorded',
    failedServers: wave.servers.filter((server) => server.launchStatus !== 'LAUNCHED').length,
    totalServers: wave.servers.length,
    retries: wave.retryRound ?? 0,
    pauseSeq: state.lastPauseSeq,
  });
  return { state: { ...state, lastPauseSeq: state.lastPauseSeq }, notice };
};
