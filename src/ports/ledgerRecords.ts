import type { StoredEvent } from './executionEventStore';

/**
 * One item of an execution's ledger as found, read without trusting it: what verification, export and
 * evidence read. `seq` is the item's key, whatever its content says; a record that cannot be read as an
 * event says why instead of throwing.
 */
export type LedgerRecord =
  | {
      seq: number;
      readable: true;
      stored: StoredEvent;
      /** The state snapshot stored with the event, parsed but unchecked; absent where none is kept (files). */
      snapshot?: unknown;
      /**
       * How the item was laid out: formats 3 and 4's packed event, or the attribute per field of formats 1 and 2
       * (absent for files). The store only ever moves forward: an attribute item after a packed one was not its.
       */
      layout?: 'packed' | 'attributes';
    }
  | { seq: number; readable: false; problem: string };

/** Reads an execution's ledger item by item, in key order, for audits. */
export interface LedgerRecordReader {
  /** Every item of the execution, whatever it holds (empty for an unknown execution). Throws only on I/O. */
  readRecords(executionId: string): Promise<LedgerRecord[]>;
}
