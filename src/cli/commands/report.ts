import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoLedgerRecordReader } from '../../adapters/dynamodb/ledgerRecordReader';
import { buildEvidence, type Evidence, renderHtml, renderJson, renderMarkdown } from '../../audit';
import type { LedgerRecordReader } from '../../ports/ledgerRecords';
import { EXIT, UsageError } from '../exitCodes';
import { openLedger } from '../ledgerAccess';

export type ReportFormat = 'md' | 'html' | 'json';

const RENDERERS: Record<ReportFormat, (evidence: Evidence) => string> = { md: renderMarkdown, html: renderHtml, json: renderJson };

/** Where a report goes when no --out is given: the HTML one is a file, the others go to standard output. */
export const defaultReportPath = (dataDir: string, executionId: string, format: ReportFormat): string =>
  join(dataDir, 'reports', `${executionId}.${format}`);

/** Builds an execution's evidence from the ledger and writes it; returns the verification's verdict. */
export const writeReport = async (
  reader: LedgerRecordReader,
  executionId: string,
  format: ReportFormat,
  file: string | undefined,
  out: NodeJS.WritableStream,
): Promise<{ verified: boolean; path?: string }> => {
  const built = await buildEvidence(reader, executionId);
  if (!built.ok) {
    if (built.error.kind === 'UnknownExecution') throw new UsageError(`Execution not found: ${executionId}`);
    throw new UsageError(
      `No evidence: the ledger of ${executionId} fails verification at its first event (${built.error.problem}: ${built.error.detail})`,
    );
  }
  const text = RENDERERS[format](built.evidence);
  const verified = built.evidence.ledger.verification.ok;
  if (!file) {
    out.write(text);
    return { verified };
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return { verified, path: file };
};

/** `drs-ledger report <id> [--format md|html|json] [--out file]`: dated, verifiable evidence of one execution. */
export const runReport = async (
  dataDir: string,
  executionId: string,
  options: { format: ReportFormat; out?: string },
  out: NodeJS.WritableStream,
): Promise<number> => {
  const ledger = await openLedger(dataDir);
  try {
    const reader = new DynamoLedgerRecordReader(ledger.client, ledger.config.tables.events);
    const file = options.out ?? (options.format === 'html' ? defaultReportPath(dataDir, executionId, 'html') : undefined);
    const written = await writeReport(reader, executionId, options.format, file, out);
    if (written.path) out.write(`Wrote the ${options.format} evidence report of ${executionId} to ${written.path}\n`);
    if (!written.verified) out.write('WARNING: the ledger does not verify; the report covers only the events before the first bad seq.\n');
    return written.verified ? EXIT.ok : EXIT.executionFailed;
  } finally {
    await ledger.close();
  }
};
