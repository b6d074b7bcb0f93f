import { type ExecutionState, initialState, isTerminal, stepwiseFold } from '../domain/execution';
import type { LedgerRecord } from '../ports/ledgerRecords';

/**
 * The seq of the event that ended the execution (completed, failed or cancelled), folded from the ledger's
 * items in order; undefined while it runs or is paused. The fold stops where the ledger cannot be read on (a
 * gap, an unreadable item, an event that does not fold): verification fails such a ledger anyway.
 */
export const endedAtSeqOf = (records: readonly LedgerRecord[]): number | undefined => {
  let state: ExecutionState = initialState();
  const step = stepwiseFold(state);
  for (const [index, record] of records.entries()) {
    if (!record.readable || record.seq !== index + 1) break;
    try {
      state = step(record.stored.event);
    } catch {
      break;
    }
    if (isTerminal(state)) return record.seq;
  }
  return undefined;
};
