import type { OperationDeps } from './deps';
import { finishExecution } from './finishExecution';
import type { ExecutionRef } from './inputs';
import { loadExecution } from './loadExecution';
import type { OperationResponse } from './responses';

/** finalize: idempotent; refuses while a wave is still running. */
export const finalize = async (deps: OperationDeps, input: ExecutionRef): Promise<OperationResponse> => {
  const found = await loadExecution(deps, input.executionId, input.planId);
  if (!found.ok) return found.response;
  return (await finishExecution(deps, found.loaded)).response;
};
