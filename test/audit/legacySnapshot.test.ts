/** legacySnapshotOf: the shape snapshots had before waves took several jobs, and only for folds that code could make. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromEventItem, type Item } from '../../src/adapters/dynamodb/marshalEvent';
import { legacySnapshotOf } from '../../src/audit/legacySnapshot';
import { evolve, type ExecutionState, initialState, type Running, type WaveState } from '../../src/domain/execution';

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/legacy/ledgers.json'), 'utf8')) as {
  executions: Array<{ name: string; items: unknown[] }>;
};
const toItem = (value: unknown): Item =>
  JSON.parse(JSON.stringify(value), (key, child: unknown) =>
    key === 'B' && typeof child === 'string' ? Buffer.from(child, 'base64') : child,
  ) as Item;

/** Today's fold of the legacy completed drill: two waves, each with its one job on record. */
const fold = (): Running => {
  const items = (fixture.executions.find((execution) => execution.name === 'completed')?.items ?? []).map(toItem);
  // Up to seq 14 (wave 2 COMPLETED): still RUNNING.
  return items.slice(0, 14).reduce<ExecutionState>((state, item) => evolve(state, fromEventItem(item).event), initialState()) as Running;
};
const withWave = (state: Running, index: number, change: (wave: WaveState) => WaveState): Running => ({
  ...state,
  waves: state.waves.map((wave, at) => (at === index ? change(wave) : wave)),
});

describe('legacySnapshotOf', () => {
  it("drops every wave's jobs, and nothing else", () => {
    const state = fold();
    expect(state.status).toBe('RUNNING');
    expect(state.waves.map((wave) => wave.jobs?.length)).toEqual([1, 1]);
    const legacy = legacySnapshotOf(state) as Running;
    expect(legacy.waves.every((wave) => !('jobs' in wave))).toBe(true);
    expect(legacy).toEqual({ ...state, waves: state.waves.map(({ jobs: _dropped, ...wave }) => wave) });
  });

  it('has nothing to drop before the start', () => {
    expect(legacySnapshotOf(initialState())).toEqual(initialState());
  });

  it.each([
    ['a state machine that continued as new', (state: Running): Running => ({ ...state, stateMachineGeneration: 1 })],
    ['servers per job, from a start written today', (state: Running): Running => ({ ...state, serversPerJob: 100 })],
    [
      'a wave of two jobs',
      (state: Running) =>
        withWave(state, 0, (wave) => ({
          ...wave,
          jobs: [...(wave.jobs ?? []), { part: 2, drsJobId: 'drsjob-00000000000000002', drsJobStatus: 'COMPLETED' }],
        })),
    ],
    [
      "a job that is not the wave's drsJobId",
      (state: Running) =>
        withWave(state, 0, (wave) => ({
          ...wave,
          jobs: (wave.jobs ?? []).map((job) => ({ ...job, drsJobId: 'drsjob-00000000000000009' })),
        })),
    ],
    [
      "a job in another status than the wave's",
      (state: Running) =>
        withWave(state, 1, (wave) => ({ ...wave, jobs: (wave.jobs ?? []).map((job) => ({ ...job, drsJobStatus: 'STARTED' as const })) })),
    ],
  ])('has no legacy shape for a fold with %s: that code never snapshotted one', (_what, change) => {
    expect(legacySnapshotOf(change(fold()))).toBeUndefined();
  });
});
