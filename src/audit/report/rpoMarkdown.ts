import { formatInstant } from './format';
import { markdownCode, markdownText as md } from './markdownText';
import type { RpoEvidence } from './rpo';
import { asOfSummary, RPO_VERDICT_LABELS, rpoFigure, rpoHeadline, rpoSummary } from './rpoText';

type Cell = string | number | undefined;

/** How the Markdown report draws a table (its cells already escaped). */
export type MarkdownTable = (header: string[], rows: Cell[][]) => string[];

/** An instant shown as formatInstant does (inert mid-line); a ledger value that is no date, escaped. */
const instant = (iso: string | undefined): string | undefined => {
  if (iso === undefined) return undefined;
  const shown = formatInstant(iso);
  return shown === iso ? md(shown) : shown;
};
const code = (value: string | undefined): string | undefined => (value ? markdownCode(value, 'in-table') : undefined);

/** The RPO section: totals, the moment asked for and the spread, then one row per server (a breach in bold). */
export const rpoMarkdown = (rpo: RpoEvidence, table: MarkdownTable): string[] => {
  const asOf = asOfSummary(rpo);
  const columns = [
    'Wave',
    'Server',
    'Hostname',
    'Recovery point',
    'Snapshot',
    'RPO',
    ...(asOf ? ['Before the moment'] : []),
    'Target',
    'Verdict',
  ];
  return [
    '## RPO',
    '',
    `**${rpoHeadline(rpo)}**: ${md(rpoSummary(rpo))}.`,
    '',
    ...(asOf ? [`Recovery as of a moment: ${md(asOf)}.`, ''] : []),
    ...table(
      columns,
      rpo.servers.map((server) => [
        server.waveNumber,
        code(server.serverId),
        server.hostname === undefined ? undefined : md(server.hostname),
        instant(server.pointInTime),
        code(server.snapshotId),
        server.rpoSeconds === undefined ? undefined : md(rpoFigure(server.rpoSeconds) ?? ''),
        ...(asOf ? [server.asOfDistanceSeconds === undefined ? undefined : md(rpoFigure(server.asOfDistanceSeconds) ?? '')] : []),
        rpo.targetMinutes === undefined ? undefined : `${rpo.targetMinutes}m`,
        server.verdict === 'breach' ? `**${RPO_VERDICT_LABELS.breach}**` : RPO_VERDICT_LABELS[server.verdict],
      ]),
    ),
    '',
  ];
};
