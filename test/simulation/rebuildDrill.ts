import { checkDrift, type DriftDeps } from '../../src/audit/checkDrift';
import type { RebuildDeps } from '../../src/audit';
import { rebuildFromCheckpoint } from '../../src/cli/checkpointedRebuild';
import type { CheckpointFs } from '../../src/cli/rebuildCheckpoint';
import { InMemoryExecutionViewStore } from '../../src/adapters/memory';
import type { SimRandom } from './random';

const CHECKPOINT = 'rebuild.checkpoint.json';

class ProcessDied extends Error {}

/**
 * The checkpoint's folder, in memory, in a process the seed kills at one of its file operations: a write it
 * dies in keeps a prefix of its text (as a crash mid-write leaves a file), a rename it dies before never happens.
 */
class DyingCheckpointFs implements CheckpointFs {
  readonly files = new Map<string, string>();
  private operations = 0;
  torn = false;

  constructor(
    private readonly random: SimRandom,
    /** The file operation (1-based) the process dies at; 0 for a process that lives. */
    private readonly diesAt: number,
  ) {}

  async readFile(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }

  async writeFile(path: string, text: string): Promise<void> {
    if (this.dies()) {
      this.files.set(path, text.slice(0, this.random.int(0, Math.max(0, text.length - 1))));
      this.torn = true;
      throw new ProcessDied(`died writing ${path}`);
    }
    this.files.set(path, text);
  }

  async rename(from: string, to: string): Promise<void> {
    if (this.dies()) throw new ProcessDied(`died before renaming ${from}`);
    const text = this.files.get(from);
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' });
    this.files.set(to, text);
    this.files.delete(from);
  }

  async remove(path: string): Promise<void> {
    if (this.dies()) throw new ProcessDied(`died removing ${path}`);
    this.files.delete(path);
  }

  /** The same folder, in the operator's next process, which lives. */
  survivor(): DyingCheckpointFs {
    const next = new DyingCheckpointFs(this.random, 0);
    for (const [path, text] of this.files) next.files.set(path, text);
    return next;
  }

  private dies(): boolean {
    this.operations += 1;
    return this.operations === this.diesAt;
  }
}

export interface RebuildDrillOutcome {
  /** What went wrong, for the invariant "a rebuild cut short finishes when run again". */
  problems: string[];
  /** The first run died mid-write, leaving a torn file behind. */
  torn: boolean;
}

/**
 * An operator rebuilds every view from the ledger alone (the views table lost), as `drs-ledger rebuild` does:
 * a checkpoint saved after each execution, a listing page of one execution so that even a small world is
 * walked over several pages. The process dies at a file operation the seed picks (mid-write, or before a
 * rename), and the operator runs the rebuild again. That second run must finish, and every view must then
 * equal its replay: a checkpoint a crash tore must neither stop the rebuild nor let it skip an execution.
 */
export const rebuildDrill = async (
  random: SimRandom,
  ledger: RebuildDeps['ledger'] & DriftDeps['ledger'],
  executions: number,
): Promise<RebuildDrillOutcome> => {
  const views = new InMemoryExecutionViewStore();
  // A save is a write and a rename per execution, a clear two removes: the death lands anywhere in the walk.
  const fs = new DyingCheckpointFs(random, random.int(1, 2 * executions + 2));
  const run = (folder: CheckpointFs) =>
    rebuildFromCheckpoint({ ledger, views }, { fs: folder, path: CHECKPOINT, pageSize: 1, say: () => undefined });
  const problems: string[] = [];
  try {
    await run(fs);
  } catch (error) {
    if (!(error instanceof ProcessDied)) problems.push(`the first rebuild failed: ${String(error)}`);
  }
  try {
    const again = await run(fs.survivor());
    if (!again.completed) problems.push('the rebuild run again did not complete');
  } catch (error) {
    problems.push(`the rebuild run again after a crash failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const drift = await checkDrift({ ledger, views });
  for (const drifted of drift.drifted) problems.push(`${drifted.executionId}: its rebuilt view is ${drifted.kind}`);
  return { problems, torn: fs.torn };
};
