import type { LoadedExecution } from '../../ports/executionEventStore';
import type { OperationDeps } from '../deps';
import type { CommandOutcome } from '../handleCommand';
import { notifyApprovalWait } from './notifyApproval';
import { settleIfEnded } from './settleOutcome';
import { continueWaveStart } from './waveStart';

/** A wave's start failing and being claimed again is bounded by the domain; this is a safety net. */
const MAX_REACTIONS = 20;

/** The wave this writer just claimed (it appended the WaveStartRequested), if it is still to be started. */
const claimedWave = (outcome: CommandOutcome): number | undefined => {
  const claim = outcome.appended.map((stored) => stored.event).find((event) => event.type === 'WaveStartRequested');
  if (claim?.type !== 'WaveStartRequested' || outcome.loaded.state.status !== 'RUNNING') return undefined;
  return outcome.loaded.state.waves[claim.data.waveNumber - 1]?.status === 'STARTING' ? claim.data.waveNumber : undefined;
};

/**
 * Carries out what the events this writer appended call for: a claimed wave start is launched in DRS, a wait
 * for approval is notified, an end is settled (or a notification or settling a crash lost is repaired). Runs until nothing more follows, and answers the
 * stream as it then stands, for whatever the operation does next.
 */
export const react = async (deps: OperationDeps, outcome: CommandOutcome): Promise<LoadedExecution> => {
  let current = outcome;
  for (let round = 0; round < MAX_REACTIONS; round += 1) {
    const waveNumber = claimedWave(current);
    // A pause that waits for approval tells the approvers; an end is settled (the two never coincide).
    if (waveNumber === undefined) return settleIfEnded(deps, await notifyApprovalWait(deps, current));
    current = await continueWaveStart(deps, current.loaded, waveNumber, 'claimed');
  }
  deps.log.error('Reactions did not settle', { rounds: MAX_REACTIONS });
  return current.loaded;
};
