/**
 * `drs-ledger report` keeps standard output for the report alone: `report <id> --format html > f.html` is the
 * page and nothing else, and every other line (where a file went, warnings, the digests' verdict) goes to
 * standard error. On a terminal, an HTML report goes to its file under the data folder instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { toEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { runReport } from '../../src/cli/commands/report';
import { openLedger } from '../../src/cli/ledgerAccess';
import { defaultReportPath } from '../../src/cli/reportPath';
import { evolve, type ExecutionEvent, type ExecutionState, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { RawLedger } from '../audit/support/rawLedger';
import { wave1CompletedHistory } from '../fixtures/events';
import { tempDataDir } from '../support/localStack';

jest.setTimeout(120_000);

const EXECUTION_ID = 'exec-report-stdout-0001';
/** Its last event's stored hash is not its content's: the ledger does not verify. */
const BROKEN_ID = 'exec-report-stdout-0002';

/** A stream as the CLI gets it: a file or a pipe, or (isTTY) a terminal. */
const captured = (isTTY = false) => {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, callback) {
        text += String(chunk);
        callback();
      },
    }),
    isTTY ? { isTTY: true } : {},
  );
  return { stream, text: () => text };
};

/** The events as an execution's ledger in the data folder, every link chained (no digest seals it), the last one's hash forged if asked. */
const writeLedger = async (dataDir: string, executionId: string, forgeLast = false): Promise<void> => {
  const events: ExecutionEvent[] = wave1CompletedHistory.map((event) => ({ ...event, executionId }));
  const ledger = await openLedger(dataDir);
  try {
    const raw = new RawLedger(ledger.client, ledger.config.tables.events, executionId);
    let state = initialState();
    const states: ExecutionState[] = events.map((event) => (state = evolve(state, event)));
    const links = chainEvents(
      undefined,
      events,
      states.map(() => undefined),
    );
    if (forgeLast) links.push({ ...(links.pop() as (typeof links)[number]), hash: 'f'.repeat(64) });
    for (const [index, link] of links.entries()) await raw.put(toEventItem(link, states[index] as ExecutionState, false));
  } finally {
    await ledger.close();
  }
};

/** Runs the CLI as a shell does, `command > file`: the CLI's own source through tsx, in a child process. */
const shell = (command: string, cwd: string): Promise<{ code: number; stderr: string }> => {
  const loader = pathToFileURL(require.resolve('tsx')).href;
  const cli = join(__dirname, '../../src/cli/main.ts');
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', command],
      {
        cwd,
        env: {
          ...process.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          DRS_LEDGER: `"${process.execPath}" --import "${loader}" "${cli}"`,
        },
        encoding: 'utf8',
      },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
};

describe('drs-ledger report: standard output carries only the report', () => {
  const dataDir = tempDataDir();
  beforeAll(async () => {
    await writeLedger(dataDir, EXECUTION_ID);
    await writeLedger(dataDir, BROKEN_ID, true);
  });

  it('`report <id> --format html > f.html` gives the page alone; what else it says goes to standard error', async () => {
    const page = (file: string) => readFileSync(join(dataDir, file), 'utf8');
    const clean = await shell(`eval "$DRS_LEDGER --data-dir ${dataDir} report ${EXECUTION_ID} --format html" > f.html`, dataDir);
    expect(clean).toEqual({ code: 0, stderr: '' });
    expect(page('f.html')).toMatch(/^<!DOCTYPE html>/i);
    expect(page('f.html').trimEnd()).toMatch(/<\/html>$/);
    expect(page('f.html')).toContain(EXECUTION_ID);

    const broken = await shell(`eval "$DRS_LEDGER --data-dir ${dataDir} report ${BROKEN_ID} --format html" > broken.html`, dataDir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe('WARNING: the ledger does not verify; the report covers only the events before the first bad seq.\n');
    expect(page('broken.html')).toMatch(/^<!DOCTYPE html>/i);
    expect(page('broken.html').trimEnd()).toMatch(/<\/html>$/);
    expect(page('broken.html')).not.toContain('WARNING: the ledger does not verify');
    // Nothing written besides: no report file under the data folder.
    expect(existsSync(defaultReportPath(dataDir, EXECUTION_ID, 'html'))).toBe(false);
  });

  it('markdown and JSON on standard output are the report alone, the warning on standard error', async () => {
    for (const format of ['md', 'json'] as const) {
      const out = captured();
      const err = captured();
      expect(await runReport(dataDir, BROKEN_ID, { format }, out.stream, err.stream)).toBe(1);
      if (format === 'json') expect(JSON.parse(out.text())).toMatchObject({ execution: { executionId: BROKEN_ID } });
      else expect(out.text()).toMatch(/^# /);
      expect(out.text()).not.toContain('WARNING: the ledger does not verify');
      expect(err.text()).toBe('WARNING: the ledger does not verify; the report covers only the events before the first bad seq.\n');
    }
  });

  it('written to a file (--out, or HTML on a terminal), standard output stays empty and standard error says where', async () => {
    const file = join(dataDir, 'report.md');
    const out = captured();
    const err = captured();
    expect(await runReport(dataDir, BROKEN_ID, { format: 'md', out: file }, out.stream, err.stream)).toBe(1);
    expect(out.text()).toBe('');
    expect(err.text()).toBe(
      `Wrote the md evidence report of ${BROKEN_ID} to ${file}\n` +
        'WARNING: the ledger does not verify; the report covers only the events before the first bad seq.\n',
    );
    expect(readFileSync(file, 'utf8')).toMatch(/^# /);

    const terminal = captured(true);
    const terminalErr = captured();
    await runReport(dataDir, EXECUTION_ID, { format: 'html' }, terminal.stream, terminalErr.stream);
    const path = defaultReportPath(dataDir, EXECUTION_ID, 'html');
    expect(terminal.text()).toBe('');
    expect(terminalErr.text()).toContain(`to ${path}\n`);
    expect(readFileSync(path, 'utf8')).toContain(EXECUTION_ID);
  });
});
