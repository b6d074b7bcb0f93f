import type { ExecutionView } from '../../projections/executionView';
import { projectExecutionView } from '../../projections/projectExecutionView';
import type { ExecutionEventStore } from '../ports/executionEventStore';

/** Folds the ledger's events after the view's seq onto it (onto nothing when there is no view yet). */
export const catchUpView = async (
  ledger: Pick<ExecutionEventStore, 'read'>,
  executionId: string,
  view: ExecutionView | undefined,
): Promise<ExecutionView | undefined> => {
  const tail = await ledger.read(executionId, { fromSeq: (view?.seq ?? 0) + 1 });
  return tail.reduce<ExecutionView | undefined>((current, stored) => projectExecutionView(current, stored.event), view);
};
