/**
 * The CLI never hands a terminal a control sequence from the ledger. DRS reports hostnames that carry ESC
 * sequences (clear the screen, set the window title), BEL, a carriage return, a line break, C1 controls, a bidi
 * override and a zero-width space (DRS's texts cannot be refused, only shown safely); a drill runs on them, and
 * every command that prints them (drill, status, replay, events --json, report) shows them as visible escapes,
 * in text and in JSON, whose values still parse back to exactly what DRS said.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownSeen } from '../audit/support/markdownSeen';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

jest.setTimeout(180_000);

/** Raw, anything a terminal acts on: C0 but the line feed that ends our lines, DEL, C1, line separators, bidi controls, zero-width characters. */
const ACTING = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/u;

const ATTACKS = [
  'db-primary\u001b[2J\u001b[H\u0007',
  'db-replica-1\r\u001b]0;owned\u0007',
  'db\u202Eyalper-2',
  'db-reporting\nOK exec-forged: 25 events, chain intact',
  'db-archive\u0085\u009b31m\u200B',
];
const SHOWN = [
  'db-primary\\u{1B}[2J\\u{1B}[H\\u{7}',
  'db-replica-1\\r\\u{1B}]0;owned\\u{7}',
  'db\\u{202E}yalper-2',
  'db-reporting\\nOK exec-forged: 25 events, chain intact',
  'db-archive\\u{85}\\u{9B}31m\\u{200B}',
];

describe('CLI output of texts carrying terminal controls', () => {
  const dataDir = tempDataDir();
  let executionId: string;
  let drillOutput: string;

  beforeAll(async () => {
    // The sample inventory, with DRS reporting the first wave's hostnames as an attacker set them.
    const inventory = (
      JSON.parse(readFileSync(join(__dirname, '../../samples/source-servers.json'), 'utf8')) as Array<{ hostname: string }>
    ).map((server, index) => ({ ...server, hostname: ATTACKS[index] ?? server.hostname }));
    const file = join(dataDir, 'inventory.json');
    writeFileSync(file, JSON.stringify(inventory));
    const drill = await runCli('--data-dir', dataDir, 'drill', '--speed', '1000', '--resume-after', '0.2', '--inventory', file);
    expect(drill.code).toBe(0);
    drillOutput = drill.stdout;
    executionId = /See it again: drs-ledger(?: --data-dir \S+)? status (\S+)/.exec(drill.stdout)?.[1] as string;
    expect(executionId).toMatch(/^exec-/);
  });

  const run = async (...argv: string[]): Promise<string> => {
    const result = await runCli('--data-dir', dataDir, ...argv);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(ACTING);
    return result.stdout;
  };

  it("prints the drill's progress and summary with the hostnames' controls shown, not acted on", () => {
    expect(drillOutput).not.toMatch(ACTING);
    for (const shown of SHOWN) expect(drillOutput).toContain(shown);
  });

  it.each([
    ['status', ['status']],
    ['replay', ['replay']],
  ])('%s shows every hostname as visible escapes, one line each', async (_command, argv) => {
    const stdout = await run(...argv, executionId);
    expect(stdout).not.toMatch(ACTING);
    for (const shown of SHOWN) expect(stdout).toContain(shown);
    // The line break a hostname holds does not start a line of its own.
    expect(stdout.split('\n').some((line) => line.startsWith('OK exec-forged'))).toBe(false);
  });

  it.each([
    ['status --json', ['status', '--json']],
    ['events --json', ['events', '--json']],
    ['report --format json', ['report', '--format', 'json']],
  ])('%s writes JSON with \\u escapes, which parses back to what DRS said', async (_command, argv) => {
    const stdout = await run(...argv.slice(0, 1), executionId, ...argv.slice(1));
    expect(stdout).not.toMatch(ACTING);
    // JSON Lines, or one indented document (the report).
    const documents = argv[0] === 'report' ? [stdout] : stdout.trim().split('\n');
    const values = documents.map((document) => JSON.stringify(JSON.parse(document))).join('\n');
    for (const attack of ATTACKS) expect(values).toContain(JSON.stringify(attack).slice(1, -1));
  });

  it('the Markdown report on standard output shows the hostnames as text', async () => {
    const stdout = await run('report', executionId, '--format', 'md');
    expect(stdout).not.toMatch(ACTING);
    const seen = markdownSeen(stdout);
    for (const shown of SHOWN) expect(seen).toContain(shown);
  });
});
