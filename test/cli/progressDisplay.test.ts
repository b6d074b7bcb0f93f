/**
 * The live display on a real-sized terminal: rendered into an 80-column screen (a tiny VT interpreter, see
 * progressTerminal), it never piles up, whatever wraps: long names, a 120-server wave, notes longer than a
 * line. Its clock counts from the execution's start, and goes on, with a countdown, while the execution is paused.
 */
import type { ServerExecutionView, WaveView } from '../../projections/executionView';
import { cellWidth, truncateToWidth, wrapToWidth } from '../../src/cli/render/cellWidth';
import type { Details } from '../../src/cli/render/details';
import { ProgressPrinter } from '../../src/cli/render/progress';
import { progressBlock } from '../../src/cli/render/progressBlock';
import { FakeTerminal } from './progressTerminal';

const NOW = Date.parse('2026-03-01T10:10:00Z');
const EXECUTION_ID = 'exec-7f3c2a10-5b8e-4d21-9c6f-0a1b2c3d4e5f';
const LONG_PLAN_NAME = `Production ERP and order management — 東京 region failover to 大阪 ${'with every dependency '.repeat(6)}`;

const servers = (waveNumber: number, count: number, status: (index: number) => ServerExecutionView['status']): ServerExecutionView[] =>
  Array.from({ length: count }, (_, index) => ({
    serverId: `s-${String(waveNumber).padStart(3, '0')}${index.toString(16).padStart(14, '0')}`,
    hostname: `erp-app-node-${index}.eu-west-1.compute.internal.example-corporation.com`,
    waveNumber,
    status: status(index),
  }));

const wave = (waveNumber: number, waveName: string, status: WaveView['status'], list: ServerExecutionView[]): WaveView => ({
  waveNumber,
  waveName,
  status,
  pauseBeforeWave: false,
  serversLaunched: list.filter((server) => server.status !== 'NOT_STARTED').length,
  serversCompleted: list.filter((server) => server.status === 'LAUNCHED').length,
  serversFailed: list.filter((server) => server.status === 'FAILED').length,
});

/** A three-wave plan whose second wave has 120 servers, `launched` of them launched and two failed. */
const bigDrill = (launched: number): Details => {
  const first = servers(1, 4, () => 'LAUNCHED');
  const second = servers(2, 120, (index) => (index < 2 ? 'FAILED' : index < launched ? 'LAUNCHED' : 'IN_PROGRESS')).map((server) =>
    server.status === 'FAILED'
      ? { ...server, failureReason: `Launch failed: the subnet subnet-0abc has no free address for ${'a very long reason '.repeat(8)}` }
      : server,
  );
  const third = servers(3, 6, () => 'NOT_STARTED');
  return {
    executionId: EXECUTION_ID,
    planId: 'plan-erp',
    planName: LONG_PLAN_NAME,
    status: 'RUNNING',
    executionType: 'DRILL',
    currentWave: 2,
    totalWaves: 3,
    totalServers: 130,
    startTime: '2026-03-01T10:00:00.000Z',
    waveStatuses: [
      wave(1, 'databases and their replicas in every availability zone', 'COMPLETED', first),
      wave(2, 'application servers', 'IN_PROGRESS', second),
      wave(3, 'web', 'PENDING', third),
    ],
    serverExecutions: [...first, ...second, ...third],
  };
};

const withoutColours = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

