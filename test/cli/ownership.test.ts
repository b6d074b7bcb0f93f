/**
 * One owner per data folder: `<dataDir>/owner.lock`, taken atomically before anything of the folder is opened.
 * A live owner refuses a second one, which touches nothing; a dead one's lock is taken over; an owner removes
 * its files on the way out only while they are still its own; a folder whose owner has not published its
 * endpoints yet is never opened by a client.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServeEndpoints, runningServe } from '../../src/cli/dataDir';
import { FolderOwnedError, ownerLockFile, takeOwnership } from '../../src/cli/ownership';
import { currentOwner } from '../../src/cli/ownerLock';
import { tempDataDir } from '../support/localStack';

/** A pid no process has any more: a child that already exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  return child.pid ?? 999_999;
};

const ENDPOINTS = {
  lambda: 'http://127.0.0.1:1',
  dynamodb: 'http://127.0.0.1:2',
  drs: 'http://127.0.0.1:3',
  sfn: 'http://127.0.0.1:4',
  sns: 'http://127.0.0.1:5',
  operatorApi: 'http://127.0.0.1:6',
  tablePrefix: 'drs-ledger',
};

describe('takeOwnership', () => {
  it('writes who owns the folder, since when; publishing adds the endpoints and the owner to serve.json', () => {
    const dataDir = tempDataDir();
    const owned = takeOwnership(dataDir, 'drill', () => new Date('2026-05-01T08:00:00.000Z'));
    expect(JSON.parse(readFileSync(ownerLockFile(dataDir), 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'drill',
      startedAt: '2026-05-01T08:00:00.000Z',
    });
    owned.publish(ENDPOINTS);
    expect(runningServe(dataDir)).toEqual({ pid: process.pid, owner: 'drill', startedAt: '2026-05-01T08:00:00.000Z', ...ENDPOINTS });
    owned.release();
    expect(existsSync(ownerLockFile(dataDir))).toBe(false);
    expect(existsSync(join(dataDir, 'serve.json'))).toBe(false);
  });

  it('refuses a second owner while the first lives, naming it, its pid, since when and its endpoints; touching nothing', () => {
    const dataDir = tempDataDir();
    const first = takeOwnership(dataDir, 'serve', () => new Date('2026-05-01T08:00:00.000Z'));
    first.publish(ENDPOINTS);
    const before = { lock: readFileSync(ownerLockFile(dataDir)), serve: readFileSync(join(dataDir, 'serve.json')) };

    let refusal: unknown;
    try {
      takeOwnership(dataDir, 'drill');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(FolderOwnedError);
    const message = (refusal as Error).message;
    expect(message).toContain(`is owned by \`drs-ledger serve\` (pid ${process.pid}) since 2026-05-01T08:00:00.000Z`);
    expect(message).toContain('Lambda http://127.0.0.1:1, operator API http://127.0.0.1:6');
    expect(message).toContain(`drs-ledger --data-dir ${dataDir} status <executionId>`);
    expect(message).toContain('--data-dir');
    expect(readFileSync(ownerLockFile(dataDir))).toEqual(before.lock);
    expect(readFileSync(join(dataDir, 'serve.json'))).toEqual(before.serve);
    first.release();
  });

  it('takes over a lock whose process is dead, and serve.json it left is not offered to clients', () => {
    const dataDir = tempDataDir();
    const pid = deadPid();
    writeFileSync(ownerLockFile(dataDir), JSON.stringify({ pid, command: 'drill', startedAt: '2026-01-01T00:00:00.000Z', token: 'x' }));
    writeFileSync(join(dataDir, 'serve.json'), JSON.stringify({ pid, ...ENDPOINTS }));
    expect(currentOwner(dataDir)).toBeUndefined();
    expect(runningServe(dataDir)).toBeUndefined();

    const owned = takeOwnership(dataDir, 'serve');
    expect(currentOwner(dataDir)).toMatchObject({ pid: process.pid, command: 'serve' });
    owned.release();
  });

  it('removes on release only the files that are still its own', () => {
    const dataDir = tempDataDir();
    const owned = takeOwnership(dataDir, 'drill');
    owned.publish(ENDPOINTS);
    // A later owner took the folder (this one's lock was judged stale) and published its own endpoints.
    const later = JSON.stringify({ pid: process.pid, command: 'serve', startedAt: '2030-01-01T00:00:00.000Z', token: 'later' });
    writeFileSync(ownerLockFile(dataDir), later);
    writeFileSync(join(dataDir, 'serve.json'), JSON.stringify({ pid: process.pid, startedAt: '2030-01-01T00:00:00.000Z', ...ENDPOINTS }));
    owned.release();
    expect(readFileSync(ownerLockFile(dataDir), 'utf8')).toBe(later);
    expect(readServeEndpoints(dataDir)?.startedAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('withdraw removes the endpoints at once and keeps the lock until release', () => {
    const dataDir = tempDataDir();
    const owned = takeOwnership(dataDir, 'serve');
    owned.publish(ENDPOINTS);
    owned.withdraw();
    expect(existsSync(join(dataDir, 'serve.json'))).toBe(false);
    expect(existsSync(ownerLockFile(dataDir))).toBe(true);
    owned.release();
    expect(existsSync(ownerLockFile(dataDir))).toBe(false);
  });
});

describe('runningServe (how every other command finds the owner)', () => {
  it('refuses, with exit-2 words, a folder whose live owner has not published its endpoints: never opens it', () => {
    const dataDir = tempDataDir();
    const owned = takeOwnership(dataDir, 'drill', () => new Date('2026-05-01T08:00:00.000Z'));
    expect(() => runningServe(dataDir)).toThrow(
      `The data folder ${dataDir} is owned by \`drs-ledger drill\` (pid ${process.pid}) since 2026-05-01T08:00:00.000Z, which has not published its endpoints (it is starting or stopping): try again in a moment.`,
    );
    owned.release();
    expect(runningServe(dataDir)).toBeUndefined();
  });

  it('still finds a serve.json an older serve wrote without a lock', () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'serve.json'), JSON.stringify({ pid: process.pid, ...ENDPOINTS }));
    expect(runningServe(dataDir)).toMatchObject({ lambda: ENDPOINTS.lambda });
  });
});

describe('a command that opens the folder itself (no stack runs on it)', () => {
  it('holds the lock while it reads: an owner starting meanwhile is refused, and takes the folder once it is done', async () => {
    const { openLedger } = await import('../../src/cli/ledgerAccess');
    const dataDir = tempDataDir();
    const reading = await openLedger(dataDir);
    try {
      expect(currentOwner(dataDir)).toMatchObject({ pid: process.pid, command: 'reader' });
      expect(() => takeOwnership(dataDir, 'drill')).toThrow(FolderOwnedError);
      expect(() => takeOwnership(dataDir, 'drill')).toThrow(/another drs-ledger command \(pid \d+\), which opened its ledger/);
      // Another client is told to come back, rather than opening dynalite's files beside it.
      expect(() => runningServe(dataDir)).toThrow(/is open in another drs-ledger command .* try again in a moment/);
    } finally {
      await reading.close();
    }
    expect(existsSync(ownerLockFile(dataDir))).toBe(false);
    takeOwnership(dataDir, 'drill').release();
  });
});

describe('a lock naming this very pid that this process does not hold', () => {
  it("is a dead process's (a container's next run has the same pid): taken over", () => {
    const dataDir = tempDataDir();
    writeFileSync(
      ownerLockFile(dataDir),
      JSON.stringify({ pid: process.pid, command: 'drill', startedAt: '2026-01-01T00:00:00.000Z', token: 'an-earlier-run' }),
    );
    expect(currentOwner(dataDir)).toBeUndefined();
    const owned = takeOwnership(dataDir, 'serve');
    expect(JSON.parse(readFileSync(ownerLockFile(dataDir), 'utf8'))).toMatchObject({ pid: process.pid, command: 'serve' });
    // While this process holds it, the same pid is a live owner.
    expect(() => takeOwnership(dataDir, 'drill')).toThrow(FolderOwnedError);
    owned.release();
  });
});
