import { escapeHtml, formatInstant } from './format';
import type { RpoEvidence, RpoVerdict } from './rpo';
import { asOfSummary, isBreach, RPO_VERDICT_LABELS, rpoFigure, rpoHeadline, rpoSummary } from './rpoText';

type Tone = 'good' | 'bad' | 'neutral' | 'warn';

/** How the HTML report draws a table, a pill and an id (each escapes what it is given). */
export interface HtmlParts {
  table: (header: Array<[string, 'num'?]>, rows: Array<{ cells: string[]; failed?: boolean }>) => string;
  pill: (text: string, tone: Tone) => string;
  mono: (value: string | undefined) => string;
}

const e = (value: string | number | undefined): string => (value === undefined || value === '' ? '—' : escapeHtml(String(value)));
const HEADLINE_TONES: Record<ReturnType<typeof rpoHeadline>, Tone> = {
  BREACH: 'bad',
  'WITHIN TARGET': 'good',
  'NO TARGET': 'neutral',
  'NOT MEASURED': 'warn',
};
const TONES: Record<RpoVerdict, Tone> = { met: 'good', breach: 'bad', 'no-target': 'neutral', unknown: 'warn' };

/** The RPO section: totals, the moment asked for and the spread, then one row per server (a breach marked). */
export const rpoHtml = (rpo: RpoEvidence, parts: HtmlParts): string[] => {
  const asOf = asOfSummary(rpo);
  const headline = rpoHeadline(rpo);
  const verdict = parts.pill(headline, HEADLINE_TONES[headline]);
  return [
    '<h2>RPO</h2>',
    `<p>${verdict} ${escapeHtml(rpoSummary(rpo))}.</p>`,
    ...(asOf ? [`<p>Recovery as of a moment: ${escapeHtml(asOf)}.</p>`] : []),
    parts.table(
      [
        ['Wave', 'num'],
        ['Hostname'],
        ['Source server'],
        ['Recovery point'],
        ['Snapshot'],
        ['RPO', 'num'],
        ...(asOf ? ([['Before the moment', 'num']] as Array<[string, 'num'?]>) : []),
        ['Target', 'num'],
        ['Verdict'],
      ],
      rpo.servers.map((server) => ({
        failed: isBreach(server),
        cells: [
          e(server.waveNumber),
          e(server.hostname),
          parts.mono(server.serverId),
          e(server.pointInTime === undefined ? undefined : formatInstant(server.pointInTime)),
          parts.mono(server.snapshotId),
          e(rpoFigure(server.rpoSeconds)),
          ...(asOf ? [e(rpoFigure(server.asOfDistanceSeconds))] : []),
          e(rpo.targetMinutes === undefined ? undefined : `${rpo.targetMinutes}m`),
          parts.pill(RPO_VERDICT_LABELS[server.verdict], TONES[server.verdict]),
        ],
      })),
    ),
  ];
};
