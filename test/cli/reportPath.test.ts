/**
 * Report file names: an execution id (one from an imported file included) can never place a report outside
 * the data folder's reports folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/exitCodes';
import { defaultReportPath, reportsFolder } from '../../src/cli/reportPath';

describe('the default path of an evidence report', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'drs-ledger-reports-'));
  const folder = reportsFolder(dataDir);

  it('is the execution id and a fixed suffix, inside the reports folder', () => {
    expect(defaultReportPath(dataDir, 'exec-2026-11-30', 'html')).toBe(join(folder, 'exec-2026-11-30.html'));
    expect(defaultReportPath(dataDir, 'exec-2026-11-30', 'md', true)).toBe(join(folder, 'exec-2026-11-30.imported.md'));
    // Dots and colons are id characters; an id still cannot start with a dot or hold a separator.
    expect(defaultReportPath(dataDir, 'a..b:c', 'json')).toBe(join(folder, 'a..b:c.json'));
  });

  it.each([
    '../../x/TRAVERSED',
    '..',
    '.',
    '../reports-elsewhere/x',
    'x/../../../TRAVERSED',
    '/tmp/TRAVERSED',
    '..\\..\\TRAVERSED',
    'reports/../../TRAVERSED',
    '',
    'x'.repeat(129),
    'exec\u0000.html',
  ])('refuses the execution id %j with a clear error', (executionId) => {
    const attempt = () => defaultReportPath(dataDir, executionId, 'html');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/^No report file can be named after this execution id: executionId must /);
  });
});
