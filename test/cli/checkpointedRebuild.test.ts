/**
 * A rebuild over every execution resumes from the checkpoint a previous run left only when that checkpoint
 * still stands on the ledger's listing; one that is torn, truncated or points elsewhere is named on the
 * output and the rebuild starts over, so no execution is ever skipped. A crash while saving costs nothing.
 */
import { listExecutionsFrom, type ListedExecution } from '../../src/audit';
import type { RebuildDeps } from '../../src/audit/rebuild';
import { rebuildFromCheckpoint } from '../../src/cli/checkpointedRebuild';
import { readRebuildCheckpoint, type RebuildCheckpoint, saveRebuildCheckpoint } from '../../src/cli/rebuildCheckpoint';
import type { RecoveryPlan } from '../../src/domain/plan';
import { startExecution } from '../../src/operations/startExecution';
import { serverId } from '../fixtures/plan';
import { MemoryCheckpointFs } from '../support/fakes/memoryCheckpointFs';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const FILE = '/data/rebuild.checkpoint.json';
const PAGE_SIZE = 2;
const EXECUTIONS = ['exec-0001', 'exec-0002', 'exec-0003', 'exec-0004', 'exec-0005'];

const planNumbered = (n: number): RecoveryPlan => ({
  planId: `plan-${n}`,
  planName: `Plan ${n}`,
  rtoTargetMinutes: 60,
  waves: [{ waveName: 'only', sourceServerIds: [serverId(`p${n}x`, 1)] }],
});

/** Five executions, listed two a page: [1, 2], [3, 4], [5]. No view is built yet. */
const ledgerOfFive = async (): Promise<MemoryWorld> => {
  const world = new MemoryWorld();
  for (const n of [1, 2, 3, 4, 5]) {
    await world.givenPlan(planNumbered(n));
    const started = await startExecution(world.deps, { planId: `plan-${n}`, executionType: 'DRILL', initiatedBy: 'ops' });
    expect(started.statusCode).toBe(200);
    world.clock.advance(60);
  }
  return world;
};

const listed = async (world: MemoryWorld): Promise<ListedExecution[]> => {
  const all: ListedExecution[] = [];
  for await (const execution of listExecutionsFrom(world.ledger, PAGE_SIZE)) all.push(execution);
  return all;
};

/** The checkpoint a run saves once the execution at `position` (0-based, in listing order) is rebuilt. */
const checkpointAfter = async (world: MemoryWorld, position: number): Promise<RebuildCheckpoint> => {
  const execution = (await listed(world))[position] as ListedExecution;
  return { ...execution.after, last: { executionId: execution.executionId, ...execution.at } };
};

/** The views the rebuild writes, with a hook after each write (to stop or crash the run there). */
const viewsOf = (world: MemoryWorld, afterPut: (puts: number) => void = () => {}): RebuildDeps['views'] => {
  let puts = 0;
  return {
    read: (executionId) => world.views.read(executionId),
    put: async (view, stored) => {
      const written = await world.views.put(view, stored);
      afterPut((puts += 1));
      return written;
    },
  };
};

const rebuild = async (world: MemoryWorld, fs: MemoryCheckpointFs, options: { signal?: AbortSignal; restart?: boolean } = {}) => {
  const lines: string[] = [];
  const result = await rebuildFromCheckpoint(
    { ledger: world.ledger, views: viewsOf(world) },
    { fs, path: FILE, pageSize: PAGE_SIZE, say: (line) => lines.push(line), ...options },
  );
  return { result, lines };
};

