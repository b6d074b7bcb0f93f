import { Running, waveInFlight } from '../domain/execution';
import type { OperationDeps } from '../operations/deps';
import { adoptWaveJobs, launchWave } from '../operations/reactions/launchWave';

/**
 * Claims the dead process held. On AWS another invocation may still be working on a claim, so a wave start
 * is taken over only after its lease (five minutes) and a plan slot after its grace (fifteen). A restarted
 * local stack knows better: whatever the previous process claimed before `restartedAt` died with it.
 * Claims made since (a request that reached this process while it recovers) are left alone.
 */

/** A wave start the dead process claimed: adopt the DRS jobs it created (found by tags), and start the rest now. */
export const resumeDeadWaveStart = async (deps: OperationDeps, state: Running, restartedAt: string): Promise<boolean> => {
  const wave = waveInFlight(state);
  if (wave?.status !== 'STARTING') return false;
  const claimedAt = wave.startRequestedAt ?? state.lastEventAt;
  if (Date.parse(claimedAt) >= Date.parse(restartedAt)) return false;
  const adopted = await adoptWaveJobs(deps, state, wave.waveNumber, state.startTime);
  if (!adopted.stopped && adopted.state.waves[wave.waveNumber - 1]?.status === 'STARTING') await launchWave(deps, adopted.state, wave.waveNumber);
  return true;
};

/** Plan slots claimed by a start of the dead process whose ExecutionStarted never landed. */
export const releaseDeadPlanClaims = async (deps: OperationDeps, restartedAt: string): Promise<number> => {
  let released = 0;
  for (const plan of await deps.plans.list()) {
    const claim = (await deps.plans.get(plan.planId))?.claim;
    if (!claim || Date.parse(claim.claimedAt) >= Date.parse(restartedAt)) continue;
    if ((await deps.store.load(claim.executionId)).state.status !== 'NOT_STARTED') continue;
    await deps.plans.release(plan.planId, claim.executionId);
    released += 1;
  }
  return released;
};
