import type { ExecutionView } from '../../projections/executionView';
import type { AccountContext } from '../domain/execution';

export interface RunningPage {
  executions: Array<{ executionId: string; planId: string }>;
  /** Opaque; pass back to read the next page. Absent on the last page. */
  nextToken?: string;
}

/** A RUNNING execution's wave in progress, as its view last saw it. */
export interface WaveJob {
  executionId: string;
  waveNumber: number;
  /** Every DRS job of the wave (several when it is over DRS's servers-per-job quota). */
  drsJobIds: string[];
  accountContext?: AccountContext;
}

declare const viewVersion: unique symbol;
/** The store's own record of the stored parts a read saw. Callers only hand it back to `put`. */
export type ViewVersion = { readonly [viewVersion]: true };

/**
 * An execution's view as a writer reads it before writing over it. A view may be stored in several parts
 * written one after another (no transactions): `view` is undefined when the parts do not agree (a write
 * in progress, or a writer that stopped between them). The writer then folds the ledger from its start,
 * at least up to `seq`, and puts over this all the same: that write repairs it.
 */
export interface StoredView {
  /** The view as last committed, or undefined when its stored parts disagree. */
  view: ExecutionView | undefined;
  /** seq of the last committed write (0 when no write was ever committed). */
  seq: number;
  readonly version: ViewVersion;
}

/** The executions read model. Only the projector (and rebuilds) write it. */
export interface ExecutionViewStore {
  /**
   * The view as last committed; undefined when there is none or its stored parts disagree (then the
   * ledger is the answer: readers fold it, as they do for a view that lags).
   */
  get(executionId: string): Promise<ExecutionView | undefined>;
  /** The stored view with what a write over it must still find: for writers. */
  read(executionId: string): Promise<StoredView | undefined>;
  /**
   * Writes `view` over what `over` read (undefined: nothing may be stored yet). Returns false, having
   * committed nothing, when another writer moved the view first: read again and fold again.
   */
  put(view: ExecutionView, over: StoredView | undefined): Promise<boolean>;
  /** RUNNING executions, one page at a time, without a Scan. */
  listRunning(pageSize: number, nextToken?: string): Promise<RunningPage>;
  /** PAUSED executions waiting for an approval that has a deadline, one page at a time, without a Scan. */
  listAwaitingApproval(pageSize: number, nextToken?: string): Promise<RunningPage>;
  /**
   * Ended DRILLs whose cleanup started and has not completed (kept alive, awaiting confirmation, to retry), one page
   * at a time, without a Scan. Optional: without it, only the writer of a drill's end drives its cleanup.
   */
  listCleanupPending?(pageSize: number, nextToken?: string): Promise<RunningPage>;
  /**
   * The DRS job of each execution's wave in progress, per its view (possibly a little behind the ledger);
   * executions with no wave in progress are left out. Optional: find batches DescribeJobs when it is there.
   */
  wavesInProgress?(executionIds: string[]): Promise<WaveJob[]>;
  /**
   * Every execution that has a view, page by page (for rebuild and drift checks). A page may hold fewer ids
   * than `pageSize`, even none, and still have a nextToken: keep reading until it is absent.
   */
  listAll(pageSize: number, nextToken?: string): Promise<{ executionIds: string[]; nextToken?: string }>;
}
