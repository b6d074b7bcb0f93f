/**
 * Evidence that the ledger was touched by something other than an append: the events table is append-only,
 * so any change to a stored item (a MODIFY or REMOVE record on its stream), or a stored snapshot that does
 * not match the digest its item's hash covers, is raised as a tamper alarm.
 */
export type TamperKind =
  /** A stored ledger item was overwritten (a MODIFY record on the events table's stream). */
  | 'LedgerItemModified'
  /** A stored ledger item was deleted (a REMOVE record). */
  | 'LedgerItemRemoved'
  /** A load found a snapshot whose digest is not the one its item's chained hash covers: it was not decided on. */
  | 'SnapshotMismatch'
  /** A load found a link that does not hash, a digest that is not the fold, or a gap: nothing was decided on it. */
  | 'LedgerBroken';

export interface TamperAlarm {
  /**
   * What makes two raises the same alarm: raising an id again records, counts and notifies nothing new
   * (a redelivered stream record, a retried load). Up to 256 characters of [A-Za-z0-9_.:#-]. From the
   * stream: `stream:` and the record's eventID.
   */
  id: string;
  kind: TamperKind;
  executionId: string;
  /** The item's seq, when known. */
  seq?: number;
  /** Where it was seen: the events table's stream, a load before a decision, or the digest writer sealing a head. */
  source: 'stream' | 'load' | 'digest';
  detectedAt: string;
  /** What was seen, bounded and free of control characters (it reaches inboxes and reports). */
  detail: string;
}

export interface TamperAlarms {
  /**
   * Raises an alarm: recorded where reports read it, counted as a metric an alarm watches, and notified.
   * Safe to repeat for the same alarm (the stream delivers at least once).
   */
  raise(alarm: TamperAlarm): Promise<void>;
}