describe('the live display on an 80-column terminal', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it('redraws a block with long names, a 120-server wave and wrapping notes in place: the screen holds the notes and one block', () => {
    const terminal = new FakeTerminal(80, 50);
    const printer = new ProgressPrinter('tty', terminal);
    const started = `Started DRILL ${EXECUTION_ID} of "${LONG_PLAN_NAME}": 3 waves, 130 servers`;
    printer.note(started);
    for (let launched = 2; launched <= 120; launched += 7) {
      printer.update(bigDrill(launched));
      if (launched === 30) printer.note(`Wave 2 is slow: ${'the conversion servers are busy; '.repeat(4)}`);
    }
    const final = bigDrill(120);
    printer.update(final, `Watching ${EXECUTION_ID}: ${'a note longer than the terminal is wide '.repeat(3)}`);
    printer.close();

    const block = progressBlock(final, {
      nowMs: NOW,
      columns: 80,
      rows: 50,
      watchingSinceMs: NOW,
      note: `Watching ${EXECUTION_ID}: ${'a note longer than the terminal is wide '.repeat(3)}`,
    }).map((line) => withoutColours(line.text).trimEnd());
    const notes = [
      ...wrapToWidth(started, 80).map((line) => line.trimEnd()),
      ...wrapToWidth(`Wave 2 is slow: ${'the conversion servers are busy; '.repeat(4)}`, 80).map((line) => line.trimEnd()),
    ];
    expect(terminal.transcript()).toEqual([...notes, ...block]);
    // Every row of the block fits in 79 cells: only the two notes wrapped, as plain lines above it.
    for (const line of block) expect(cellWidth(line)).toBeLessThan(80);
    expect(terminal.wraps).toBe(notes.length - 2);
    // The id, the 120-server grid (on rows of its own) and the failures are all there.
    expect(block[0]).toMatch(new RegExp(`^Production ERP .*… · DRILL · ${EXECUTION_ID}$`));
    expect(
      block
        .filter((line) => line.startsWith('    '))
        .join('')
        .replace(/ /g, ''),
    ).toHaveLength(120);
    expect(block.filter((line) => line.startsWith('  ✗ '))).toHaveLength(2);
  });

  it('on 40 columns, paused with a countdown, nothing wraps either', () => {
    const terminal = new FakeTerminal(40, 60);
    const printer = new ProgressPrinter('tty', terminal);
    const paused: Details = { ...bigDrill(60), status: 'PAUSED', nextWave: 3, pausedAt: '2026-03-01T10:09:00.000Z' };
    printer.update(paused);
    printer.waiting({ until: NOW + 90_000, reason: 'the simulated operator resumes' });
    jest.advanceTimersByTime(3_000);
    printer.update(bigDrill(70));
    printer.close();
    expect(terminal.wraps).toBe(0);
    expect(terminal.transcript().filter((line) => line.startsWith('exec-7f3c2a10'))).toHaveLength(1);
    expect(terminal.transcript().join('\n')).not.toContain('resumes in');
  });

  it('on a short terminal a block of many big waves counts each wave’s servers, and stays within the screen', () => {
    const terminal = new FakeTerminal(80, 16);
    const printer = new ProgressPrinter('tty', terminal);
    const six = bigDrill(60);
    const many: Details = {
      ...six,
      totalWaves: 6,
      waveStatuses: [1, 2, 3, 4, 5, 6].map((number) =>
        wave(
          number,
          `wave of 120 number ${number}`,
          'IN_PROGRESS',
          servers(number, 120, () => 'IN_PROGRESS'),
        ),
      ),
      serverExecutions: [1, 2, 3, 4, 5, 6].flatMap((number) => servers(number, 120, (index) => (index < 40 ? 'LAUNCHED' : 'IN_PROGRESS'))),
    };
    for (let round = 0; round < 5; round += 1) printer.update(many);
    printer.close();

    const shown = terminal.transcript();
    expect(shown.length).toBeLessThanOrEqual(15);
    expect(shown.filter((line) => line.includes(EXECUTION_ID))).toHaveLength(1);
    expect(shown.filter((line) => / Wave 4 /.test(line))).toEqual([expect.stringMatching(/●40 ◐80$/)]);
    expect(terminal.wraps).toBe(0);
  });

  it('a block taller than the terminal even counted is cut to its height, saying how to see the rest', () => {
    const terminal = new FakeTerminal(80, 8);
    const printer = new ProgressPrinter('tty', terminal);
    for (let round = 0; round < 3; round += 1) printer.update(bigDrill(30));
    printer.close();
    const shown = terminal.transcript();
    expect(shown).toHaveLength(7);
    expect(shown.at(-1)).toMatch(new RegExp(`^… \\d+ more lines: drs-ledger status shows them all$`));
  });

  it('a terminal narrowed between two draws: the redraw moves up over the rows the old lines take now', () => {
    const terminal = new FakeTerminal(80, 50);
    const printer = new ProgressPrinter('tty', terminal);
    printer.update(bigDrill(10));
    const drawnCells = progressBlock(bigDrill(10), { nowMs: NOW, columns: 80, rows: 50, watchingSinceMs: NOW }).map((line) => line.cells);
    const written: string[] = [];
    terminal.columns = 40;
    const original = terminal.write.bind(terminal);
    terminal.write = ((chunk: string) => {
      written.push(chunk);
      return original(chunk);
    }) as typeof terminal.write;
    printer.update(bigDrill(11));
    printer.close();
    const rowsAt40 = drawnCells.reduce((sum, cells) => sum + Math.max(1, Math.ceil(cells / 40)), 0);
    expect(written[0]).toMatch(new RegExp(`^\\r\\u001b\\[${rowsAt40}A\\u001b\\[0J`));
    expect(rowsAt40).toBeGreaterThan(drawnCells.length);
  });
});

