/**
 * `drs-ledger serve --users`: the operators are written to the data folder (owner-only), printed by name,
 * principal and rights, never by secret; the operator API's URL is published in serve.json, where
 * `invoke --as` finds it; a restart with a new spec keeps the keys of the users it still names.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readUsers } from '../../../src/local/operatorApi/users';
import { runCli } from '../../support/cli';
import { tempDataDir } from '../../support/localStack';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..', '..');

interface Serve {
  child: ChildProcess;
  output: () => string;
  endpoints: { pid: number; operatorApi?: string };
}

/** `serve` from the sources (through tsx), on free ports, until its serve.json is published. */
const startServe = async (dataDir: string, users: string): Promise<Serve> => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      join(ROOT, 'src/cli/main.ts'),
      '--data-dir',
      dataDir,
      'serve',
      '--port',
      '0',
      '--users',
      users,
      '--log-level',
      'SILENT',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const file = join(dataDir, 'serve.json');
  for (let i = 0; i < 1200; i += 1) {
    if (existsSync(file) && output.includes('Ctrl-C stops it.')) {
      const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Serve['endpoints'];
      if (endpoints.pid === child.pid) return { child, output: () => output, endpoints };
    }
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start: ${output}`);
};

const stopServe = async (serve: Serve): Promise<void> => {
  if (serve.child.exitCode !== null || serve.child.signalCode !== null) return;
  const exited = new Promise((resolve) => serve.child.once('exit', resolve));
  serve.child.kill('SIGTERM');
  await exited;
};

describe('drs-ledger serve --users', () => {
  const dataDir = tempDataDir();
  let serve: Serve | undefined;
  afterEach(async () => {
    if (serve) await stopServe(serve);
    serve = undefined;
  });

  it('prints each operator by name, principal and rights (never a secret), and invoke --as finds the API', async () => {
    serve = await startServe(dataDir, 'alice:drill+recovery+approve,bob');
    const users = readUsers(dataDir) ?? [];

    expect(serve.endpoints.operatorApi).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.output()).toContain(`Operator API (SigV4)        ${serve.endpoints.operatorApi}`);
    expect(serve.output()).toMatch(/alice\s+arn:aws:iam::000000000000:user\/alice\s+drill\+recovery\+approve/);
    expect(serve.output()).toMatch(/bob\s+arn:aws:iam::000000000000:user\/bob\s+drill\+approve/);
    expect(users).toHaveLength(2);
    for (const user of users) expect(serve.output()).not.toContain(user.secretAccessKey);

    const listed = await runCli('--data-dir', dataDir, 'invoke', 'list_plans', '--as', 'alice');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ statusCode: 200, plans: [] });

    const unknownUser = await runCli('--data-dir', dataDir, 'invoke', 'list_plans', '--as', 'mallory');
    expect(unknownUser.code).toBe(2);
    expect(unknownUser.stderr).toContain('No local user "mallory"');
  });

  it('restarted with another spec, the users it still names keep their keys, and the others are removed', async () => {
    const before = readUsers(dataDir)?.find((user) => user.name === 'alice');

    serve = await startServe(dataDir, 'alice:drill');

    expect(readUsers(dataDir)).toEqual([{ ...before, rights: ['drill'] }]);
    expect(serve.output()).toContain('removed (their keys no longer work): bob');
    const bob = await runCli('--data-dir', dataDir, 'invoke', 'list_plans', '--as', 'bob');
    expect(bob.code).toBe(2);
  });
});