describe('a rebuild that keeps a checkpoint', () => {
  it('given no checkpoint, when it runs, then it rebuilds every execution, says nothing more, and leaves no checkpoint', async () => {
    const world = await ledgerOfFive();
    const fs = new MemoryCheckpointFs();

    const { result, lines } = await rebuild(world, fs);

    expect(result).toMatchObject({ completed: true, start: { kind: 'fresh' }, counts: { created: 5 } });
    expect(lines).toEqual([]);
    expect(fs.files.size).toBe(0);
  });

  it.each([1, 2, 3, 4])(
    'given a run stopped after %i executions, when rerun, then it resumes right after the last one rebuilt and rebuilds each of the rest once',
    async (done) => {
      const world = await ledgerOfFive();
      const fs = new MemoryCheckpointFs();
      const stop = new AbortController();
      const first = await rebuildFromCheckpoint(
        { ledger: world.ledger, views: viewsOf(world, (puts) => puts === done && stop.abort()) },
        { fs, path: FILE, pageSize: PAGE_SIZE, signal: stop.signal, say: () => {} },
      );
      expect(first).toMatchObject({ completed: false, counts: { created: done } });

      const { result, lines } = await rebuild(world, fs);

      const last = EXECUTIONS[done - 1] as string;
      expect(lines).toEqual([`Resuming an interrupted rebuild after ${last} (--restart to start over)`]);
      expect(result).toMatchObject({
        completed: true,
        start: { kind: 'resume', after: last },
        counts: { created: 5 - done, unchanged: 0 },
      });
      expect(fs.files.size).toBe(0);
    },
  );

  it('given a run that died while saving its third checkpoint, when rerun, then it resumes after the second execution from the checkpoint before', async () => {
    const world = await ledgerOfFive();
    const fs = new MemoryCheckpointFs();
    const crashing = rebuildFromCheckpoint(
      { ledger: world.ledger, views: viewsOf(world, (puts) => puts === 3 && fs.tearNextWrite(12)) },
      { fs, path: FILE, pageSize: PAGE_SIZE, say: () => {} },
    );
    await expect(crashing).rejects.toThrow('crashed');

    const { result, lines } = await rebuild(world, fs);

    expect(lines).toEqual(['Resuming an interrupted rebuild after exec-0002 (--restart to start over)']);
    // The third view was written before the crash: refolded again, it is found unchanged.
    expect(result).toMatchObject({ completed: true, counts: { unchanged: 1, created: 2 } });
  });

  it('given a resume point after the last execution, when rerun, then nothing is left and it says after which execution', async () => {
    const world = await ledgerOfFive();
    const fs = new MemoryCheckpointFs();
    await saveRebuildCheckpoint(fs, FILE, await checkpointAfter(world, 4));

    const { result, lines } = await rebuild(world, fs);

    expect(lines).toEqual(['Resuming an interrupted rebuild after exec-0005 (--restart to start over)']);
    expect(result).toMatchObject({ completed: true, start: { kind: 'resume', after: 'exec-0005' }, counts: { created: 0 } });
  });

  it('given a checkpoint and --restart, when it runs, then it forgets the checkpoint and rebuilds every execution', async () => {
    const world = await ledgerOfFive();
    const fs = new MemoryCheckpointFs();
    await saveRebuildCheckpoint(fs, FILE, await checkpointAfter(world, 2));

    const { result, lines } = await rebuild(world, fs, { restart: true });

    expect(lines).toEqual([]);
    expect(result).toMatchObject({ completed: true, start: { kind: 'fresh' }, counts: { created: 5 } });
  });

  describe('a checkpoint it cannot trust', () => {
    /** Each case: what the file holds, given the ledger; what the warning says of it. */
    const cases: Array<[string, (world: MemoryWorld) => Promise<string>, RegExp]> = [
      [
        'truncated by a crash mid-write',
        async (world) => JSON.stringify({ version: 1, ...(await checkpointAfter(world, 2)) }).slice(0, 30),
        /it is not whole JSON \(30 characters: a torn or truncated write\)/,
      ],
      ['empty', async () => '', /it is not whole JSON/],
      ['of the earlier format', async () => JSON.stringify({ index: 1 }), /it is not a rebuild checkpoint of this version/],
      [
        'whose last execution is past the end of its page',
        async () => JSON.stringify({ version: 1, index: 9, last: { executionId: 'exec-0005', index: 8 } }),
        /the listing holds no execution at index 8 of the first page, where exec-0005 was rebuilt last/,
      ],
      [
        'whose resume point is past the end of the listing',
        async (world) => JSON.stringify({ version: 1, ...(await checkpointAfter(world, 1)), index: 99 }),
        /its resume point \(index 99 of a later page\) is not the one right after exec-0002 \(index 0 of a later page\)/,
      ],
      [
        'pointing at another execution than the one rebuilt last',
        async (world) => JSON.stringify({ version: 1, ...(await checkpointAfter(world, 1)), last: { executionId: 'exec-0004', index: 1 } }),
        /the listing holds exec-0002 at index 1 of the first page, not exec-0004, which was rebuilt last/,
      ],
      [
        'with a page token the listing refuses',
        async (world) => {
          const checkpoint = await checkpointAfter(world, 3);
          return JSON.stringify({ version: 1, ...checkpoint, last: { ...checkpoint.last, pageToken: 'bm90LWEtdG9rZW4' } });
        },
        /the ledger's listing refuses its page token/,
      ],
    ];

    it.each(cases)(
      'given a checkpoint %s, when rerun, then one line names the file and why, and every execution is rebuilt',
      async (_case, contents, reason) => {
        const world = await ledgerOfFive();
        const fs = new MemoryCheckpointFs();
        fs.files.set(FILE, await contents(world));

        const { result, lines } = await rebuild(world, fs);

        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          new RegExp(`^Not resuming from the rebuild checkpoint ${FILE}: .*; rebuilding every execution from the start$`),
        );
        expect(lines[0]).toMatch(reason);
        expect(result).toMatchObject({ completed: true, start: { kind: 'start-over' }, counts: { created: 5 } });
        expect(await readRebuildCheckpoint(fs, FILE)).toEqual({ kind: 'none' });
      },
    );
  });
});
