/**
 * A stored ledger item that cannot be read as one of our events (a field missing or malformed, no state
 * snapshot): what an ExecutionEventStore's reads throw for it, so callers can tell it from an I/O failure.
 */
export class MalformedEventItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventItemError';
  }
}
