import type { ExecutionEventStore, ReadRange, StoredEvent } from '../ports/executionEventStore';

/**
 * An execution's events a page at a time: the store's readPages where it has one (the next page is fetched
 * while the caller folds this one), otherwise read() as one page. What a replay that folds everything reads.
 */
export async function* ledgerPages(
  ledger: Pick<ExecutionEventStore, 'read' | 'readPages'>,
  executionId: string,
  range: ReadRange = {},
): AsyncGenerator<readonly StoredEvent[], void, undefined> {
  if (ledger.readPages) {
    yield* ledger.readPages(executionId, range);
    return;
  }
  const events = await ledger.read(executionId, range);
  if (events.length > 0) yield events;
}
