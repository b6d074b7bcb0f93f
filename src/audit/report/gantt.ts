import type { Evidence } from './evidence';
import { escapeHtml, formatSeconds } from './format';

/**
 * Bar colours: the screenshot test looks for them, and the legend names them. Launched and failed servers are
 * Okabe and Ito's bluish green and vermilion, told apart by readers with red-green colour blindness too (and every
 * bar's note says its status in words).
 */
export const GANTT_COLOURS = {
  waveCompleted: '#2f5fa7',
  waveFailed: '#b42318',
  waveActive: '#8da2c4',
  serverLaunched: '#009e73',
  serverFailed: '#d55e00',
  serverActive: '#a3acb9',
  pause: '#fbe7a8',
  pauseText: '#7a5b00',
  target: '#c2410c',
  recovered: '#15803d',
  grid: '#e4e7ec',
  rule: '#d0d5dd',
  axis: '#667085',
  text: '#1d2939',
  muted: '#667085',
} as const;

const WIDTH = 1000;
const LABEL_WIDTH = 250;
const PLOT_LEFT = LABEL_WIDTH + 12;
const PLOT_RIGHT = WIDTH - 24;
const TOP = 44;
const WAVE_ROW = 32;
const SERVER_ROW = 24;
const AXIS = 34;
/** Pauses are shaded with the pause colour at this opacity over the white chart. */
export const PAUSE_OPACITY = 0.7;
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

interface Row {
  kind: 'wave' | 'server';
  label: string;
  sublabel?: string;
  start?: number;
  end?: number;
  colour: string;
  tooltip: string;
  note: string;
}

const ms = (iso: string | undefined): number | undefined => {
  const value = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(value) ? undefined : value;
};

const clock = (time: number, withSeconds: boolean): string => new Date(time).toISOString().slice(11, withSeconds ? 19 : 16);

/** The latest instant the evidence knows of: the right end of the chart while nothing has ended. */
const lastInstant = (evidence: Evidence): number => {
  const instants = [
    evidence.execution.startTime,
    evidence.execution.endTime,
    ...evidence.waves.flatMap((wave) => [wave.startTime, wave.endTime]),
    ...evidence.servers.flatMap((server) => [server.launchTime, server.failedAt]),
    ...evidence.pauses.flatMap((pause) => [pause.from, pause.to]),
    ...evidence.actions.map((action) => action.at),
    ...evidence.failures.map((failure) => failure.at),
  ].flatMap((iso) => (ms(iso) === undefined ? [] : [ms(iso) as number]));
  return Math.max(...instants);
};

const rowsOf = (evidence: Evidence, now: number): Row[] => {
  const ended = evidence.execution.endTime !== undefined;
  return evidence.waves.flatMap((wave): Row[] => {
    const start = ms(wave.startTime);
    const end = ms(wave.endTime) ?? (start === undefined ? undefined : now);
    const waveColour =
      wave.status === 'COMPLETED'
        ? GANTT_COLOURS.waveCompleted
        : wave.status === 'FAILED' || wave.status === 'SKIPPED'
          ? GANTT_COLOURS.waveFailed
          : GANTT_COLOURS.waveActive;
    const waveNote =
      start === undefined
        ? 'not run'
        : wave.durationSeconds !== undefined
          ? formatSeconds(wave.durationSeconds)
          : ended
            ? 'unfinished at the end'
            : wave.status.toLowerCase().replace('_', ' ');
    const waveRow: Row = {
      kind: 'wave',
      label: `Wave ${wave.waveNumber} · ${wave.waveName}`,
      ...(start === undefined ? {} : { start }),
      ...(end === undefined ? {} : { end }),
      colour: waveColour,
      tooltip: `Wave ${wave.waveNumber} ${wave.waveName}: ${wave.status}${wave.startTime ? ` from ${wave.startTime}` : ''}${wave.endTime ? ` to ${wave.endTime}` : ''}`,
      // A skipped wave failed and was accepted as it is (a deviation): its bar says both.
      note: wave.status === 'FAILED' ? `failed · ${waveNote}` : wave.status === 'SKIPPED' ? `failed, skipped · ${waveNote}` : waveNote,
    };
    const servers = evidence.servers
      .filter((server) => server.waveNumber === wave.waveNumber)
      .map((server): Row => {
        const launched = ms(server.launchTime);
        const failed = ms(server.failedAt);
        const serverEnd = launched ?? failed ?? (start === undefined ? undefined : now);
        const colour =
          launched !== undefined
            ? GANTT_COLOURS.serverLaunched
            : failed !== undefined
              ? GANTT_COLOURS.serverFailed
              : GANTT_COLOURS.serverActive;
        const duration = server.durationSeconds === undefined ? undefined : formatSeconds(server.durationSeconds);
        return {
          kind: 'server',
          label: server.hostname ?? server.serverId,
          ...(server.hostname ? { sublabel: server.serverId } : {}),
          ...(start === undefined ? {} : { start }),
          ...(serverEnd === undefined ? {} : { end: serverEnd }),
          colour,
          tooltip:
            `${server.hostname ?? ''} ${server.serverId}: ${server.status}${duration ? ` after ${duration}` : ''}${server.failureReason ? ` (${server.failureReason})` : ''}`.trim(),
          note:
            start === undefined
              ? 'not run'
              : failed !== undefined && launched === undefined
                ? `failed · ${duration ?? ''}`
                : (duration ??
                  (ended ? `${server.status.toLowerCase().replace('_', ' ')} at the end` : server.status.toLowerCase().replace('_', ' '))),
        };
      });
    return [waveRow, ...servers];
  });
};

