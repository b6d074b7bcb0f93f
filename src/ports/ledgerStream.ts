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
