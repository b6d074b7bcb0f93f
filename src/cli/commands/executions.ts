import { shellWord } from '../shellWord';
import { SIMULATED_OPERATOR } from '../../domain/execution';
import { DynamoExecutionStarts } from '../../adapters/dynamodb/executionStarts';
import { isInvalidNextToken } from '../../adapters/dynamodb/pageToken';
import type { ExecutionStatus } from '../../domain/execution/vocabulary';
import { catchUpView } from '../../operations/catchUpView';
import type { ExecutionView } from '../../../projections/executionView';
import { EXIT, UsageError } from '../exitCodes';
import { type LedgerAccess, withLedger } from '../ledgerAccess';
import { jsonForTerminal, shown } from '../render/terminalText';

export const DEFAULT_EXECUTIONS_LIMIT = 20;
export const MAX_EXECUTIONS_LIMIT = 100;
/** Starts read from the index per query. */
const INDEX_PAGE = 100;
/**
 * At most this many executions are looked at per command: a status that matches none of them ends the listing
 * with a token to go on from, instead of reading every view of a long history.
 */
const MAX_EXAMINED = 1000;

export interface ExecutionsOptions {
  plan?: string;
  status?: ExecutionStatus;
  limit: number;
  nextToken?: string;
  json?: boolean;
  /** The global options that chose the ledger (--data-dir, --stage, --region, --profile): the next page's command repeats them. */
  where?: string[];
}

export interface ListedRow {
  executionId: string;
  planId: string;
  executionType: ExecutionView['executionType'];
  status: ExecutionStatus;
  startTime: string;
  endTime?: string;
  currentWave: number;
  totalWaves: number;
  initiatedBy: string;
  initiatedByPrincipal?: string;
}

const rowOf = (view: ExecutionView): ListedRow => ({
  executionId: view.executionId,
  planId: view.planId,
  executionType: view.executionType,
  status: view.status,
  startTime: view.startTime,
  ...(view.endTime ? { endTime: view.endTime } : {}),
  currentWave: view.currentWave,
  totalWaves: view.totalWaves,
  initiatedBy: view.initiatedBy,
  ...(view.initiatedByPrincipal ? { initiatedByPrincipal: view.initiatedByPrincipal } : {}),
});

/** The executions newest first, filtered, at most `limit`, and the token of the rest (if any). */
export const listExecutionRows = async (
  ledger: Pick<LedgerAccess, 'client' | 'config' | 'views' | 'store'>,
  options: Pick<ExecutionsOptions, 'plan' | 'status' | 'limit' | 'nextToken'>,
): Promise<{ rows: ListedRow[]; nextToken?: string }> => {
  const index = new DynamoExecutionStarts(ledger.client, ledger.config.tables.events);
  const rows: ListedRow[] = [];
  let after = options.nextToken;
  let examined = 0;
  for (;;) {
    const page = await index
      .newestFirst({ pageSize: INDEX_PAGE, ...(options.plan ? { planId: options.plan } : {}), ...(after ? { after } : {}) })
      .catch((error: unknown) => {
        if (isInvalidNextToken(error)) throw new UsageError(`--next-token is not one this listing gave (${error.message})`);
        throw error;
      });
    for (const [position, start] of page.starts.entries()) {
      examined += 1;
      // The view, or the ledger folded when the projector has not caught up yet (a start a moment ago).
      const view = await catchUpView(ledger.store, start.executionId, await ledger.views.get(start.executionId));
      if (view && (!options.status || view.status === options.status)) rows.push(rowOf(view));
      const more = position < page.starts.length - 1 || page.next !== undefined;
      if (rows.length === options.limit || examined >= MAX_EXAMINED) return { rows, ...(more ? { nextToken: start.after } : {}) };
    }
    if (!page.next) return { rows };
    after = page.next;
  }
};

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
