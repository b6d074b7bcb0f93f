/**
 * Jest reporter for `npm run test:reliability`: clears the scenarios' figures when the run starts and,
 * when it ends, prints them as one table (and writes .reliability/figures.json for CI).
 */
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..', '..', '.reliability');
const FIGURES_DIR = join(ROOT, 'figures');

const COLUMNS = [
  ['scenario', (f) => f.scenario],
  ['operations', (f) => f.operations],
  ['faults injected', (f) => f.faultsInjected],
  ['events checked', (f) => f.eventsChecked],
  ['lost', (f) => f.lost],
  ['duplicated', (f) => f.duplicated],
  ['chains valid', (f) => `${f.chainsValid}/${f.chainsChecked}`],
  ['seconds', (f) => f.seconds.toFixed(1)],
];

const table = (rows) => {
  const cells = [COLUMNS.map(([name]) => name), ...rows.map((row) => COLUMNS.map(([, get]) => String(get(row))))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  const line = (values) => `| ${values.map((value, i) => (i === 0 ? value.padEnd(widths[i]) : value.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
};

class ClosingTable {
  constructor() {
    this.startedAt = Date.now();
  }

  onRunStart() {
    rmSync(FIGURES_DIR, { recursive: true, force: true });
    mkdirSync(FIGURES_DIR, { recursive: true });
  }

  onRunComplete(_contexts, results) {
    const rows = existsSync(FIGURES_DIR)
      ? readdirSync(FIGURES_DIR)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .map((name) => JSON.parse(readFileSync(join(FIGURES_DIR, name), 'utf8')))
      : [];
    const total = {
      scenario: 'total',
      operations: rows.reduce((sum, row) => sum + row.operations, 0),
      faultsInjected: rows.reduce((sum, row) => sum + row.faultsInjected, 0),
      eventsChecked: rows.reduce((sum, row) => sum + row.eventsChecked, 0),
      lost: rows.reduce((sum, row) => sum + row.lost, 0),
      duplicated: rows.reduce((sum, row) => sum + row.duplicated, 0),
      chainsValid: rows.reduce((sum, row) => sum + row.chainsValid, 0),
      chainsChecked: rows.reduce((sum, row) => sum + row.chainsChecked, 0),
      seconds: (Date.now() - this.startedAt) / 1000,
    };
    const notes = rows.filter((row) => row.note).map((row) => `  ${row.scenario}: ${row.note}`);
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\nReliability suite: ${rows.length} scenarios, ${failed === 0 ? 'all passed' : `${failed} FAILED`}\n` +
        `${table([...rows, total])}\n${notes.join('\n')}\n\n`,
    );
    writeFileSync(join(ROOT, 'figures.json'), `${JSON.stringify({ scenarios: rows, total, failed }, null, 2)}\n`);
  }
}

module.exports = ClosingTable;
