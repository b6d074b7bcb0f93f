import { resolve, sep } from 'node:path';
import { identifierProblem } from '../domain/identifier';
import { UsageError } from './exitCodes';

export type ReportFormat = 'md' | 'html' | 'json';

/** The folder of a data folder's reports. */
export const reportsFolder = (dataDir: string): string => resolve(dataDir, 'reports');

/**
 * Where an execution's report goes by default: `<data-dir>/reports/<executionId>.<format>`, or
 * `<executionId>.imported.<format>` for an imported execution (it never replaces a live execution's report).
 * The name is built from an id the execution-handler accepts (no separator, no leading dot) and a fixed
 * suffix, and the path is refused unless it resolves inside the reports folder: an execution id, even one
 * that came from a file, cannot place a report anywhere else.
 */
export const defaultReportPath = (dataDir: string, executionId: string, format: ReportFormat, imported = false): string => {
  const problem = identifierProblem('executionId', executionId);
  if (problem) throw new UsageError(`No report file can be named after this execution id: ${problem}`);
  const folder = reportsFolder(dataDir);
  const path = resolve(folder, `${executionId}${imported ? '.imported' : ''}.${format}`);
  if (!path.startsWith(`${folder}${sep}`)) throw new UsageError(`A report of ${executionId} would be written outside ${folder}: refused`);
  return path;
};
