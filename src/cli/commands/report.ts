import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  buildEvidence,
  type DigestEvidence,
  type Evidence,
  type EvidenceOptions,
  importedMark,
  renderHtml,
  renderJson,
  renderMarkdown,
  sealedHead,
} from '../../audit';
import type { LedgerRecordReader } from '../../ports/ledgerRecords';
import { IMPORTED_NOT_IN_DIGESTS, readChainInput } from '../digestAccess';
import { EXIT, UsageError } from '../exitCodes';
import { executionNotFound, openSealedImport } from '../importedEvidence';
import { ledgerRecordReader, openLedger } from '../ledgerAccess';
import { digestsFail, digestVerdictLines } from '../render/digestVerdict';
import { tamperAlarmLines } from '../render/tamperAlarms';
import { jsonTextForTerminal } from '../render/terminalText';
import { defaultReportPath, type ReportFormat } from '../reportPath';

export { defaultReportPath, type ReportFormat };

const RENDERERS: Record<ReportFormat, (evidence: Evidence) => string> = { md: renderMarkdown, html: renderHtml, json: renderJson };

/** Builds an execution's evidence from the ledger and writes it; returns the verification's verdict and the digests'. */
export const writeReport = async (
  reader: LedgerRecordReader,
  executionId: string,
  format: ReportFormat,
  file: string | undefined,
  out: NodeJS.WritableStream,
  options: EvidenceOptions = {},
): Promise<{ verified: boolean; digests?: DigestEvidence; path?: string } | { unknown: true }> => {
  const built = await buildEvidence(reader, executionId, options);
  if (!built.ok) {
    if (built.error.kind === 'UnknownExecution') return { unknown: true };
    throw new UsageError(
      `No evidence: the ledger of ${executionId} fails verification at its first event (${built.error.problem}: ${built.error.detail})`,
    );
  }
  const text = RENDERERS[format](built.evidence);
  const verified = built.evidence.ledger.verification.ok;
  const digests = built.evidence.digests ? { digests: built.evidence.digests } : {};
  if (!file) {
    // Markdown escapes every text it quotes (invisible characters shown); JSON gets its escapes for a terminal.
    out.write(format === 'json' ? jsonTextForTerminal(text) : text);
    return { verified, ...digests };
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return { verified, ...digests, path: file };
};

/**
 * Where a report goes without --out: on standard output, unless it is HTML and standard output a terminal
 * (a page is read in a browser, not on a terminal): then to its file under the data folder.
 */
const reportFile = (dataDir: string, executionId: string, format: ReportFormat, imported: boolean, out: NodeJS.WritableStream) =>
  format === 'html' && (out as { isTTY?: boolean }).isTTY === true ? defaultReportPath(dataDir, executionId, 'html', imported) : undefined;

/**
 * `drs-ledger report <id> [--format md|html|json] [--out file] [--imported]`: dated, verifiable evidence of
 * one execution; with --imported, of a sealed import (verified against the seal's head, and marked).
 * Standard output carries the report only (`report … --format html > f.html` is the page alone): every other
 * line (where the file went, warnings, alarms, the digests' verdict) goes to `err`.
 */
export const runReport = async (
  dataDir: string,
  executionId: string,
  options: { format: ReportFormat; out?: string; imported?: boolean },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> => {
  const ledger = await openLedger(dataDir);
  try {
    const imported = options.imported ? await openSealedImport(ledger.imported, executionId) : undefined;
    const reader = imported?.ledger ?? ledgerRecordReader(ledger);
    // An id that could name no report file is refused before anything is read, wherever the report goes.
    if (options.format === 'html' && options.out === undefined) defaultReportPath(dataDir, executionId, 'html', imported !== undefined);
    const file = options.out ?? reportFile(dataDir, executionId, options.format, imported !== undefined, out);
    // Alarms are recorded outside the ledger: they outlive the items they are about (all deleted, the first changed).
    const alarms = tamperAlarmLines(executionId, await ledger.tamperAlarms.list(executionId));
    const written = await writeReport(reader, executionId, options.format, file, out, {
      ...(imported ? { expectedHead: sealedHead(imported.seal), imported: importedMark(imported.seal) } : {}),
      alarms: ledger.tamperAlarms,
      // What the signed digests say of the ledger as stored: an imported execution was sealed by its import instead.
      digests: imported ? { unavailable: IMPORTED_NOT_IN_DIGESTS } : await readChainInput(await ledger.digests()),
    }).catch((error: unknown) => {
      // No evidence at all (its first item does not verify): the alarms still say what happened to the ledger.
      for (const line of alarms) err.write(`${line}\n`);
      throw error;
    });
    if ('unknown' in written) {
      if (alarms.length === 0) throw await executionNotFound(ledger.imported, executionId);
      for (const line of ['No ledger item is left for this execution.', ...alarms]) err.write(`${line}\n`);
      return EXIT.executionFailed;
    }
    if (written.path)
      err.write(`Wrote the ${options.format} evidence report of ${executionId}${imported ? ' (imported)' : ''} to ${written.path}\n`);
    // A report on standard output lists them itself (its "Tamper alarms" section): nothing may follow it there.
    if (written.path) for (const line of alarms) err.write(`${line}\n`);
    if (!written.verified) err.write('WARNING: the ledger does not verify; the report covers only the events before the first bad seq.\n');
    // An ended execution unsealed, a contradiction, the digest chain broken anywhere: the report says why (its
    // "Signed digest" rows); a report written to a file is followed by the same lines as verify prints.
    const digestsFailed = written.digests !== undefined && digestsFail(written.digests);
    if (written.path && written.digests && digestsFailed)
      for (const line of digestVerdictLines(executionId, written.digests)) err.write(`${line}\n`);
    return written.verified && alarms.length === 0 && !digestsFailed ? EXIT.ok : EXIT.executionFailed;
  } finally {
    await ledger.close();
  }
};
