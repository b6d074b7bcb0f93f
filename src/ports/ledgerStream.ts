import type { ExecutionEvent } from '../domain/execution';

/** A stream record that cannot be read as one of our events. */
export class PoisonRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonRecordError';
  }
}

/**
 * One new ledger item as the events table's change stream delivers it (an INSERT), decoded as far as it
 * could be: what the projector folds. The stream adapter decodes; a record it cannot read carries a
 * PoisonRecordError, and whatever of its key could still be read.
 */
export interface DecodedStreamRecord {
  /** The record's position in the stream: what a failed record is reported by. */
  sequenceNumber: string;
  /** From the record's key (or its image); undefined when neither can be read. */
  executionId: string | undefined;
  /** From the record's key (or its image); undefined when neither can be read. */
  seq: number | undefined;
  decoded: { ok: true; event: ExecutionEvent } | { ok: false; error: Error };
}

/**
 * A stored ledger item changed (a MODIFY record) or deleted (a REMOVE record) on the events table's stream.
 * The ledger is append-only, so no such record is ever projected: each one is raised as a tamper alarm.
 */
export interface LedgerItemChange {
  /** The record's position in the stream: what a failed record is reported by. */
  sequenceNumber: string;
  /** The record's eventID: the same on every delivery of the record, so an alarm raised twice is one alarm. */
  eventId: string;
  change: 'modified' | 'removed';
  /** From the record's keys; undefined when they cannot be read. */
  executionId: string | undefined;
  seq: number | undefined;
  /** When the stream recorded the change (its ApproximateCreationDateTime), when the record says. */
  recordedAt?: string;
  /**
   * Names of the attributes whose value differs between the old and the new image (MODIFY), sorted; absent
   * when the record does not carry both images (a stream view type other than NEW_AND_OLD_IMAGES).
   */
  changedAttributes?: string[];
  /** The event type the item held before the change, when the record carries the old image. */
  previousType?: string;
}
