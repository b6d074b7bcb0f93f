import { DynamoExecutionStarts } from '../adapters/dynamodb/executionStarts';
import { isInvalidNextToken } from '../adapters/dynamodb/pageToken';
import { type ExecutionStatus, TERMINAL_STATUSES } from '../domain/execution/vocabulary';
import { catchUpView } from '../operations/catchUpView';
import type { ExecutionView } from '../../projections/executionView';
import { UsageError } from './exitCodes';
import type { LedgerAccess } from './ledgerAccess';

/** What a listing of executions is asked: a plan's, those in a status, a page at most `limit` long, from a token. */
export interface ExecutionRowsQuery {
  plan?: string;
  status?: ExecutionStatus;
  limit: number;
  nextToken?: string;
}

export const DEFAULT_EXECUTIONS_LIMIT = 20;
export const MAX_EXECUTIONS_LIMIT = 100;
/** Starts read from the index per query. */
const INDEX_PAGE = 100;
/**
 * At most this many executions are looked at per command: a status that matches none of them ends the listing
 * with a token to go on from, instead of reading every view of a long history.
 */
const MAX_EXAMINED = 1000;
/**
 * Executions read at once (each a Query of its view, and one of the ledger after it): read one after another, the
 * 1,000 a status filter may examine took 2,000 round trips end to end, on every poll of the console's list.
 */
const READ_CONCURRENCY = 16;

export interface ListedRow {
  executionId: string;
  planId: string;
  executionType: ExecutionView['executionType'];
  status: ExecutionStatus;
  startTime: string;
  endTime?: string;
  currentWave: number;
  totalWaves: number;
  initiatedBy: string;
  initiatedByPrincipal?: string;
}

const rowOf = (view: ExecutionView): ListedRow => ({
  executionId: view.executionId,
  planId: view.planId,
  executionType: view.executionType,
  status: view.status,
  startTime: view.startTime,
  ...(view.endTime ? { endTime: view.endTime } : {}),
  currentWave: view.currentWave,
  totalWaves: view.totalWaves,
  initiatedBy: view.initiatedBy,
  ...(view.initiatedByPrincipal ? { initiatedByPrincipal: view.initiatedByPrincipal } : {}),
});

/**
 * An execution as the listing shows it: its view, brought up to date from the ledger. A view that ended in another
 * status than the one asked for is left out as it is: an ended execution's status never changes (the domain
 * refuses every command once it ended), so the ledger after it is not read.
 */
const listedView = async (
  ledger: Pick<LedgerAccess, 'views' | 'store'>,
  executionId: string,
  status: ExecutionStatus | undefined,
): Promise<ExecutionView | undefined> => {
  const view = await ledger.views.get(executionId);
  if (view && status !== undefined && view.status !== status && TERMINAL_STATUSES.includes(view.status)) return undefined;
  // The view, or the ledger folded when the projector has not caught up yet (a start a moment ago).
  const current = await catchUpView(ledger.store, executionId, view);
  return current && (status === undefined || current.status === status) ? current : undefined;
};

/** The executions newest first, filtered, at most `limit`, and the token of the rest (if any). */
export const listExecutionRows = async (
  ledger: Pick<LedgerAccess, 'client' | 'config' | 'views' | 'store'>,
  options: ExecutionRowsQuery,
): Promise<{ rows: ListedRow[]; nextToken?: string }> => {
  const index = new DynamoExecutionStarts(ledger.client, ledger.config.tables.events);
  const rows: ListedRow[] = [];
  let after = options.nextToken;
  let examined = 0;
  let ramp = 1;
  for (;;) {
    const page = await index
      .newestFirst({ pageSize: INDEX_PAGE, ...(options.plan ? { planId: options.plan } : {}), ...(after ? { after } : {}) })
      .catch((error: unknown) => {
        if (isInvalidNextToken(error)) throw new UsageError(`--next-token is not one this listing gave (${error.message})`);
        throw error;
      });
    // A batch at a time, in order, so that the token names the same start as when they were read one by one. A
    // batch is never more than the examined bound allows, nor more than the rows still wanted, but with a status
    // filter (where few may match) it grows, doubling, to READ_CONCURRENCY while they do not come.
    for (let from = 0; from < page.starts.length;) {
      const size = Math.min(READ_CONCURRENCY, MAX_EXAMINED - examined, Math.max(options.limit - rows.length, options.status ? ramp : 0));
      ramp *= 2;
      const batch = page.starts.slice(from, from + size);
      const views = await Promise.all(batch.map((start) => listedView(ledger, start.executionId, options.status)));
      for (const [offset, start] of batch.entries()) {
        examined += 1;
        const view = views[offset];
        if (view) rows.push(rowOf(view));
        const more = from + offset < page.starts.length - 1 || page.next !== undefined;
        if (rows.length === options.limit || examined >= MAX_EXAMINED) return { rows, ...(more ? { nextToken: start.after } : {}) };
      }
      from += batch.length;
    }
    if (!page.next) return { rows };
    after = page.next;
  }
};
