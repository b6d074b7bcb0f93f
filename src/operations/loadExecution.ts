import type { StartedExecution } from '../domain/execution';
import type { LoadedExecution } from '../ports/executionEventStore';
import type { OperationDeps } from './deps';
import { executionNotFound, type OperationResponse, planMismatch } from './responses';

export type Found = { ok: true; loaded: LoadedExecution; state: StartedExecution } | { ok: false; response: OperationResponse };

/** Loads an execution for an operation: 404 when the ledger has none, 400 when it belongs to another plan. */
export const loadExecution = async (deps: OperationDeps, executionId: string, planId?: string): Promise<Found> => {
  const loaded = await deps.store.load(executionId);
  const state = loaded.state;
  if (state.status === 'NOT_STARTED') return { ok: false, response: executionNotFound(executionId) };
  if (planId !== undefined && planId !== state.planId) {
    return { ok: false, response: planMismatch(executionId, state.planId, planId) };
  }
  return { ok: true, loaded, state };
};
