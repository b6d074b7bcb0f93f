import type { StoredEvent } from '../../ports/executionEventStore';
import { dynamoItemBytes } from './itemSize';
import type { Item } from './item';

/**
 * The largest ledger item the store writes: DynamoDB's 400 KB less a margin. Every event the decider can
 * emit for a plan the validator accepts stays far below it (test/adapters/dynamodb/ledgerItemBudget): an
 * item above it is a bug, refused before the write with what it was, never retried into a loop.
 */
export const MAX_LEDGER_ITEM_BYTES = 350 * 1024;
/**
 * The most an event's JSON may weigh before a packed item (format 4, or 3 gzipped when long) holds it: a packed event is
 * never inflated beyond it, whoever wrote the item. The largest events the validators allow weigh far less.
 */
export const MAX_PACKED_EVENT_JSON_BYTES = 4 * 1024 * 1024;

/** Not retryable: the same event will be as large next time. Names the event so the bug can be found. */
export class LedgerItemTooLargeError extends Error {
  constructor(
    readonly executionId: string,
    readonly seq: number,
    readonly eventType: string,
    readonly bytes: number,
    /** What is too large: the item, or (formats 3 and 4) the event's JSON before it is packed. */
    readonly part: 'item' | 'event JSON' = 'item',
  ) {
    super(
      part === 'item'
        ? `Execution ${executionId}: ${eventType} at seq ${seq} would be a ${Math.ceil(bytes / 1024)} KB item; ` +
            `the ledger writes items of at most ${MAX_LEDGER_ITEM_BYTES / 1024} KB (DynamoDB's limit is 400 KB)`
        : `Execution ${executionId}: ${eventType} at seq ${seq} would be ${Math.ceil(bytes / 1024)} KB of JSON; ` +
            `the ledger packs events of at most ${MAX_PACKED_EVENT_JSON_BYTES / 1024} KB`,
    );
    this.name = 'LedgerItemTooLargeError';
  }
}

export const assertLedgerItemFits = (item: Item, stored: StoredEvent): void => {
  const bytes = dynamoItemBytes(item);
  if (bytes > MAX_LEDGER_ITEM_BYTES) {
    throw new LedgerItemTooLargeError(stored.event.executionId, stored.event.seq, stored.event.type, bytes);
  }
};
