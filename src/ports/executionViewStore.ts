import type { ExecutionView } from '../../projections/executionView';

export interface RunningPage {
  executions: Array<{ executionId: string; planId: string }>;
  /** Opaque; pass back to read the next page. Absent on the last page. */
  nextToken?: string;
}

/** The executions read model. Only the projector writes it. */
export interface ExecutionViewStore {
  get(executionId: string): Promise<ExecutionView | undefined>;
  /**
   * Writes the view if the stored one is still at `expectedSeq` (undefined: no view yet).
   * Returns false when another writer moved it first.
   */
  put(view: ExecutionView, expectedSeq: number | undefined): Promise<boolean>;
  /** RUNNING executions, one page at a time, without a Scan. */
  listRunning(pageSize: number, nextToken?: string): Promise<RunningPage>;
  /** Every view's id, page by page (for rebuild and drift checks). */
  listAll(pageSize: number, nextToken?: string): Promise<{ executionIds: string[]; nextToken?: string }>;
}
