import type { Decided, ExecutionEvent, ExecutionState } from '../domain/execution';

/**
 * An execution's stream as a decision needs it: the state after the last event and the chain head to link
 * onto. One value, loaded once and moved forward by each append; stale only when another writer appended
 * since, which the next conditional write finds out.
 */
export interface LoadedExecution {
  executionId: string;
  state: ExecutionState;
  /** Hash of the last event; undefined when the execution has no events. */
  headHash: string | undefined;
}

/** An event as the ledger holds it: the event and its chain links. */
export interface StoredEvent {
  event: ExecutionEvent;
  prevHash: string;
  hash: string;
  /** Format 2: the digest of the state after the event, covered by `hash`. Absent on format-1 items. */
  stateDigest?: string;
}

export interface VersionConflict {
  kind: 'VersionConflict';
  executionId: string;
  /** The seq the writer tried to take. */
  seq: number;
  /**
   * The event that holds that seq, when the refused write named it (DynamoDB's
   * ReturnValuesOnConditionCheckFailure: no read). Unchecked: loadAfter checks its link as it checks a read one.
   */
  taken?: StoredEvent;
}

export const isVersionConflict = (value: unknown): value is VersionConflict =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'VersionConflict';

export type AppendResult =
  /** `loaded`: the stream after the append, from the decided states: nothing is folded again. */
  { ok: true; stored: StoredEvent[]; loaded: LoadedExecution } | { ok: false; conflict: VersionConflict; stored: StoredEvent[] };

export interface ReadRange {
  /** First seq to read, inclusive (default 1). */
  fromSeq?: number;
  /** Last seq to read, inclusive (default: the head). */
  toSeq?: number;
}

export interface ExecutionSummaryPage {
  executions: Array<{ executionId: string; planId: string; startedAt: string }>;
  /** Opaque; pass back for the next page. Absent on the last page. */
  nextToken?: string;
}

/** The append-only ledger of executions. Nothing else holds execution state. */
export interface ExecutionEventStore {
  /** Current state in a constant number of requests, whatever the history length. */
  load(executionId: string): Promise<LoadedExecution>;
  /**
   * The stream as it stands now, for a writer that holds it as `loaded` and lost a seq: only the events after
   * its head are read and folded onto its state, their links checked. Stores without it are loaded again.
   * `known`: the events after the head the writer already holds, in seq order (those it stored before the
   * conflict, as it wrote them, and the one that took its seq): folded and checked alike, and nothing is read
   * unless one does not link. The stream is then as new as the newest of them; if another writer has appended
   * beyond it, the next conditional write says so.
   */
  loadAfter?(loaded: LoadedExecution, known?: readonly StoredEvent[]): Promise<LoadedExecution>;
  /**
   * Appends a decision's events onto `loaded`, each with a conditional write on its seq and the state the
   * decision says it leaves (stored as the item's snapshot). Stops at the first seq another writer took and
   * reports the conflict with whatever was stored before it.
   */
  append(loaded: LoadedExecution, decided: Decided): Promise<AppendResult>;
  /** Events in seq order, read page by page. */
  read(executionId: string, range?: ReadRange): Promise<StoredEvent[]>;
  /**
   * The events read() returns, in the same order, a page at a time as they arrive: a replay folds one page
   * while the store fetches the next. Optional: ledgerPages (src/audit) reads a store without it whole.
   */
  readPages?(executionId: string, range?: ReadRange): AsyncIterable<StoredEvent[]>;
  /** Every execution in the ledger, oldest start first, page by page (rebuilds, audits, listings). */
  listExecutions(pageSize: number, nextToken?: string): Promise<ExecutionSummaryPage>;
  /** The last event's seq and hash, without its state. */
  head(executionId: string): Promise<{ seq: number; hash: string } | undefined>;
}
