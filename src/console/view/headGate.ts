/**
 * When to read again what changes only with an execution's ledger (its details, the report's timeline): when the
 * ledger's head moved from the one the last read reflected, when nothing was read yet, or when told to (after an
 * operator's action). A 4,000-server execution's details are some 370 KB and its timeline some 1.5 MB: read on
 * every poll, a page pulls megabytes a minute that say nothing new.
 *
 * A head that moved only by servers' progress (WavePolled: launches DRS reported) may also be made to wait
 * `gapMs` since the last read, so that a large execution's details are not read every 2 s while its waves run;
 * any other event (a wave started or ended, a pause, an approval, the end) makes the read due at once.
 */
export class HeadGate {
  /** The ledger's head seq the last completed read reflects (undefined: none yet). */
  private reflected: number | undefined;
  /** Bumped by force() and by an event other than progress; a read clears them only if it started after them. */
  private wanted = 0;
  private served = 0;
  private readAtMs = Number.NEGATIVE_INFINITY;

  /**
   * New ledger events were read: one the last read does not reflect, and that is not servers' progress, makes
   * the next check due whatever the gap.
   */
  noted(events: ReadonlyArray<{ seq: number; type: string }>): void {
    const reflected = this.reflected ?? 0;
    if (events.some((event) => event.seq > reflected && !PROGRESS_ONLY.has(event.type))) this.wanted += 1;
  }

  /** Whether a read is due, the ledger's head being `headSeq`; progress alone waits `gapMs` since the last read. */
  due(headSeq: number, nowMs = 0, gapMs = 0): boolean {
    if (this.reflected === undefined || this.served !== this.wanted) return true;
    return headSeq !== this.reflected && nowMs - this.readAtMs >= gapMs;
  }

  /** A read starts: what it must hand to done() (a force() while it is under way is not cleared by it). */
  begin(): number {
    return this.wanted;
  }

  /** The read started at `ticket` succeeded at `nowMs`, reflecting the ledger up to `headSeq`. */
  done(ticket: number, headSeq: number, nowMs = 0): void {
    this.reflected = headSeq;
    this.served = ticket;
    this.readAtMs = nowMs;
  }

  /** The next check reads whatever the head (an action was taken: what it answered is read back at once). */
  force(): void {
    this.wanted += 1;
  }
}

/** Events that change only servers' statuses in the details (the grid), nothing the banner or the controls show. */
const PROGRESS_ONLY: ReadonlySet<string> = new Set(['WavePolled']);

/** Servers per step of the pace below: up to this many, the details follow progress at every poll. */
const SERVERS_PER_STEP = 1000;

/**
 * How long servers' progress waits before the details are read again: the poll's interval up to 1,000 servers,
 * one more interval per 1,000 beyond (8 s for the largest plan, 4,000 servers, whose details are ~370 KB).
 */
export const progressGapMs = (pollMs: number, totalServers: number): number =>
  pollMs * Math.max(1, Math.ceil(totalServers / SERVERS_PER_STEP));

/** Chart bytes per step of the timeline's pace: up to this many, it is read every interval. */
const CHART_BYTES_PER_STEP = 256 * 1024;

/**
 * The timeline's interval: the poll's own for a chart up to 256 KB, one more per 256 KB beyond (a 4,000-server
 * drill's chart, ~1.5 MB, every minute), so that the chart costs at most ~256 KB per interval whatever its size.
 */
export const timelineGapMs = (pollMs: number, chartBytes: number): number =>
  pollMs * Math.max(1, Math.ceil(chartBytes / CHART_BYTES_PER_STEP));
