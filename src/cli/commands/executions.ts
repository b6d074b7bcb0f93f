import { shellWord } from '../shellWord';
import { SIMULATED_OPERATOR } from '../../domain/execution';
import type { ExecutionStatus } from '../../domain/execution/vocabulary';
import { EXIT } from '../exitCodes';
import { withLedger } from '../ledgerAccess';
import { DEFAULT_EXECUTIONS_LIMIT, listExecutionRows, type ListedRow } from '../executionRows';

import { jsonForTerminal, shown } from '../render/terminalText';

// The listing itself is shared with the web console (src/cli/console): it lives beside the commands, not in them.
export { DEFAULT_EXECUTIONS_LIMIT, listExecutionRows, type ListedRow, MAX_EXECUTIONS_LIMIT } from '../executionRows';

export interface ExecutionsOptions {
  plan?: string;
  status?: ExecutionStatus;
  limit: number;
  nextToken?: string;
  json?: boolean;
  /** The global options that chose the ledger (--data-dir, --stage, --region, --profile): the next page's command repeats them. */
  where?: string[];
}

const line = (row: ListedRow): string => {
  const who = !row.initiatedByPrincipal
    ? // A reserved name: only the local drill's simulated operator is recorded under it.
      row.initiatedBy === SIMULATED_OPERATOR
      ? 'simulated operator (no person acted)'
      : `${row.initiatedBy} (unverified)`
    : row.initiatedBy === row.initiatedByPrincipal
      ? `${row.initiatedByPrincipal} (verified)`
      : `${row.initiatedByPrincipal} (verified; "${row.initiatedBy}")`;
  const progress = row.status === 'COMPLETED' ? '' : `  wave ${row.currentWave}/${row.totalWaves}`;
  return (
    `${shown(row.executionId)}  ${row.executionType.padEnd(8)}  ${row.status.padEnd(9)}  ${shown(row.planId)}` +
    `  started ${shown(row.startTime)}${row.endTime ? `  ended ${shown(row.endTime)}` : ''}${progress}  by ${shown(who)}`
  );
};

/** The same command for the next page, with the filters it was given. */
const nextCommand = (options: ExecutionsOptions, token: string): string =>
  [
    'drs-ledger',
    ...(options.where ?? []).map((word) => shellWord(word)),
    'executions',
    ...(options.plan ? [`--plan ${shown(options.plan)}`] : []),
    ...(options.status ? [`--status ${options.status}`] : []),
    ...(options.limit !== DEFAULT_EXECUTIONS_LIMIT ? [`--limit ${options.limit}`] : []),
    `--next-token ${token}`,
  ].join(' ');

/**
 * `drs-ledger executions [--plan] [--status] [--limit] [--next-token] [--json]`: the executions newest first, from
 * the ledger's index of starts (the local ledger, or with --stage the deployed stack's), each with its view.
 */
export const runExecutions = (dataDir: string, options: ExecutionsOptions, out: NodeJS.WritableStream): Promise<number> =>
  withLedger(dataDir, async (ledger) => {
    const { rows, nextToken } = await listExecutionRows(ledger, options);
    if (options.json) {
      out.write(`${jsonForTerminal({ executions: rows, ...(nextToken ? { nextToken } : {}) })}\n`);
      return EXIT.ok;
    }
    if (rows.length === 0) out.write(nextToken ? 'No matching executions in this part of the history.\n' : 'No executions.\n');
    for (const row of rows) out.write(`${line(row)}\n`);
    if (nextToken) out.write(`More: ${nextCommand(options, nextToken)}\n`);
    return EXIT.ok;
  });
