import type { Details } from './details';
import { progressBlock } from './progressBlock';
import { jsonForTerminal, shown } from './terminalText';

export type ProgressMode = 'tty' | 'plain' | 'json';

/** One thing that changed between two looks at an execution. */
export type ProgressChange =
  | { kind: 'execution'; executionId: string; status: string; currentWave: number }
  | { kind: 'wave'; waveNumber: number; waveName: string; status: string; drsJobId?: string }
  | {
      kind: 'server';
      waveNumber: number;
      serverId: string;
      hostname?: string;
      status: string;
      recoveryInstanceId?: string;
      failureReason?: string;
    };

/**
 * What changed from `before` to `after` (everything, when there is no `before`), in reading order:
 * each wave followed by its servers, and the execution's own status last (first, when it starts).
 */
export const changesBetween = (before: Details | undefined, after: Details): ProgressChange[] => {
  const changes: ProgressChange[] = [];
  const execution: ProgressChange = {
    kind: 'execution',
    executionId: after.executionId,
    status: after.status,
    currentWave: after.currentWave,
  };
  const statusChanged = !before || before.status !== after.status;
  if (statusChanged && !before) changes.push(execution);
  for (const wave of after.waveStatuses) {
    const previous = before?.waveStatuses.find((candidate) => candidate.waveNumber === wave.waveNumber);
    if (previous?.status !== wave.status && (previous || wave.status !== 'PENDING')) {
      changes.push({
        kind: 'wave',
        waveNumber: wave.waveNumber,
        waveName: wave.waveName,
        status: wave.status,
        ...(wave.drsJobId ? { drsJobId: wave.drsJobId } : {}),
      });
    }
    for (const server of after.serverExecutions.filter((candidate) => candidate.waveNumber === wave.waveNumber)) {
      const seen = before?.serverExecutions.find((candidate) => candidate.serverId === server.serverId);
      if (seen?.status === server.status || (!seen && server.status === 'NOT_STARTED')) continue;
      changes.push({
        kind: 'server',
        waveNumber: server.waveNumber,
        serverId: server.serverId,
        status: server.status,
        ...(server.hostname ? { hostname: server.hostname } : {}),
        ...(server.recoveryInstanceId ? { recoveryInstanceId: server.recoveryInstanceId } : {}),
        ...(server.failureReason ? { failureReason: server.failureReason } : {}),
      });
    }
  }
  if (statusChanged && before) changes.push(execution);
  return changes;
};

/** One change as a line; its texts (names, DRS's hostnames, ids and reasons) shown (see terminalText). */
export const describeChange = (change: ProgressChange): string => {
  switch (change.kind) {
    case 'execution':
      return `execution ${shown(change.executionId)}: ${shown(change.status)} (wave ${shown(change.currentWave)})`;
    case 'wave':
      return `wave ${shown(change.waveNumber)} ${shown(change.waveName)}: ${shown(change.status)}${change.drsJobId ? ` (${shown(change.drsJobId)})` : ''}`;
    case 'server': {
      const name = change.hostname ? `${shown(change.hostname)} (${shown(change.serverId)})` : shown(change.serverId);
      const extra = change.recoveryInstanceId
        ? ` ${shown(change.recoveryInstanceId)}`
        : change.failureReason
          ? `: ${shown(change.failureReason)}`
          : '';
      return `  wave ${shown(change.waveNumber)} server ${name}: ${shown(change.status)}${extra}`;
    }
  }
};

/** What a pause waits for, as a caller knows it: when it ends, and what happens then ("the simulated operator resumes"). */
export interface ProgressWait {
  until: Date | number | string;
  reason: string;
}

export interface ProgressPrinterOptions {
  /** The clock (ms since the epoch); Date.now by default. */
  now?: () => number;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const TICK_MS = 1000;

/** A terminal's size as the stream knows it (a tty WriteStream's columns and rows); 80 columns otherwise. */
const sizeOf = (out: NodeJS.WritableStream): { columns: number; rows?: number } => {
  const tty = out as NodeJS.WritableStream & { columns?: number; rows?: number };
  const columns = typeof tty.columns === 'number' && tty.columns > 0 ? tty.columns : 80;
  return typeof tty.rows === 'number' && tty.rows > 0 ? { columns, rows: tty.rows } : { columns };
};

/**
 * Writes progress to a stream: redrawn in place on a terminal, appended as lines or JSON otherwise.
 *
 * On a terminal the block is redrawn in place: each redraw moves up over the rows the last one took (counted
 * at the terminal's width now, so a narrowed terminal that rewrapped them is still covered) and clears to the
 * end of the screen. While the execution is paused its clock and countdown go on: the block is redrawn every
 * second until the next update shows it running or ended, or until close(). While a block is shown, write to
 * the stream only through note(); call close() before writing anything else or exiting.
 */
export class ProgressPrinter {
  private previous: Details | undefined;
  private lastNote: string | undefined;
  private wait: { until: number; reason: string } | undefined;
  /** The cells of each row of the block on screen (none drawn: empty). */
  private drawn: number[] = [];
  private ticker: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly now: () => number;
  private readonly watchingSince: number;

