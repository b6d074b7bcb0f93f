import type { ExecutionEventStore } from '../ports/executionEventStore';

/**
 * Where a walk over every execution stands: the page (the listing's nextToken that fetched it, absent for
 * the first page) and how many of its executions are done. Plain data, to be saved and passed back.
 */
export interface ListingCheckpoint {
  pageToken?: string;
  index: number;
}

export interface ListedExecution {
  executionId: string;
  planId: string;
  startedAt: string;
  /** Where the listing holds this execution: a walk from here lists it first (how a resume checks its footing). */
  at: ListingCheckpoint;
  /** The checkpoint to resume from once this execution is done. */
  after: ListingCheckpoint;
}

const at = (pageToken: string | undefined, index: number): ListingCheckpoint =>
  pageToken === undefined ? { index } : { pageToken, index };

/** Every execution of the ledger, oldest start first, page by page, from a checkpoint. */
export async function* listExecutionsFrom(
  ledger: Pick<ExecutionEventStore, 'listExecutions'>,
  pageSize: number,
  from: ListingCheckpoint = { index: 0 },
): AsyncGenerator<ListedExecution> {
  let pageToken = from.pageToken;
  let skip = from.index;
  for (;;) {
    const page = await ledger.listExecutions(pageSize, pageToken);
    for (const [index, execution] of page.executions.entries()) {
      if (index < skip) continue;
      // After a page's last execution, resume at the next page rather than re-reading this one.
      const last = index === page.executions.length - 1;
      const after = last && page.nextToken !== undefined ? at(page.nextToken, 0) : at(pageToken, index + 1);
      yield { ...execution, at: at(pageToken, index), after };
    }
    if (page.nextToken === undefined) return;
    pageToken = page.nextToken;
    skip = 0;
  }
}
