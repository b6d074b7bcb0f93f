/**
 * The grid of the largest plan (20 waves of 200 servers) is polled every few seconds: an update must write only
 * what changed. The model says what each update writes; the page writes that and nothing else (waveGrid.ts).
 */
import { cellContent, changedFields, GridModel, serversByWave } from '../../src/console/view/gridModel';
import type { ExecutionDetails, ServerDetails, ServerStatus } from '../../src/console/wire';

const WAVES = 20;
const PER_WAVE = 200;

const serverId = (index: number): string => `s-${index.toString(16).padStart(17, '0')}`;

const largest = (status: (index: number) => ServerStatus = () => 'IN_PROGRESS'): ExecutionDetails => ({
  executionId: 'exec-large',
  planId: 'rp-large',
  planName: 'Largest plan',
  status: 'RUNNING',
  executionType: 'DRILL',
  initiatedBy: 'alice',
  startTime: '2026-12-01T10:00:00.000Z',
  currentWave: 1,
  totalWaves: WAVES,
  totalServers: WAVES * PER_WAVE,
  seq: 10,
  waveStatuses: Array.from({ length: WAVES }, (_, wave) => ({
    waveNumber: wave + 1,
    waveName: `Wave ${wave + 1}`,
    status: 'IN_PROGRESS' as const,
    pauseBeforeWave: false,
    serversLaunched: 0,
    serversCompleted: 0,
    serversFailed: 0,
  })),
  serverExecutions: Array.from({ length: WAVES * PER_WAVE }, (_, index): ServerDetails => ({
    serverId: serverId(index),
    waveNumber: Math.floor(index / PER_WAVE) + 1,
    status: status(index),
  })),
});

/** The details as a new poll brings them: equal, never the same objects. */
const copy = (details: ExecutionDetails): ExecutionDetails => JSON.parse(JSON.stringify(details)) as ExecutionDetails;

describe('the grid model', () => {
  it('draws every wave and every cell, whole, on the first update', () => {
    const changes = new GridModel().update(largest());
    expect(changes.rebuilt).toBe(true);
    expect(changes.waves).toHaveLength(WAVES);
    expect(changes.cells).toHaveLength(WAVES * PER_WAVE);
    expect(changes.cells.every((cell) => cell.added && Object.keys(cell.changes).length === 8)).toBe(true);
    expect(changes.counts).toEqual(Array.from({ length: WAVES }, () => PER_WAVE));
    expect(changes.cells[PER_WAVE]).toMatchObject({ waveNumber: 2, serverId: serverId(PER_WAVE) });
  });

  it('writes nothing when a poll brings the same 4,000 servers again', () => {
    const model = new GridModel();
    model.update(largest());
    expect(model.update(copy(largest()))).toEqual({ rebuilt: false, waves: [], cells: [] });
  });

  it('writes one cell, and its wave heading, when one server of 4,000 launches', () => {
    const model = new GridModel();
    model.update(largest());
    const changes = model.update(largest((index) => (index === 1234 ? 'LAUNCHED' : 'IN_PROGRESS')));
    expect(changes.cells).toEqual([
      {
        waveNumber: 7,
        serverId: serverId(1234),
        added: false,
        changes: { status: 'LAUNCHED', tone: 'done', title: `${serverId(1234)} · Launched`, symbol: '●', word: 'Launched' },
      },
    ]);
    expect(changes.waves).toEqual([{ waveNumber: 7, added: false, changes: { heading: expect.stringContaining('1/200 launched') } }]);
    expect(changes.counts).toBeUndefined();
  });

  it('writes the hostname, its type and the ID line when DRS names the host, and nothing else', () => {
    const model = new GridModel();
    const before = largest();
    model.update(before);
    const after = copy(before);
    const named = after.serverExecutions[5] as ServerDetails;
    named.hostname = 'db-01.example.com';
    expect(model.update(after).cells).toEqual([
      {
        waveNumber: 1,
        serverId: serverId(5),
        added: false,
        changes: {
          title: `${serverId(5)} · db-01.example.com · Launching`,
          host: 'db-01.example.com',
          hostClass: 'host',
          id: serverId(5),
        },
      },
    ]);
  });

  it('draws all anew when the waves are not those it shows', () => {
    const model = new GridModel();
    model.update(largest());
    const fewer = largest();
    fewer.waveStatuses = fewer.waveStatuses.slice(0, 2);
    fewer.serverExecutions = fewer.serverExecutions.slice(0, 2 * PER_WAVE);
    const changes = model.update(fewer);
    expect(changes).toMatchObject({ rebuilt: true, counts: [PER_WAVE, PER_WAVE] });
    expect(changes.cells).toHaveLength(2 * PER_WAVE);
    expect(changes.cells.every((cell) => cell.added)).toBe(true);
  });

  it('groups servers by wave in their order, in one pass', () => {
    const details = largest();
    details.serverExecutions.reverse();
    const byWave = serversByWave(details);
    expect([...byWave.keys()]).toEqual(Array.from({ length: WAVES }, (_, wave) => WAVES - wave));
    expect(byWave.get(1)?.map((server) => server.serverId)).toEqual(
      Array.from({ length: PER_WAVE }, (_, index) => serverId(PER_WAVE - 1 - index)),
    );
  });

  it('says which fields changed, and all of them when none were shown', () => {
    const shown = cellContent({ serverId: 's-1', waveNumber: 1, status: 'PENDING' });
    expect(changedFields(shown, { ...shown })).toEqual({});
    expect(Object.keys(changedFields(undefined, shown))).toEqual(Object.keys(shown));
    expect(changedFields(shown, cellContent({ serverId: 's-1', waveNumber: 1, status: 'FAILED', failureReason: 'no capacity' }))).toEqual({
      status: 'FAILED',
      tone: 'failed',
      title: 's-1 · Failed · no capacity',
      symbol: '✗',
      word: 'Failed',
    });
  });
});