  constructor(
    private readonly mode: ProgressMode,
    private readonly out: NodeJS.WritableStream,
    options: ProgressPrinterOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
    this.watchingSince = this.now();
  }

  update(details: Details, note?: string): void {
    const changes = changesBetween(this.previous, details);
    this.previous = details;
    if (this.mode === 'json') {
      for (const change of changes) this.out.write(`${jsonForTerminal({ type: 'progress', ...change })}\n`);
      return;
    }
    if (this.mode === 'plain') {
      for (const change of changes) this.out.write(`${describeChange(change)}\n`);
      return;
    }
    this.lastNote = note;
    if (details.status !== 'PAUSED') this.wait = undefined;
    this.draw();
    this.keepTicking();
  }

  /**
   * What the pause the last update showed waits for, counted down on the terminal's block until then (the
   * simulated operator's resume); undefined forgets it. An update showing the execution no longer paused
   * forgets it too. Lines and JSON modes print nothing for it: the caller's note says it there.
   */
  waiting(wait: ProgressWait | undefined): void {
    if (wait === undefined) this.wait = undefined;
    else {
      const until =
        wait.until instanceof Date ? wait.until.getTime() : typeof wait.until === 'string' ? Date.parse(wait.until) : wait.until;
      if (Number.isNaN(until)) throw new Error(`waiting: not a time: ${String(wait.until)}`);
      this.wait = { until, reason: wait.reason };
    }
    if (this.mode !== 'tty' || !this.previous) return;
    this.draw();
    this.keepTicking();
  }

  /** A message between updates: printed as a line (or a JSON record) without disturbing the block. */
  note(message: string, extra: Record<string, unknown> = {}): void {
    if (this.mode === 'json') {
      this.out.write(`${jsonForTerminal({ type: 'note', message, ...extra })}\n`);
      return;
    }
    // Messages quote the handler's answers (names, actors): shown, one line each.
    const line = `${shown(message)}\n`;
    if (this.mode === 'tty' && this.previous) {
      this.out.write(`${this.erase()}${line}`);
      this.draw();
      return;
    }
    this.out.write(line);
  }

  /** Stops the clock's redraws; the block stays on screen as last drawn, and the stream is the caller's again. */
  close(): void {
    this.closed = true;
    this.stopTicking();
  }

  /** Moves up over the block's rows as the terminal holds them now, and clears from there down. */
  private erase(): string {
    if (this.drawn.length === 0) return '';
    const { columns } = sizeOf(this.out);
    const rows = this.drawn.reduce((sum, cells) => sum + Math.max(1, Math.ceil(cells / columns)), 0);
    this.drawn = [];
    return `\r\u001b[${rows}A\u001b[0J`;
  }

  private draw(): void {
    const stream = this.out as NodeJS.WritableStream & { writableEnded?: boolean; destroyed?: boolean };
    if (stream.writableEnded === true || stream.destroyed === true) {
      this.stopTicking();
      return;
    }
    if (!this.previous) return;
    const size = sizeOf(this.out);
    const lines = progressBlock(this.previous, {
      nowMs: this.now(),
      watchingSinceMs: this.watchingSince,
      ...size,
      ...(this.lastNote === undefined ? {} : { note: this.lastNote }),
      ...(this.wait ? { wait: this.wait } : {}),
    });
    // One write: a terminal never shows the block half erased.
    this.out.write(this.erase() + lines.map((line) => `${line.text}\n`).join(''));
    this.drawn = lines.map((line) => line.cells);
  }

  private keepTicking(): void {
    const status = this.previous?.status;
    const paused = status === 'PAUSED' || (this.wait !== undefined && !TERMINAL.has(String(status)));
    if (this.closed || !paused) {
      this.stopTicking();
      return;
    }
    if (this.ticker) return;
    this.ticker = setInterval(() => this.draw(), TICK_MS);
    // The clock is a courtesy: it never keeps a process alive.
    this.ticker.unref();
  }

  private stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
