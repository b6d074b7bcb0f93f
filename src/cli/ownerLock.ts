import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The commands that own a data folder: they run the stack on it (dynalite's files, the emulators' state); or
 * `reader`, any other command that opens the folder's ledger itself for its length, when no stack runs on it.
 */
export type OwnerCommand = 'serve' | 'drill' | 'reader';

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
      command: parsed.command === 'drill' || parsed.command === 'reader' ? parsed.command : 'serve',
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

/** The tokens of the locks this process holds: a lock naming this pid with another token is a dead process's. */
export const heldTokens = new Set<string>();

/**
 * Whether the lock's process still runs. A lock naming this very process with a token it does not hold was left
 * by an earlier process that had the same pid (a container's next run is pid 1 again): dead.
 */
export const holderAlive = (record: OwnerRecord): boolean =>
  record.pid === process.pid ? heldTokens.has(record.token) : isAlive(record.pid);

/** The folder's owner, when a live process holds its lock. */
export const currentOwner = (dataDir: string): OwnerRecord | undefined => {
  const read = readRecord(ownerLockFile(dataDir));
  return read?.record && holderAlive(read.record) ? read.record : undefined;
};

/** Who holds the folder, as messages name them. */
export const holderText = (owner: OwnerRecord): string =>
  owner.command === 'reader'
    ? `another drs-ledger command (pid ${owner.pid}), which opened its ledger since ${owner.startedAt} and gives it back when done`
    : `\`drs-ledger ${owner.command}\` (pid ${owner.pid}) since ${owner.startedAt}`;
