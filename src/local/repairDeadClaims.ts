import { waveInFlight } from '../domain/execution';
import type { OperationDeps } from '../operations/deps';
import { react } from '../operations/reactions/react';
import { continueWaveStart } from '../operations/reactions/waveStart';
import type { LoadedExecution } from '../ports/executionEventStore';

/**
 * Claims the dead process held. On AWS another invocation may still be working on a claim, so a wave start
 * is taken over only after its lease (five minutes) and a plan slot after its grace (fifteen). A restarted
 * local stack knows better: whatever the previous process claimed before `restartedAt` died with it.
 * Claims made since (a request that reached this process while it recovers) are left alone.
 */

/**
 * A wave start the dead process claimed: adopt the DRS jobs it created (found by tags), and start the rest
 * now. Answers the stream afterwards, or undefined when there was no such start.
 */
export const resumeDeadWaveStart = async (
  deps: OperationDeps,
  loaded: LoadedExecution,
  restartedAt: string,
): Promise<LoadedExecution | undefined> => {
  const { state } = loaded;
  if (state.status !== 'RUNNING') return undefined;
  const wave = waveInFlight(state);
  if (wave?.status !== 'STARTING') return undefined;
  const claimedAt = wave.startRequestedAt ?? state.lastEventAt;
  if (Date.parse(claimedAt) >= Date.parse(restartedAt)) return undefined;
  // What the start leads to (a failure claimed again, an end) is carried out as after any start.
  return react(deps, await continueWaveStart(deps, loaded, wave.waveNumber, 'takeOver'));
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
