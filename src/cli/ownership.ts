import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { readServeEndpoints, removeServeEndpoints, type ServeEndpoints, writeServeEndpoints } from './dataDir';
import { UsageError } from './exitCodes';
import {
  heldTokens,
  holderAlive,
  holderText,
  type OwnerCommand,
  ownerLockFile,
  type OwnerRecord,
  parseOwner,
  readRecord,
} from './ownerLock';

export { currentOwner, ownerLockFile, type OwnerCommand, type OwnerRecord } from './ownerLock';

const takeoverFile = (dataDir: string): string => join(dataDir, 'owner.lock.takeover');

/**
 * Creates `file` with `text` only if it does not exist, whole or not at all: the text goes to a file of its
 * own first, then a hard link names it (link fails when the name is taken), so no reader sees half a lock.
 */
const createExclusive = (file: string, text: string): boolean => {
  const staged = `${file}.${process.pid}.${randomUUID()}`;
  writeFileSync(staged, text, { flag: 'wx' });
  try {
    linkSync(staged, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(staged, { force: true });
  }
};

const endpointLines = (endpoints: ServeEndpoints | undefined): string[] =>
  endpoints
    ? [
        `Its endpoints: Lambda ${endpoints.lambda}` +
          (endpoints.operatorApi ? `, operator API ${endpoints.operatorApi}` : '') +
          `, DynamoDB ${endpoints.dynamodb}`,
      ]
    : ['It has not published its endpoints yet (it is starting or stopping).'];

/** A second owner: refused, with who holds the folder and how to use it instead. */
export class FolderOwnedError extends UsageError {
  constructor(
    readonly dataDir: string,
    readonly owner: OwnerRecord,
    readonly endpoints: ServeEndpoints | undefined,
  ) {
    super(
      [
        `The data folder ${dataDir} is owned by ${holderText(owner)}: one process owns a folder at a time.`,
        ...endpointLines(endpoints),
        `Use the running one from this shell (every command reaches it): drs-ledger --data-dir ${dataDir} status <executionId> · events <executionId> · invoke resume --execution-id <id> --plan-id <plan>;`,
        `or start this one on another folder with --data-dir.`,
      ].join('\n'),
    );
  }
}

/** Another process is taking over a stale lock at this very moment. */
const takeoverInProgress = (dataDir: string, holder: OwnerRecord | undefined): UsageError =>
  new UsageError(
    `The data folder ${dataDir} is being taken over by another drs-ledger process${holder ? ` (pid ${holder.pid})` : ''}: try again in a moment, or use --data-dir.`,
  );

/**
 * Removes a lock left by a dead process. Two processes may find the same stale lock: the takeover file makes
 * one of them the remover, and the lock is removed only while it still holds what was found stale.
 */
const removeStale = (dataDir: string, stale: string, self: OwnerRecord): void => {
  const guard = takeoverFile(dataDir);
  if (!createExclusive(guard, JSON.stringify(self))) {
    const found = readRecord(guard);
    const holder = found?.record;
    if (holder && holderAlive(holder)) throw takeoverInProgress(dataDir, holder);
    // A takeover that died midway: its guard is stale too. Removed only while it is still the one found dead, so a
    // guard another taker has just put in its place is not removed under it.
    if (readRecord(guard)?.text === found?.text) rmSync(guard, { force: true });
    if (!createExclusive(guard, JSON.stringify(self))) throw takeoverInProgress(dataDir, undefined);
  }
  try {
    if (readRecord(ownerLockFile(dataDir))?.text === stale) rmSync(ownerLockFile(dataDir), { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
};

/** The folder, owned: publish the stack's endpoints, and give it back on the way out. */
export interface Ownership {
  readonly dataDir: string;
  readonly record: OwnerRecord;
  /** Writes serve.json: where every other command reaches this owner's stack. */
  publish(endpoints: Omit<ServeEndpoints, 'pid' | 'owner' | 'startedAt'>): void;
  /** Removes serve.json while it is still this owner's: new clients stop coming while the stack closes. */
  withdraw(): void;
  /** Withdraws, then removes owner.lock while it is still this owner's: once the stack is closed. Idempotent. */
  release(): void;
}

/**
 * Takes `<dataDir>/owner.lock` for this process, before any port is bound or any file of the folder opened. A
 * live owner refuses it (FolderOwnedError, exit 2) and nothing of the folder is touched; a lock whose process
 * is dead is taken over. A live pid that is not drs-ledger (the pid reused since) keeps the folder: the
 * message names it, and removing owner.lock by hand frees it.
 */
export const takeOwnership = (dataDir: string, command: OwnerCommand, now: () => Date = () => new Date()): Ownership => {
  mkdirSync(dataDir, { recursive: true });
  const record: OwnerRecord = { pid: process.pid, command, startedAt: now().toISOString(), token: randomUUID() };
  const text = `${JSON.stringify(record, null, 2)}\n`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createExclusive(ownerLockFile(dataDir), text)) {
      heldTokens.add(record.token);
      return ownership(dataDir, record);
    }
    const found = readRecord(ownerLockFile(dataDir));
    // Gone between the two steps: its owner just released it.
    if (!found) continue;
    if (found.record && holderAlive(found.record)) {
      const published = readServeEndpoints(dataDir);
      throw new FolderOwnedError(dataDir, found.record, published?.pid === found.record.pid ? published : undefined);
    }
    removeStale(dataDir, found.text, record);
  }
  throw takeoverInProgress(dataDir, undefined);
};

const ownership = (dataDir: string, record: OwnerRecord): Ownership => {
  let released = false;
  const withdraw = () => {
    const published = readServeEndpoints(dataDir);
    if (published?.pid === record.pid && published.startedAt === record.startedAt) removeServeEndpoints(dataDir);
  };
  return {
    dataDir,
    record,
    publish: (endpoints) => {
      const published: ServeEndpoints = { pid: record.pid, owner: record.command, startedAt: record.startedAt, ...endpoints };
      writeServeEndpoints(dataDir, published);
    },
    withdraw,
    release: () => {
      if (released) return;
      released = true;
      withdraw();
      const lock = readRecord(ownerLockFile(dataDir));
      if (lock && parseOwner(lock.text)?.token === record.token) rmSync(ownerLockFile(dataDir), { force: true });
      heldTokens.delete(record.token);
    },
  };
};
