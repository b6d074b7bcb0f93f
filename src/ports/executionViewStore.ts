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
  drsJobId: string;
  accountContext?: AccountContext;
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
  /**
   * The DRS job of each execution's wave in progress, per its view (possibly a little behind the ledger);
   * executions with no wave in progress are left out. Optional: find batches DescribeJobs when it is there.
   */
  wavesInProgress?(executionIds: string[]): Promise<WaveJob[]>;
  /** Every view's id, page by page (for rebuild and drift checks). */
  listAll(pageSize: number, nextToken?: string): Promise<{ executionIds: string[]; nextToken?: string }>;
}
