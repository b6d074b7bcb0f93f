import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CheckpointFs } from './rebuildCheckpoint';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Makes a rename in `folder` durable; some platforms (Windows) cannot open a folder, and keep renames anyway. */
const syncFolder = async (folder: string): Promise<void> => {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Best effort: the rename itself is already atomic; only its durability across a power cut is at stake.
  } finally {
    await handle?.close();
  }
};

/** The checkpoint's file operations on the local disk. */
export const nodeCheckpointFs: CheckpointFs = {
  readFile: async (path) => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  writeFile: async (path, text) => {
    const handle = await open(path, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      // On disk before the rename makes it the checkpoint: a crash then cannot leave a renamed, empty file.
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: async (from, to) => {
    await rename(from, to);
    await syncFolder(dirname(to));
  },
  remove: (path) => rm(path, { force: true }),
};