describe('the display’s clock and countdown', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  const paused = (extra: Partial<Details> = {}): Details => ({
    ...bigDrill(120),
    status: 'PAUSED',
    currentWave: 2,
    nextWave: 3,
    pausedAt: '2026-03-01T10:09:00.000Z',
    ...extra,
  });

  it('counts from the execution’s start (not from when watching began), and ends with its duration', () => {
    const terminal = new FakeTerminal(80, 50);
    const printer = new ProgressPrinter('tty', terminal);
    printer.update(bigDrill(50));
    expect(terminal.visible()[1]).toMatch(/^RUNNING\s+wave 2\/3 · 10m 00s since start$/);
    jest.advanceTimersByTime(65_000);
    printer.update(bigDrill(51));
    expect(terminal.visible()[1]).toMatch(/· 11m 05s since start$/);
    printer.update({ ...bigDrill(120), status: 'COMPLETED', endTime: '2026-03-01T10:12:30.000Z' });
    expect(terminal.visible()[1]).toMatch(/^COMPLETED\s+wave 2\/3 · took 12m 30s$/);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('while paused, the clock and the simulated operator’s countdown go on by themselves, and stop once it runs again', () => {
    const terminal = new FakeTerminal(80, 50);
    const printer = new ProgressPrinter('tty', terminal);
    printer.update(paused());
    printer.waiting({ until: NOW + 30_000, reason: 'the simulated operator resumes' });
    expect(terminal.visible().slice(1, 4)).toEqual([
      expect.stringMatching(/^PAUSED\s+wave 2\/3 · 10m 00s since start$/),
      '  paused before wave 3 for 1m 00s',
      '  the simulated operator resumes in 30s',
    ]);

    jest.advanceTimersByTime(5_000); // no update from the caller: the printer redraws itself
    expect(terminal.visible().slice(1, 4)).toEqual([
      expect.stringMatching(/· 10m 05s since start$/),
      '  paused before wave 3 for 1m 05s',
      '  the simulated operator resumes in 25s',
    ]);
    expect(terminal.transcript().filter((line) => line.includes(EXECUTION_ID))).toHaveLength(1);

    printer.update(bigDrill(120));
    expect(terminal.visible().join('\n')).not.toContain('resumes in');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a pause awaiting approval counts down to its deadline and says what happens then', () => {
    const terminal = new FakeTerminal(80, 50);
    const printer = new ProgressPrinter('tty', terminal);
    const rule = {
      waveNumber: 3,
      approvers: ['arn:aws:iam::111122223333:role/Approver'],
      excludeStarter: true,
      onTimeout: 'CANCEL' as const,
    };
    const pendingApproval = { ...rule, deadline: '2026-03-01T10:25:00.000Z' };
    printer.update(paused({ pendingApproval }));
    expect(terminal.visible()[2]).toBe('  awaiting approval of wave 3 · deadline in 15m 00s, then cancelled');
    // The clock jumps to a second before the next tick, which redraws.
    jest.setSystemTime(NOW + 14 * 60_000 + 58_000);
    jest.advanceTimersByTime(1_000);
    expect(terminal.visible()[2]).toBe('  awaiting approval of wave 3 · deadline in 1s, then cancelled');
    printer.close();
    expect(jest.getTimerCount()).toBe(0);

    const continuing = new FakeTerminal(80, 50);
    const other = new ProgressPrinter('tty', continuing);
    other.update(paused({ pendingApproval: { ...pendingApproval, onTimeout: 'CONTINUE' } }));
    expect(continuing.visible()[2]).toBe('  awaiting approval of wave 3 · deadline in 1s, then it starts unapproved');
    jest.advanceTimersByTime(2_000);
    expect(continuing.visible()[2]).toBe('  awaiting approval of wave 3 · deadline passed 1s ago');
    other.close();

    const none = new FakeTerminal(80, 50);
    const unbounded = new ProgressPrinter('tty', none);
    unbounded.update(paused({ pendingApproval: rule }));
    expect(none.visible()[2]).toBe('  awaiting approval of wave 3 · no deadline');
    unbounded.close();
  });

  it('lines and JSON modes print no countdown and start no clock', () => {
    const terminal = new FakeTerminal(80, 50);
    const printer = new ProgressPrinter('plain', terminal);
    printer.update(paused());
    const before = terminal.transcript();
    printer.waiting({ until: NOW + 30_000, reason: 'the simulated operator resumes' });
    expect(terminal.transcript()).toEqual(before);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('cell widths', () => {
  it('counts wide characters two cells, combining marks none, and never cuts beyond the width', () => {
    expect(cellWidth('wave')).toBe(4);
    expect(cellWidth('東京')).toBe(4);
    expect(cellWidth('e\u0301')).toBe(1);
    expect(cellWidth('🚀 go')).toBe(5);
    expect(truncateToWidth('東京大阪名古屋', 7)).toBe('東京大…');
    expect(cellWidth(truncateToWidth('東京大阪名古屋', 7))).toBeLessThanOrEqual(7);
    expect(wrapToWidth('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
  });
});
