import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  checkDrift,
  exportLedger,
  importLedger,
  type ImportError,
  importedMark,
  listImports,
  type RebuildResult,
  rebuildViews,
  replayAt,
  type ReplayPoint,
} from '../../audit';
import { rebuildFromCheckpoint, type RebuildStart } from '../checkpointedRebuild';
import { EXIT, UsageError } from '../exitCodes';
import { executionNotFound, importedBanner, openSealedImport } from '../importedEvidence';
import { ledgerRecordReader, withLedger } from '../ledgerAccess';
import { nodeCheckpointFs } from '../nodeCheckpointFs';
import { statusTable } from '../render/details';
import { jsonForTerminal, shown } from '../render/terminalText';

/** `drs-ledger replay <id> [--at | --seq]`: the execution as it stood then, from the ledger alone. */
export const runReplay = (
  dataDir: string,
  executionId: string,
  options: { at?: string; seq?: number; json?: boolean; imported?: boolean },
  out: NodeJS.WritableStream,
) =>
  withLedger(dataDir, async (ledger) => {
    if (options.at !== undefined && options.seq !== undefined) throw new UsageError('give --at or --seq, not both');
    // --imported: the execution's sealed import, up to the head its seal recorded.
    const imported = options.imported ? await openSealedImport(ledger.imported, executionId) : undefined;
    let point: ReplayPoint | undefined;
    if (options.at !== undefined) point = { at: options.at };
    else if (options.seq !== undefined) point = { seq: options.seq };
    else point = { seq: imported ? imported.seal.eventCount : ((await ledger.store.head(executionId))?.seq ?? 1) };
    const replayed = await replayAt(imported?.ledger ?? ledger.store, executionId, point);
    if (!replayed.ok) {
      const error = replayed.error;
      const why =
        error.kind === 'UnknownExecution'
          ? (await executionNotFound(ledger.imported, executionId)).message
          : error.kind === 'BeforeStart'
            ? `${error.at} is before the execution started (${error.startTime})`
            : error.kind === 'SeqOutOfRange'
              ? `seq ${error.seq} is beyond the ledger's head (${error.headSeq})`
              : error.kind === 'InvalidPoint'
                ? error.reason
                : `the ledger cannot be replayed: ${error.detail}`;
      throw new UsageError(why);
    }
    const mark = imported ? { imported: importedMark(imported.seal) } : {};
    if (options.json) out.write(`${jsonForTerminal({ ...replayed.view, asOf: replayed.asOf, ...mark })}\n`);
    else if (imported) out.write(`${importedBanner(imported.seal)}\n`);
    if (!options.json)
      out.write(
        `As of seq ${replayed.asOf.seq} (${shown(replayed.asOf.occurredAt)}), hash ${replayed.asOf.hash}\n${statusTable(replayed.view)}\n`,
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
 * the deployed stack's); resumable after an interruption. A checkpoint it cannot trust is named and ignored:
 * the rebuild then starts over, which refolds some views twice and skips none.
 */
export const runRebuild = (
  dataDir: string,
  options: { execution?: string; restart?: boolean; aws?: boolean },
  out: NodeJS.WritableStream,
) =>
  withLedger(
    dataDir,
    async (ledger) => {
      const deps = { ledger: ledger.store, views: ledger.views };
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      try {
        // One execution: no walk, so no checkpoint is read, written or removed.
        const result: RebuildResult & { start?: RebuildStart } = options.execution
          ? await rebuildViews(deps, { executionId: options.execution })
          : await rebuildFromCheckpoint(deps, {
              fs: nodeCheckpointFs,
              path: checkpointFile(dataDir, options.aws || ledger.stack ? ledger.config.tables.events : undefined),
              ...(options.restart ? { restart: true } : {}),
              signal: stop.signal,
              // The file's contents are shown in these lines: neutralised like every other text from outside.
              say: (line) => out.write(`${shown(line)}\n`),
            });
        const counts = Object.entries(result.counts)
          .filter(([, count]) => count > 0)
          .map(([outcome, count]) => `${count} ${outcome}`);
        // A resume that finds nothing left is not a ledger with nothing in it: the run before did the rest.
        const none = result.start?.kind === 'resume' ? `nothing left after ${shown(result.start.after)}` : 'nothing to rebuild';
        out.write(`${result.completed ? 'Rebuilt' : 'Interrupted; rerun to resume'}: ${counts.join(', ') || none}\n`);
        for (const problem of result.problems) out.write(`  ${shown(problem.executionId)}: ${problem.outcome}: ${shown(problem.detail)}\n`);
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
      if (json) out.write(`${jsonForTerminal(report)}\n`);
      else {
        out.write(
          `Checked ${report.checked} executions: ${report.drifted.length ? `${report.drifted.length} drifted` : 'every view equals its replay'}\n`,
        );
        for (const drift of report.drifted) {
          const where = drift.fields.length ? `: ${shown(drift.fields.slice(0, 8).join(', '))}${drift.fields.length > 8 ? ', …' : ''}` : '';
          out.write(
            `  ${shown(drift.executionId)}: ${drift.kind} (view seq ${drift.storedSeq ?? '-'}, ledger seq ${drift.ledgerSeq ?? '-'})${where}${drift.detail ? ` ${shown(drift.detail)}` : ''}\n`,
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
    const exported = await exportLedger(ledgerRecordReader(ledger), executionId);
    if (!exported.ok) {
      if (exported.error.kind === 'UnknownExecution') throw new UsageError(`Execution not found: ${executionId}`);
      out.write(
        `Not exported: the ledger of ${shown(executionId)} does not verify (seq ${exported.error.firstBadSeq}, ${exported.error.problem}: ${shown(exported.error.detail)})\n`,
      );
      return EXIT.executionFailed;
    }
    writeOut(exported.jsonl, file, out);
    if (file)
      out.write(
        `Exported ${exported.header.eventCount} events of ${shown(executionId)} to ${shown(file)}, head ${exported.header.headHash}\n`,
      );
    return EXIT.ok;
  });

/** Why an import was refused, in one line; whether anything of it was written says the caller. */
const importRefusal = (error: ImportError): string => {
  switch (error.kind) {
    case 'InvalidFile':
      return `line ${error.line}: ${error.detail}`;
    case 'Tampered':
      return `line ${error.line} (seq ${error.seq}) is ${error.problem}: ${error.detail}`;
    case 'AlreadyImported':
      return `${error.executionId} is already sealed as import ${error.seal.importId} (head ${error.seal.eventCount}:${error.seal.headHash}), from another file`;
    case 'StagingConflict':
      return `staged line ${error.seq} of import ${error.importId} holds something else than the file: the staging was written outside an import`;
    case 'StagingBroken':
      return `what import ${error.importId} staged does not verify (seq ${error.seq}, ${error.problem}: ${error.detail})`;
  }
};

/**
 * `drs-ledger import <file>`: an export as imported evidence, apart from the live ledger: verified first,
 * staged, then sealed; only a sealed import is visible (`--imported`). A killed run is completed by running
 * it again; the same file once sealed imports as a no-op.
 */
export const runImport = (dataDir: string, file: string, options: { expectedHeadHash?: string }, out: NodeJS.WritableStream) =>
  withLedger(dataDir, async (ledger) => {
    const imported = await importLedger(
      ledger.imported,
      readFileSync(file, 'utf8'),
      options.expectedHeadHash ? { expectedHeadHash: options.expectedHeadHash } : {},
    );
    if (!imported.ok) {
      // Refused before staging: nothing was written. Refused after: an unsealed import, which nothing shows.
      const staged = imported.error.kind === 'StagingConflict' || imported.error.kind === 'StagingBroken';
      throw new UsageError(
        `Not imported; ${staged ? 'not sealed, so not visible' : 'nothing was written'}: ${importRefusal(imported.error)}`,
      );
    }
    const { seal } = imported;
    const how = imported.outcome === 'sealed' ? 'Imported and sealed' : 'Already imported and sealed';
    out.write(
      `${how}: ${shown(seal.eventCount)} events of ${shown(seal.executionId)} as import ${shown(seal.importId)} (sealed ${shown(seal.sealedAt)}), head ${shown(seal.headHash)}\n` +
        `Imported evidence, never driven by this stack: drs-ledger verify|replay|report|status|events ${shown(seal.executionId)} --imported\n`,
    );
    return EXIT.ok;
  });

/** `drs-ledger imports [--json]`: every import begun here: sealed, incomplete (a killed run: import it again) or superseded. */
export const runImports = (dataDir: string, json: boolean, out: NodeJS.WritableStream) =>
  withLedger(dataDir, async (ledger) => {
    const listed = await listImports(ledger.imported);
    for (const entry of listed) {
      const { header: _header, seal: _seal, ...shownEntry } = entry;
      if (json) out.write(`${jsonForTerminal({ ...shownEntry, ...(entry.seal ? { sealedAt: entry.seal.sealedAt } : {}) })}\n`);
      else {
        const state = entry.seal
          ? `sealed ${shown(entry.seal.sealedAt)}`
          : `${entry.state}: ${shown(entry.stagedCount)} of ${shown(entry.eventCount)} events staged`;
        out.write(`${shown(entry.importId)}  ${shown(entry.executionId)}  ${shown(entry.eventCount)}:${shown(entry.headHash)}  ${state}\n`);
      }
    }
    if (!json && listed.length === 0) out.write('No imports\n');
    return EXIT.ok;
  });
