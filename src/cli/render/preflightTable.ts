import { shown } from './terminalText';

/** A finding as the preflight answer carries it (its texts are DRS's and the plan's: shown, never obeyed). */
export interface ShownFinding {
  severity: string;
  code: string;
  reason: string;
  serverId?: string;
  waveNumber?: number;
}

export interface PreflightAnswer {
  planId: string;
  ready: boolean;
  checkedAt: string;
  findings: ShownFinding[];
  totals: { blocking: number; warning: number };
  omittedFindings?: number;
  recoverAsOf?: string;
  executionType?: string;
}

/** The word and its symbol, so that the severity reads without colour. */
const SEVERITY: Record<string, string> = { BLOCKING: '✖ BLOCKING', WARNING: '⚠ WARNING' };

/** A reason on a terminal: bounded already (512 bytes), cut further to keep one line readable. */
const MAX_REASON_CHARS = 240;

const cut = (text: string, max: number): string => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

/**
 * The preflight answer as a table: one line per finding (severity, code, wave, server, reason), and a verdict.
 * Every text is shown (revealInvisible): a DRS error cannot move the cursor or forge a line.
 */
export const preflightTable = (answer: PreflightAnswer): string => {
  const rows = answer.findings.map((finding) => [
    SEVERITY[finding.severity] ?? shown(finding.severity),
    shown(finding.code),
    finding.waveNumber === undefined ? '-' : `wave ${shown(finding.waveNumber)}`,
    finding.serverId === undefined ? '-' : shown(finding.serverId),
    shown(cut(finding.reason, MAX_REASON_CHARS)),
  ]);
  const header = ['SEVERITY', 'CODE', 'WAVE', 'SERVER', 'REASON'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => [...(row[column] ?? '')].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - [...cell].length)))
      .join('  ');
  const verdict = answer.ready
    ? `Plan ${shown(answer.planId)} is ready`
    : `Plan ${shown(answer.planId)} is NOT ready: a start is refused unless overridden (--override-reason)`;
  const counts = `${answer.totals.blocking} BLOCKING, ${answer.totals.warning} WARNING (checked ${shown(answer.checkedAt)}${
    answer.recoverAsOf === undefined ? '' : `, as of ${shown(answer.recoverAsOf)}`
  })`;
  const omitted = answer.omittedFindings ? [`... and ${answer.omittedFindings} more finding(s) not listed`] : [];
  return [`${verdict}: ${counts}`, ...(rows.length === 0 ? [] : ['', line(header), ...rows.map(line), ...omitted]), ''].join('\n');
};
