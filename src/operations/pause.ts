import { invalidState, operatorActorOf } from '../domain/execution';
import type { OperationDeps } from './deps';
import type { OperatorInput } from './inputs';
import { fromRejection, ok, type OperationResponse } from './responses';
import { runCommand } from './runCommand';

/** pause: takes effect at the next wave boundary (at once when the execution is already at one). */
export const pause = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  const run = await runCommand(deps, input, (at) => ({
    type: 'RequestPause',
    requestedBy: input.requestedBy,
    ...(input.identity ? { identity: input.identity } : {}),
    ...(input.simulated === true ? { simulated: true } : {}),
    at,
  }));
  if (!run.ok) return run.response;
  const { state } = run;
  if (state.status === 'PAUSED') {
    return ok({
      executionId: input.executionId,
      status: 'PAUSED',
      currentWave: state.afterWave,
      nextWave: state.nextWave,
      pausedAt: state.pausedAt,
      pauseEffective: true,
      message:
        state.afterWave > 0
          ? `Execution paused after wave ${state.afterWave}; wave ${state.nextWave} waits for resume`
          : `Execution paused before wave ${state.nextWave}`,
    });
  }
  if (state.status !== 'RUNNING') return fromRejection(input.executionId, invalidState('pause', state, ['RUNNING']));
  const pending = state.pauseRequest;
  return ok({
    executionId: input.executionId,
    // The contract answers PAUSED for an accepted pause; executionStatus tells that it is still pending.
    status: 'PAUSED',
    executionStatus: state.status,
    pauseEffective: false,
    currentWave: state.currentWave,
    nextWave: state.currentWave + 1,
    pausedAt: pending?.requestedAt,
    requestedBy: pending?.requestedBy ?? operatorActorOf(input.requestedBy, input.identity, input.simulated),
    message: `Execution will pause after wave ${state.currentWave} completes`,
  });
};
