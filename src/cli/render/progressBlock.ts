import type { ServerExecutionView } from '../../../projections/executionView';
import { cellWidth, fitToWidth, truncateToWidth, wrapToWidth } from './cellWidth';
import type { Details } from './details';
import { SERVER_GLYPHS, serverName, serversOfWave, WAVE_GLYPHS } from './details';
import { shown } from './terminalText';

/** What the execution waits for while paused, when the caller knows it (the simulated operator's resume). */
export interface Wait {
  /** When the wait ends, in ms since the epoch. */
  until: number;
  /** What happens then, as a phrase: "the simulated operator resumes". */
  reason: string;
}

export interface BlockOptions {
  /** The clock the block is drawn at (ms since the epoch). */
  nowMs: number;
  /** The terminal's width: no line of the block reaches its last column, so none wraps. */
  columns: number;
  /** The terminal's height, when known: the block never takes more rows than it has (less one). */
  rows?: number;
  /** When watching began: the clock's origin only for details without a start time. */
  watchingSinceMs: number;
  note?: string;
  wait?: Wait;
}

/** One row of the block: the text to write (coloured) and the cells it takes. */
export interface BlockLine {
  text: string;
  cells: number;
}

/** A piece of a line, coloured (an SGR code) or not. Texts in parts are already shown (see terminalText). */
interface Part {
  text: string;
  sgr?: number;
}

const STATUS_COLORS: Record<string, number> = {
  COMPLETED: 32,
  LAUNCHED: 32,
  IN_PROGRESS: 36,
  STARTING: 36,
  FAILED: 31,
  TERMINATED: 31,
  PAUSED: 33,
  RUNNING: 36,
  CANCELLED: 35,
};
const RED = 31;
const YELLOW = 33;

const painted = (part: Part): string =>
  part.sgr === undefined || part.text === '' ? part.text : `\u001b[${part.sgr}m${part.text}\u001b[0m`;

/** The parts cut to `width` cells (the first part that does not fit ends with "…", the rest dropped). */
const fitted = (parts: Part[], width: number): BlockLine => {
  let text = '';
  let cells = 0;
  for (const part of parts) {
    const room = width - cells;
    const cut = truncateToWidth(part.text, room);
    text += painted({ ...part, text: cut });
    cells += cellWidth(cut);
    if (cut !== part.text) break;
  }
  return { text, cells };
};

/** A duration as an operator reads it: "42s", "4m 05s", "1h 02m 03s". */
export const formatDuration = (ms: number): string => {
  const total = Math.max(0, Math.floor(ms / 1000));
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m ${seconds}s`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${total}s`;
};

const parsed = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

/** The execution's own clock: since it started (from the ledger), frozen at its end; since watching only without a start. */
const clockText = (details: Details, options: BlockOptions): string => {
  const start = parsed(details.startTime);
  if (start === undefined) return `${formatDuration(options.nowMs - options.watchingSinceMs)} watching`;
  const end = parsed(details.endTime);
  return end === undefined ? `${formatDuration(options.nowMs - start)} since start` : `took ${formatDuration(end - start)}`;
};

const countdown = (untilMs: number, nowMs: number): string =>
  untilMs > nowMs ? `in ${formatDuration(untilMs - nowMs + 999)}` : `${formatDuration(nowMs - untilMs)} ago`;

/** While paused: what it waits for and how long is left (an approval's deadline, the caller's wait), or for how long it has waited. */
const pauseLines = (details: Details, options: BlockOptions): Part[][] => {
  if (details.status !== 'PAUSED') return [];
  const lines: Part[][] = [];
  const waveText = details.nextWave === undefined ? '' : ` before wave ${shown(details.nextWave)}`;
  const pausedAt = parsed(details.pausedAt);
  const pausedFor = pausedAt === undefined ? '' : ` for ${formatDuration(options.nowMs - pausedAt)}`;
  const pending = details.pendingApproval;
  if (pending) {
    const deadline = parsed(pending.deadline);
    const then = pending.onTimeout === 'CANCEL' ? 'then cancelled' : 'then it starts unapproved';
    lines.push([
      {
        sgr: YELLOW,
        text:
          `  awaiting approval of wave ${shown(pending.waveNumber)}` +
          (deadline === undefined
            ? ' · no deadline'
            : deadline > options.nowMs
              ? ` · deadline ${countdown(deadline, options.nowMs)}, ${then}`
              : ` · deadline passed ${countdown(deadline, options.nowMs)}`),
      },
    ]);
  } else if (details.pauseReason === 'WAVE_FAILED') {
    // Paused on a failed wave: what the operator can do, in the commands that do it.
    const wave = shown(details.nextWave ?? '?');
    lines.push([
      {
        text: `  wave ${wave} failed${pausedFor}: drs-ledger retry ${shown(details.executionId)} --wave ${wave}, or skip --wave ${wave} --reason "…"`,
        sgr: YELLOW,
      },
    ]);
  } else {
    lines.push([{ text: `  paused${waveText}${pausedFor}`, sgr: YELLOW }]);
  }
  if (options.wait) {
    const wait = options.wait;
    lines.push([{ text: `  ${shown(wait.reason)} ${wait.until > options.nowMs ? countdown(wait.until, options.nowMs) : 'now'}` }]);
  }
  return lines;
};

/** Runs of servers of one status, each run one coloured part. */
const glyphParts = (servers: ServerExecutionView[]): Part[] => {
  const parts: Part[] = [];
  for (const server of servers) {
    const glyph = SERVER_GLYPHS[server.status] ?? '?';
    const sgr = STATUS_COLORS[server.status];
    const last = parts.at(-1);
    if (last && last.sgr === sgr) last.text += glyph;
    else parts.push({ text: glyph, ...(sgr === undefined ? {} : { sgr }) });
  }
  return parts;
};

