import type { ExecutionView } from '../../projections/executionView';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { RecentExecutions } from '../ports/recentExecutions';
import { catchUpView } from './catchUpView';
import { ok, type OperationResponse } from './responses';

/** How far back a listing looks unless the caller says otherwise. */
export const DEFAULT_LISTING_DAYS = 30;
/** At most this many rows: a listing is a glance, the ledger is the record. */
export const MAX_LISTED_EXECUTIONS = 100;

const DAY_MS = 24 * 60 * 60 * 1000;
const LEDGER_PAGE = 1000;

export interface ListExecutionsDeps {
  store: Pick<ExecutionEventStore, 'listExecutions' | 'read'>;
  views: Pick<ExecutionViewStore, 'get'>;
  /** The index of starts read from a moment on (one Query on AWS); without it the ledger's listing is paged and filtered. */
  recent?: RecentExecutions;
  now: () => string;
}

export interface ListExecutionsInput {
  /** ISO 8601: executions started at or after it (default DEFAULT_LISTING_DAYS before now). */
  since?: string;
  /** At most this many rows, newest first (default and maximum MAX_LISTED_EXECUTIONS). */
  limit?: number;
}

export interface ListedExecution {
  executionId: string;
  planId: string;
  status: ExecutionView['status'];
  executionType: ExecutionView['executionType'];
  /** Who started it in the caller's words: the claim beside a verified principal, or an unverified name. */
  initiatedBy: string;
  /** Whether a principal was verified for the start (the operator API); false for a direct invocation. */
  initiatedByVerified: boolean;
  /** The principal the operator API verified, when it did. */
  initiatedByPrincipal?: string;
  startTime: string;
  endTime?: string;
}

/** Ids of executions started at or after `since`, oldest first. */
const startedSince = async (deps: ListExecutionsDeps, since: string): Promise<string[]> => {
  if (deps.recent) return deps.recent.startedSince(since);
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.store.listExecutions(LEDGER_PAGE, nextToken);
    ids.push(...page.executions.filter((execution) => execution.startedAt >= since).map((execution) => execution.executionId));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return ids;
};

/** The view, or the ledger folded when the projector has not caught up yet (a start a moment ago). */
const viewOf = async (deps: ListExecutionsDeps, executionId: string): Promise<ExecutionView | undefined> =>
  (await deps.views.get(executionId)) ?? (await catchUpView(deps.store, executionId, undefined));

const listed = (view: ExecutionView): ListedExecution => ({
  executionId: view.executionId,
  planId: view.planId,
  status: view.status,
  executionType: view.executionType,
  initiatedBy: view.initiatedBy,
  initiatedByVerified: view.initiatedByPrincipal !== undefined,
  ...(view.initiatedByPrincipal === undefined ? {} : { initiatedByPrincipal: view.initiatedByPrincipal }),
  startTime: view.startTime,
  ...(view.endTime === undefined ? {} : { endTime: view.endTime }),
});

/** By start time, newest first; executions started in the same millisecond by id, so the order is stable. */
const newestFirst = (a: ListedExecution, b: ListedExecution): number => {
  const key = (row: ListedExecution) => `${row.startTime}\u0000${row.executionId}`;
  return key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0;
};

/** list_executions: executions started recently, newest first, at most MAX_LISTED_EXECUTIONS of them. */
export const listExecutions = async (deps: ListExecutionsDeps, input: ListExecutionsInput = {}): Promise<OperationResponse> => {
  const since = input.since ?? new Date(Date.parse(deps.now()) - DEFAULT_LISTING_DAYS * DAY_MS).toISOString();
  const limit = Math.min(input.limit ?? MAX_LISTED_EXECUTIONS, MAX_LISTED_EXECUTIONS);
  const newest = (await startedSince(deps, since)).slice(-limit).reverse();
  const views = await Promise.all(newest.map((executionId) => viewOf(deps, executionId)));
  const executions = views
    .filter((view): view is ExecutionView => view !== undefined)
    .map(listed)
    .sort(newestFirst);
  return ok({ since, executions });
};