const tickStep = (spanMs: number): number => (TICK_STEPS.find((step) => spanMs / (step * 1000) <= 8) ?? 86400) * 1000;

/**
 * The execution's timeline as an inline SVG Gantt chart, drawn here so the report needs no script: one
 * bar (one rect, exactly) per wave and per server on a UTC time axis, pauses shaded, the recovery and the
 * RTO target marked. Everything else is paths, lines and text.
 */
export const renderGanttSvg = (evidence: Evidence): string => {
  const t0 = ms(evidence.execution.startTime) as number;
  const now = lastInstant(evidence);
  const span = Math.max(now - t0, 60_000);
  const target = evidence.plan.rtoTargetMinutes === undefined ? undefined : t0 + evidence.plan.rtoTargetMinutes * 60_000;
  const showTarget = target !== undefined && target - t0 <= 1.6 * span;
  // Room on the right for the last bar's note.
  const domainEnd = t0 + Math.max(span, showTarget ? target - t0 : 0) * ((PLOT_RIGHT - PLOT_LEFT) / (PLOT_RIGHT - PLOT_LEFT - 90));
  const x = (time: number) => PLOT_LEFT + ((time - t0) / (domainEnd - t0)) * (PLOT_RIGHT - PLOT_LEFT);

  const rows = rowsOf(evidence, now);
  const heights = rows.map((row) => (row.kind === 'wave' ? WAVE_ROW : SERVER_ROW));
  const rowTops = heights.map((_, index) => TOP + heights.slice(0, index).reduce((sum, h) => sum + h, 0));
  const bottom = TOP + heights.reduce((sum, h) => sum + h, 0);
  const height = bottom + AXIS;
  const parts: string[] = [];

  // Pauses: shaded bands behind everything.
  for (const pause of evidence.pauses) {
    const from = x(ms(pause.from) as number);
    const to = x(ms(pause.to) ?? now);
    parts.push(
      `<polygon points="${from},${TOP - 6} ${to},${TOP - 6} ${to},${bottom} ${from},${bottom}" fill="${GANTT_COLOURS.pause}" opacity="${PAUSE_OPACITY}"><title>Paused ${escapeHtml(pause.from)} to ${escapeHtml(pause.to ?? 'now')}</title></polygon>`,
    );
    const label = `paused${pause.seconds === undefined ? '' : ` ${formatSeconds(pause.seconds)}`}`;
    const withWho = `${label} · ${pause.reason === 'PAUSE_BEFORE_WAVE' ? `plan: before wave ${pause.nextWave}` : `asked by ${pause.requestedBy}`}`;
    if (to - from > 70) {
      parts.push(
        `<text x="${(from + to) / 2}" y="${TOP - 12}" text-anchor="middle" font-size="11" fill="${GANTT_COLOURS.pauseText}">${escapeHtml(to - from > withWho.length * 6.2 ? withWho : label)}</text>`,
      );
    }
  }

  // Time grid and axis.
  const step = tickStep(domainEnd - t0);
  for (let tick = Math.ceil(t0 / step) * step; tick <= domainEnd; tick += step) {
    const tx = x(tick);
    parts.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${bottom}" stroke="${GANTT_COLOURS.grid}" stroke-width="1"/>`);
    parts.push(`<line x1="${tx}" y1="${bottom}" x2="${tx}" y2="${bottom + 5}" stroke="${GANTT_COLOURS.axis}" stroke-width="1"/>`);
    parts.push(
      `<text x="${tx}" y="${bottom + 19}" text-anchor="middle" font-size="11" fill="${GANTT_COLOURS.axis}">${clock(tick, step < 60_000)}</text>`,
    );
  }
  parts.push(`<line x1="${PLOT_LEFT}" y1="${bottom}" x2="${PLOT_RIGHT}" y2="${bottom}" stroke="${GANTT_COLOURS.axis}" stroke-width="1"/>`);
  parts.push(`<text x="8" y="${bottom + 19}" font-size="11" fill="${GANTT_COLOURS.muted}">Time (UTC)</text>`);

  // Rows: separators, labels, one bar each.
  rows.forEach((row, index) => {
    const top = rowTops[index] as number;
    const h = heights[index] as number;
    if (row.kind === 'wave' && index > 0)
      parts.push(`<line x1="0" y1="${top}" x2="${WIDTH}" y2="${top}" stroke="${GANTT_COLOURS.rule}" stroke-width="1"/>`);
    const labelX = row.kind === 'wave' ? 8 : 22;
    const textY = top + h / 2 + 4;
    parts.push(
      row.kind === 'wave'
        ? `<text x="${labelX}" y="${textY}" font-size="13" font-weight="600" fill="${GANTT_COLOURS.text}">${escapeHtml(row.label)}</text>`
        : `<text x="${labelX}" y="${textY}" font-size="12" fill="${GANTT_COLOURS.text}">${escapeHtml(row.label)}${row.sublabel ? `<tspan dx="6" font-size="10.5" fill="${GANTT_COLOURS.muted}" font-family="ui-monospace, Menlo, Consolas, monospace">${escapeHtml(row.sublabel)}</tspan>` : ''}</text>`,
    );
    const barHeight = row.kind === 'wave' ? 16 : 10;
    const barX = row.start === undefined ? PLOT_LEFT : x(row.start);
    const barWidth = row.start === undefined || row.end === undefined ? 0 : Math.max(x(row.end) - barX, 2);
    const barY = top + (h - barHeight) / 2;
    parts.push(
      `<rect class="bar bar-${row.kind}" x="${barX.toFixed(1)}" y="${barY}" width="${barWidth.toFixed(1)}" height="${barHeight}" rx="3" fill="${row.colour}"><title>${escapeHtml(row.tooltip)}</title></rect>`,
    );
    const noteX = barX + barWidth + 6;
    parts.push(
      noteX + row.note.length * 6 > WIDTH - 4
        ? `<text x="${barX - 6}" y="${textY}" text-anchor="end" font-size="11" fill="${GANTT_COLOURS.muted}">${escapeHtml(row.note)}</text>`
        : `<text x="${noteX}" y="${textY}" font-size="11" fill="${GANTT_COLOURS.muted}">${escapeHtml(row.note)}</text>`,
    );
  });

  // Markers: the start, the recovery, the target.
  const marker = (time: number, colour: string, label: string, anchor: 'start' | 'end') => {
    const mx = x(time);
    parts.push(
      `<line x1="${mx}" y1="${TOP - 30}" x2="${mx}" y2="${bottom}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    );
    parts.push(
      `<text x="${anchor === 'start' ? mx + 5 : mx - 5}" y="${TOP - 24}" text-anchor="${anchor}" font-size="11" font-weight="600" fill="${colour}">${escapeHtml(label)}</text>`,
    );
  };
  const measured = evidence.rto.overall.measuredSeconds;
  if (measured !== undefined) marker(t0 + measured * 1000, GANTT_COLOURS.recovered, `Recovered after ${formatSeconds(measured)}`, 'end');
  const { status, endTime } = evidence.execution;
  if ((status === 'CANCELLED' || status === 'FAILED') && endTime) {
    const by = evidence.actions.find((action) => action.action === 'cancelled')?.by;
    marker(
      ms(endTime) as number,
      status === 'FAILED' ? GANTT_COLOURS.waveFailed : GANTT_COLOURS.pauseText,
      status === 'FAILED' ? 'Failed' : `Cancelled${by ? ` by ${by}` : ''}`,
      'end',
    );
  }
  if (showTarget) marker(target, GANTT_COLOURS.target, `RTO target ${evidence.plan.rtoTargetMinutes}m`, 'end');

  const caption = `Timeline of ${evidence.waves.length} waves and ${evidence.servers.length} servers`;
  return [
    `<svg class="gantt" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeHtml(caption)}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif">`,
    `<title>${escapeHtml(caption)}</title>`,
    ...parts,
    '</svg>',
  ].join('\n');
};

/** Whether the target line is drawn, and if not, why: for the legend. */
export const targetNote = (evidence: Evidence): string | undefined => {
  const minutes = evidence.plan.rtoTargetMinutes;
  if (minutes === undefined) return 'The plan sets no RTO target.';
  const t0 = Date.parse(evidence.execution.startTime);
  const span = Math.max(lastInstant(evidence) - t0, 60_000);
  return minutes * 60_000 <= 1.6 * span ? undefined : `The RTO target (${minutes}m) lies beyond the right edge of the chart.`;
};
