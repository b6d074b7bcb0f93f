import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoLedgerRecordReader } from '../../adapters/dynamodb/ledgerRecordReader';
import {
  checkDrift,
  exportLedger,
  importLedger,
  type ListingCheckpoint,
  rebuildViews,
  replayAt,
  type ReplayPoint,
  verifyChain,
} from '../../audit';
import { EXIT, UsageError } from '../exitCodes';
import { type LedgerAccess, openDeployedLedger, openLedger } from '../ledgerAccess';
import { statusTable } from '../render/details';

/** Where a command reads and writes: the local ledger in `dataDir`, or (`deployed`) the stack's tables in AWS. */
const withLedger = async (dataDir: string, work: (ledger: LedgerAccess) => Promise<number>, deployed = false): Promise<number> => {
  const ledger = deployed ? await openDeployedLedger() : await openLedger(dataDir);
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
};

const recordReader = (ledger: LedgerAccess) => new DynamoLedgerRecordReader(ledger.client, ledger.config.tables.events);

/** `seq:hash`, as a report or an export header records a head. */
const parseHead = (text: string): { seq: number; hash: string } => {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new UsageError('--expected-head must be <seq>:<sha256 hex>, as printed by verify or a report');
  return { seq: Number(match[1]), hash: match[2] as string };
};

/** `drs-ledger verify <id>`: recompute the hash chain from the table; exit 1 at the first bad seq. */
export const runVerify = (
  dataDir: string,
  executionId: string,
  options: { expectedHead?: string; json?: boolean },
  out: NodeJS.WritableStream,
) =>
  withLedger(dataDir, async (ledger) => {
    const verified = await verifyChain(
      recordReader(ledger),
      executionId,
      options.expectedHead ? { expectedHead: parseHead(options.expectedHead) } : {},
    );
    if (!verified.ok && verified.problem === 'missing' && verified.firstBadSeq === 1 && !(await ledger.store.head(executionId))) {
      throw new UsageError(`Execution not found: ${executionId}`);
    }
    if (options.json) {
      const { events: _events, ...rest } = verified.ok ? verified : { ...verified, events: undefined };
      out.write(`${JSON.stringify({ executionId, ...rest })}\n`);
    } else if (verified.ok) {
      out.write(`OK ${executionId}: ${verified.headSeq} events, chain intact, head ${verified.headSeq}:${verified.headHash}\n`);
    } else {
      out.write(`TAMPERED ${executionId}: first bad seq ${verified.firstBadSeq}, ${verified.problem}: ${verified.detail}\n`);
    }
    return verified.ok ? EXIT.ok : EXIT.executionFailed;
  });

/** `drs-ledger replay <id> [--at | --seq]`: the execution as it stood then, from the ledger alone. */
export const runReplay = (
  dataDir: string,
  executionId: string,
  options: { at?: string; seq?: number; json?: boolean },
  out: NodeJS.WritableStream,
) =>
  withLedger(dataDir, async (ledger) => {
    if (options.at !== undefined && options.seq !== undefined) throw new UsageError('give --at or --seq, not both');
    let point: ReplayPoint | undefined;
    if (options.at !== undefined) point = { at: options.at };
    else if (options.seq !== undefined) point = { seq: options.seq };
    else point = { seq: (await ledger.store.head(executionId))?.seq ?? 1 };
    const replayed = await replayAt(ledger.store, executionId, point);
    if (!replayed.ok) {
      const error = replayed.error;
      const why =
        error.kind === 'UnknownExecution'
          ? `Execution not found: ${executionId}`
          : error.kind === 'BeforeStart'
            ? `${error.at} is before the execution started (${error.startTime})`
            : error.kind === 'SeqOutOfRange'
              ? `seq ${error.seq} is beyond the ledger's head (${error.headSeq})`
              : error.kind === 'InvalidPoint'
                ? error.reason
                : `the ledger cannot be replayed: ${error.detail}`;
      throw new UsageError(why);
    }
    if (options.json) out.write(`${JSON.stringify({ ...replayed.view, asOf: replayed.asOf })}\n`);
    else
      out.write(
        `As of seq ${replayed.asOf.seq} (${replayed.asOf.occurredAt}), hash ${replayed.asOf.hash}\n${statusTable(replayed.view)}\n`,
      );
    return EXIT.ok;
  });

/** Kept in the data folder; a rebuild of deployed tables keeps its own, named after their ledger. */
const checkpointFile = (dataDir: string, deployedEvents?: string) => {
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, deployedEvents ? `rebuild.${deployedEvents}.checkpoint.json` : 'rebuild.checkpoint.json');
};

/**
 * `drs-ledger rebuild [--execution id] [--aws]`: refold views from the ledger (the local one, or with --aws
 * the deployed stack's); resumable after an interruption.
 */