/** Done first, then on the way, then waiting; failures last, as the failure lines below them. */
const COUNT_ORDER: Array<ServerExecutionView['status']> = ['LAUNCHED', 'IN_PROGRESS', 'PENDING', 'NOT_STARTED', 'FAILED', 'TERMINATED'];

/** A wave's servers counted by status ("●40 ◐60 ·20"): the grid when the terminal is too small for it. */
const countParts = (servers: ServerExecutionView[]): Part[] => {
  const parts: Part[] = [];
  for (const status of COUNT_ORDER) {
    const count = servers.filter((server) => server.status === status).length;
    if (count === 0) continue;
    const sgr = STATUS_COLORS[status];
    if (parts.length > 0) parts.push({ text: ' ' });
    parts.push({ text: `${SERVER_GLYPHS[status]}${count}`, ...(sgr === undefined ? {} : { sgr }) });
  }
  return parts;
};

const NAME_CELLS = 18;
const GRID_INDENT = '    ';

const waveLines = (details: Details, width: number, grid: boolean): Part[][] => {
  const lines: Part[][] = [];
  for (const wave of details.waveStatuses) {
    const servers = serversOfWave(details, wave.waveNumber);
    const sgr = STATUS_COLORS[wave.status];
    const colour = sgr === undefined ? {} : { sgr };
    const head: Part[] = [
      { text: WAVE_GLYPHS[wave.status] ?? '?', ...colour },
      { text: ` Wave ${shown(wave.waveNumber)} ${fitToWidth(shown(wave.waveName), NAME_CELLS)} ` },
      { text: fitToWidth(shown(wave.status), 11), ...colour },
      { text: ` ${shown(wave.serversCompleted).padStart(3)}/${String(servers.length).padEnd(3)} ` },
    ];
    const headCells = head.reduce((cells, part) => cells + cellWidth(part.text), 0);
    if (!grid) {
      lines.push([...head, ...countParts(servers)]);
      continue;
    }
    if (headCells + servers.length <= width) {
      lines.push([...head, ...glyphParts(servers)]);
      continue;
    }
    // Too many servers for the rest of the line: the grid goes below, as many rows as the width asks.
    lines.push(head);
    const perRow = Math.max(1, width - GRID_INDENT.length);
    for (let index = 0; index < servers.length; index += perRow) {
      lines.push([{ text: GRID_INDENT }, ...glyphParts(servers.slice(index, index + perRow))]);
    }
  }
  return lines;
};

const SHOWN_FAILURES = 5;

const failureLines = (details: Details): Part[][] => {
  const failed = details.serverExecutions.filter((server) => server.status === 'FAILED' || server.status === 'TERMINATED');
  const lines: Part[][] = failed
    .slice(0, SHOWN_FAILURES)
    .map((server) => [{ text: `  ✗ ${serverName(server)}: ${shown(server.failureReason ?? server.status)}`, sgr: RED }]);
  if (failed.length > SHOWN_FAILURES)
    lines.push([{ text: `  … and ${failed.length - SHOWN_FAILURES} more failed (drs-ledger status lists them all)`, sgr: RED }]);
  return lines;
};

/** The plan's name, the type and the id: on one line, or, when the id would leave the name too little room, the id on its own. */
const headerLines = (details: Details, width: number): Part[][] => {
  const rest = ` · ${shown(details.executionType)} · ${shown(details.executionId)}`;
  const nameRoom = width - cellWidth(rest);
  // The id is what an operator types next: a long plan name gives way first.
  if (nameRoom >= 8) return [[{ text: truncateToWidth(shown(details.planName), nameRoom) }, { text: rest }]];
  return [[{ text: `${shown(details.planName)} · ${shown(details.executionType)}` }], [{ text: shown(details.executionId) }]];
};

const compose = (details: Details, options: BlockOptions, width: number, grid: boolean): Part[][] => {
  const sgr = STATUS_COLORS[details.status];
  const lines: Part[][] = [
    ...headerLines(details, width),
    [
      { text: fitToWidth(shown(details.status), 10), ...(sgr === undefined ? {} : { sgr }) },
      { text: ` wave ${shown(details.currentWave)}/${shown(details.totalWaves)} · ${clockText(details, options)}` },
    ],
    ...pauseLines(details, options),
    ...waveLines(details, width, grid),
    ...failureLines(details),
  ];
  // A note is the caller's message: kept whole, on as many rows as it needs.
  const note = options.note === undefined ? [''] : wrapToWidth(shown(options.note), width);
  for (const piece of note) lines.push([{ text: piece }]);
  return lines;
};

/**
 * The live block a terminal shows: the execution, its clock (since it started), what a pause waits for, one
 * line per wave with each server a glyph. Every line fits in `columns - 1` cells, so none wraps; on a terminal
 * too short for the servers' grids, each wave counts its servers instead, and a block still too tall is cut
 * (saying so) to the terminal's height: a block taller than the screen could not be redrawn in place.
 */
export const progressBlock = (details: Details, options: BlockOptions): BlockLine[] => {
  const width = Math.max(10, options.columns - 1);
  const limit = options.rows === undefined ? Number.POSITIVE_INFINITY : Math.max(2, options.rows - 1);
  let parts = compose(details, options, width, true);
  if (parts.length > limit) parts = compose(details, options, width, false);
  if (parts.length > limit) {
    const kept = parts.slice(0, limit - 1);
    kept.push([{ text: `… ${parts.length - kept.length} more lines: drs-ledger status shows them all` }]);
    parts = kept;
  }
  return parts.map((line) => fitted(line, width));
};
