/**
 * `drs-ledger rebuild` on the local ledger with a checkpoint file it cannot trust (torn by a crash, or whose
 * index lost its footing): it names the file and why on its output and rebuilds every execution, instead of
 * failing on every run until --restart or reporting "nothing to rebuild" for a ledger with executions in it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../src/cli/ledgerAccess';
import { startExecution } from '../../src/operations/startExecution';
import { planCopy } from '../audit/support/drills';
import { runCli } from '../support/cli';
import { MemoryWorld } from '../support/fakes/memoryWorld';
import { tempDataDir } from '../support/localStack';
import { serverId } from '../fixtures/plan';

jest.setTimeout(60_000);

/** A data folder whose ledger holds two started executions and no view; answers the folder and their ids. */
const ledgerOfTwo = async (): Promise<{ dataDir: string; ids: string[] }> => {
  const dataDir = tempDataDir();
  const ledger = await openLedger(dataDir);
  try {
    const world = new MemoryWorld({ store: () => ledger.store });
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const plan = await world.givenPlan({
        ...planCopy(`plan-${n}`),
        waves: [{ waveName: 'only', sourceServerIds: [serverId(`cp${n}x`, 1)] }],
      });
      const started = await startExecution(world.deps, { planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops' });
      ids.push(started.executionId as string);
      world.clock.advance(60);
    }
    return { dataDir, ids };
  } finally {
    await ledger.close();
  }
};

const warning = (file: string) =>
  new RegExp(
    `^Not resuming from the rebuild checkpoint ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (.+); rebuilding every execution from the start$`,
    'm',
  );

describe('drs-ledger rebuild with a checkpoint it cannot trust', () => {
  it('given a checkpoint a crash left truncated, when rebuild runs, then it says so, rebuilds both executions and exits 0', async () => {
    const { dataDir } = await ledgerOfTwo();
    const file = join(dataDir, 'rebuild.checkpoint.json');
    writeFileSync(file, '{"version":1,"index":1,"last":{"execut');

    const rebuilt = await runCli('--data-dir', dataDir, 'rebuild');

    expect(rebuilt).toMatchObject({ code: 0, stderr: '' });
    expect(rebuilt.stdout).toContain('Rebuilt: 2 created\n');
    expect(rebuilt.stdout.match(warning(file))?.[1]).toBe('it is not whole JSON (38 characters: a torn or truncated write)');
    expect(existsSync(file)).toBe(false);
    expect((await runCli('--data-dir', dataDir, 'check')).code).toBe(0);
  });

  it('given a checkpoint whose index is past the end of the listing, when rebuild runs, then it says so and rebuilds both executions instead of "nothing to rebuild"', async () => {
    const { dataDir, ids } = await ledgerOfTwo();
    const file = join(dataDir, 'rebuild.checkpoint.json');
    writeFileSync(file, JSON.stringify({ version: 1, index: 7, last: { executionId: ids[0], index: 0 } }));

    const rebuilt = await runCli('--data-dir', dataDir, 'rebuild');

    expect(rebuilt.stdout).not.toContain('nothing to rebuild');
    expect(rebuilt.stdout).toContain('Rebuilt: 2 created\n');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout.match(warning(file))?.[1]).toBe(
      `its resume point (index 7 of the first page) is not the one right after ${ids[0]} (index 1 of the first page)`,
    );
    expect((await runCli('--data-dir', dataDir, 'check')).code).toBe(0);
  });
});
