import type { CheckpointFs } from '../../../src/cli/rebuildCheckpoint';

/**
 * A folder in memory for the rebuild checkpoint, where the test decides when the process dies: in the middle
 * of a write (the file written keeps only a prefix of its text, as after a crash) or just before a rename.
 */
export class MemoryCheckpointFs implements CheckpointFs {
  readonly files = new Map<string, string>();
  /** Every write and rename, in order, by path. */
  readonly operations: string[] = [];
  private crash: { on: 'write'; keep: number } | { on: 'rename' } | undefined;

  /** The next write dies after `keep` characters: its path holds that prefix, and the write rejects. */
  tearNextWrite(keep: number): void {
    this.crash = { on: 'write', keep };
  }

  /** The next rename dies before it happens. */
  crashBeforeNextRename(): void {
    this.crash = { on: 'rename' };
  }

  async readFile(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }

  async writeFile(path: string, text: string): Promise<void> {
    this.operations.push(`write ${path}`);
    if (this.crash?.on === 'write') {
      const { keep } = this.crash;
      this.crash = undefined;
      this.files.set(path, text.slice(0, keep));
      throw new Error(`crashed after writing ${keep} characters of ${path}`);
    }
    this.files.set(path, text);
  }

  async rename(from: string, to: string): Promise<void> {
    this.operations.push(`rename ${from} ${to}`);
    if (this.crash?.on === 'rename') {
      this.crash = undefined;
      throw new Error(`crashed before renaming ${from}`);
    }
    const text = this.files.get(from);
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' });
    this.files.set(to, text);
    this.files.delete(from);
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }
}
