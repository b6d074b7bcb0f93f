import { shownView } from '../../projections/executionView';
import { catchUpView } from './catchUpView';
import type { OperationDeps } from './deps';
import { executionNotFound, ok, type OperationResponse, planMismatch } from './responses';

export interface DetailsInput {
  executionId: string;
  planId?: string;
}

/**
 * get_execution_details: the read model, plus the ledger's head to notice a view that lags behind
 * (two reads). A lagging view is brought up to date from the ledger, never served stale. It reads the views and
 * the ledger only, so a reader with those two (the console on a deployed stack) answers it as the handler does.
 */
export const getExecutionDetails = async (
  deps: Pick<OperationDeps, 'views' | 'store'>,
  input: DetailsInput,
): Promise<OperationResponse> => {
  const [stored, head] = await Promise.all([deps.views.get(input.executionId), deps.store.head(input.executionId)]);
  if (!head) return executionNotFound(input.executionId);
  const lagging = !stored || stored.seq < head.seq;
  const view = lagging ? await catchUpView(deps.store, input.executionId, stored) : stored;
  if (!view) return executionNotFound(input.executionId);
  if (input.planId !== undefined && input.planId !== view.planId) {
    return planMismatch(input.executionId, view.planId, input.planId);
  }
  return ok({ ...shownView(view), source: lagging ? 'ledger' : 'view', ledgerSeq: head.seq, ledgerHeadHash: head.hash });
};
