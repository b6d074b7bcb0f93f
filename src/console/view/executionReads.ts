import { HeadGate, progressGapMs } from './headGate';

/** What a read of the ledger tells the poll: its head, and the events new to the page. */
export interface LedgerReading {
  headSeq: number;
  addedEvents: ReadonlyArray<{ seq: number; type: string }>;
}

/** What of the details the poll needs: the ledger head they reflect (when the server says it), and their size. */
export interface DetailsReading {
  ledgerSeq?: number;
  totalServers: number;
}

/**
 * One poll of an execution's page: the ledger (a few events at most), then the details only when the ledger says
 * they changed (see HeadGate). The ledger is read first so that its head decides; the details read after it
 * reflect that head at least.
 */
export class ExecutionReads<L extends LedgerReading, D extends DetailsReading> {
  private readonly gate = new HeadGate();
  private held: D | undefined;

  constructor(
    private readonly source: { ledger(): Promise<L>; details(): Promise<D> },
    private readonly pollMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The ledger, and the details when due; never once `ended` (an ended execution's read model no longer changes). */
  async poll(ended: boolean): Promise<{ ledger: L; details?: D }> {
    const ledger = await this.source.ledger();
    this.gate.noted(ledger.addedEvents);
    const gapMs = progressGapMs(this.pollMs, this.held?.totalServers ?? 0);
    if (ended || !this.gate.due(ledger.headSeq, this.now(), gapMs)) return { ledger };
    const ticket = this.gate.begin();
    const details = await this.source.details();
    // The server's head read with them; else the one just read (they reflect it at least).
    this.gate.done(ticket, details.ledgerSeq ?? ledger.headSeq, this.now());
    this.held = details;
    return { ledger, details };
  }

  /** The next poll reads the details whatever the head: an action was taken, and what it changed is shown at once. */
  force(): void {
    this.gate.force();
  }
}
