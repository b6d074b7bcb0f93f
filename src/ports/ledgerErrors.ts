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

/**
 * An execution's ledger that a load cannot trust (a link that does not hash, a digest that is not the fold,
 * a gap): no decision is made on it. Not retryable: the ledger will not mend itself; a tamper alarm is raised.
 */
export class LedgerIntegrityError extends Error {
  constructor(
    readonly executionId: string,
    readonly seq: number,
    readonly problem: string,
  ) {
    super(`Execution ${executionId}: the ledger cannot be trusted at seq ${seq} (${problem}); nothing is decided on it`);
    this.name = 'LedgerIntegrityError';
  }
}
