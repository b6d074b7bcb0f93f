import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The commands that own a data folder: they run the stack on it (dynalite's files, the emulators' state). */
export type OwnerCommand = 'serve' | 'drill';

/** What `<dataDir>/owner.lock` holds: who owns the folder, since when. */
export interface OwnerRecord {
  pid: number;
  command: OwnerCommand;
  startedAt: string;
  /** Tells this owner's lock from a later one of the same pid (a test running two stacks in one process). */
  token: string;
}

export const ownerLockFile = (dataDir: string): string => join(dataDir, 'owner.lock');

/** Whether a process with this pid runs (one of another user's counts: signalling it is merely not allowed). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export const parseOwner = (text: string): OwnerRecord | undefined => {
  try {
    const parsed = JSON.parse(text) as Partial<OwnerRecord>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || typeof parsed.startedAt !== 'string') return undefined;
    return {
      pid: parsed.pid,
      command: parsed.command === 'drill' ? 'drill' : 'serve',
      startedAt: parsed.startedAt,
      token: typeof parsed.token === 'string' ? parsed.token : '',
    };
  } catch {
    return undefined;
  }
};

/** A lock-like file's text and what it says; undefined when there is none. */
export const readRecord = (file: string): { text: string; record: OwnerRecord | undefined } | undefined => {
  try {
    const text = readFileSync(file, 'utf8');
    return { text, record: parseOwner(text) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** The folder's owner, when a live process holds its lock. */
export const currentOwner = (dataDir: string): OwnerRecord | undefined => {
  const read = readRecord(ownerLockFile(dataDir));
  return read?.record && isAlive(read.record.pid) ? read.record : undefined;
};