export const runRebuild = (
  dataDir: string,
  options: { execution?: string; restart?: boolean; aws?: boolean },
  out: NodeJS.WritableStream,
) =>
  withLedger(
    dataDir,
    async (ledger) => {
      const file = checkpointFile(dataDir, options.aws ? ledger.config.tables.events : undefined);
      if (options.restart) rmSync(file, { force: true });
      const saved = !options.execution && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ListingCheckpoint) : undefined;
      if (saved) out.write(`Resuming an interrupted rebuild after ${saved.index} executions of its page (--restart to start over)\n`);
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      try {
        const result = await rebuildViews(
          { ledger: ledger.store, views: ledger.views },
          {
            ...(options.execution ? { executionId: options.execution } : {}),
            ...(saved ? { checkpoint: saved } : {}),
            signal: stop.signal,
            onProgress: ({ checkpoint }) => {
              if (checkpoint) writeFileSync(file, JSON.stringify(checkpoint));
            },
          },
        );
        const counts = Object.entries(result.counts)
          .filter(([, count]) => count > 0)
          .map(([outcome, count]) => `${count} ${outcome}`);
        out.write(`${result.completed ? 'Rebuilt' : 'Interrupted; rerun to resume'}: ${counts.join(', ') || 'nothing to rebuild'}\n`);
        for (const problem of result.problems) out.write(`  ${problem.executionId}: ${problem.outcome}: ${problem.detail}\n`);
        if (result.completed) rmSync(file, { force: true });
        return result.completed && result.problems.length === 0 ? EXIT.ok : EXIT.executionFailed;
      } finally {
        process.off('SIGINT', interrupt);
      }
    },
    options.aws === true,
  );

/** `drs-ledger check [--aws]`: compare each view with its replay; exit 1 when any differs. */
export const runCheck = (dataDir: string, json: boolean, out: NodeJS.WritableStream, deployed = false) =>
  withLedger(
    dataDir,
    async (ledger) => {
      const report = await checkDrift({ ledger: ledger.store, views: ledger.views });
      if (json) out.write(`${JSON.stringify(report)}\n`);
      else {
        out.write(
          `Checked ${report.checked} executions: ${report.drifted.length ? `${report.drifted.length} drifted` : 'every view equals its replay'}\n`,
        );
        for (const drift of report.drifted) {
          const where = drift.fields.length ? `: ${drift.fields.slice(0, 8).join(', ')}${drift.fields.length > 8 ? ', …' : ''}` : '';
          out.write(
            `  ${drift.executionId}: ${drift.kind} (view seq ${drift.storedSeq ?? '-'}, ledger seq ${drift.ledgerSeq ?? '-'})${where}${drift.detail ? ` ${drift.detail}` : ''}\n`,
          );
        }
      }
      return report.drifted.length ? EXIT.executionFailed : EXIT.ok;
    },
    deployed,
  );

const writeOut = (text: string, file: string | undefined, out: NodeJS.WritableStream): void => {
  if (!file) {
    out.write(text);
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/** `drs-ledger export <id>`: the full history as JSON Lines, only from a ledger that verifies. */
export const runExport = (dataDir: string, executionId: string, file: string | undefined, out: NodeJS.WritableStream) =>
  withLedger(dataDir, async (ledger) => {
    const exported = await exportLedger(recordReader(ledger), executionId);
    if (!exported.ok) {
      if (exported.error.kind === 'UnknownExecution') throw new UsageError(`Execution not found: ${executionId}`);
      out.write(
        `Not exported: the ledger of ${executionId} does not verify (seq ${exported.error.firstBadSeq}, ${exported.error.problem}: ${exported.error.detail})\n`,
      );
      return EXIT.executionFailed;
    }
    writeOut(exported.jsonl, file, out);
    if (file) out.write(`Exported ${exported.header.eventCount} events of ${executionId} to ${file}, head ${exported.header.headHash}\n`);
    return EXIT.ok;
  });

/** `drs-ledger import <file>`: an export into this ledger, verified first; refused if it holds the execution. */
export const runImport = (dataDir: string, file: string, options: { expectedHeadHash?: string }, out: NodeJS.WritableStream) =>
  withLedger(dataDir, async (ledger) => {
    const imported = await importLedger(
      ledger.store,
      readFileSync(file, 'utf8'),
      options.expectedHeadHash ? { expectedHeadHash: options.expectedHeadHash } : {},
    );
    if (!imported.ok) {
      const error = imported.error;
      const why =
        error.kind === 'InvalidFile'
          ? `line ${error.line}: ${error.detail}`
          : error.kind === 'Tampered'
            ? `line ${error.line} (seq ${error.seq}) is ${error.problem}: ${error.detail}`
            : error.kind === 'AlreadyExists'
              ? `the ledger already holds ${error.executionId}`
              : `another writer took seq ${error.seq} of ${error.executionId}`;
      throw new UsageError(`Not imported; nothing was written: ${why}`);
    }
    out.write(`Imported ${imported.eventCount} events of ${imported.executionId}, head ${imported.headHash}\n`);
    return EXIT.ok;
  });
