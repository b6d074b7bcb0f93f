import { ExecutionState, isTerminal } from '../../domain/execution';
import type { OperationDeps } from '../deps';
import type { CommandOutcome } from '../handleCommand';
import { launchWave } from './launchWave';
import { settleTerminal } from './settleOutcome';

/** A wave's start failing and being claimed again is bounded by the domain; this is a safety net. */
const MAX_REACTIONS = 20;

/**
 * Carries out what the events this writer appended call for: a claimed wave start is launched in DRS,
 * an end is settled. Runs until nothing more follows, and returns the last state seen.
 */
export const react = async (deps: OperationDeps, outcome: CommandOutcome): Promise<ExecutionState> => {
  let current = outcome;
  for (let round = 0; round < MAX_REACTIONS; round += 1) {
    const claim = current.appended.map((stored) => stored.event).find((event) => event.type === 'WaveStartRequested');
    if (claim && claim.type === 'WaveStartRequested' && current.state.status === 'RUNNING') {
      const wave = current.state.waves[claim.data.waveNumber - 1];
      if (wave?.status === 'STARTING') {
        current = await launchWave(deps, current.state, claim.data.waveNumber);
        continue;
      }
    }
    const state = current.state;
    if (isTerminal(state) && current.appended.some((stored) => stored.event.seq === state.endedAtSeq)) {
      // This writer just appended the end: it knows the ledger's head without reading it again.
      await settleTerminal(deps, state, current.ok ? { state, headHash: current.headHash } : undefined);
    }
    return state;
  }
  deps.log.error('Reactions did not settle', { rounds: MAX_REACTIONS });
  return current.state;
};
