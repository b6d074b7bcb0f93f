/**
 * The folder's owner serves the console: `serve` on --console-port (a free one with --port 0), `drill` on a
 * free port while it owns the folder. Each publishes it in serve.json as `console` (without its key), keeps its
 * login link in console.json (owner-only) and prints the link; a busy console port is bad usage (exit 2) that
 * leaves the folder free. An action taken in a drill's console as a chosen user is recorded under that user's
 * principal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServeEndpoints } from '../../../src/cli/dataDir';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { ensureUsers, parseUsersSpec, principalArnOf } from '../../../src/local/operatorApi/users';
import { runCli } from '../../support/cli';
import { tempDataDir } from '../../support/localStack';
import { readConsoleFile } from '../../../src/cli/console/consoleFile';
import { consoleGet, consolePost, pollUntil, signIn } from './consoleClient';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..', '..');

interface Owner {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The CLI from the sources (through tsx), in a process of its own. */
const spawnCli = (...args: string[]): Owner => {
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, join(ROOT, 'src/cli/main.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

/** The owner's console.json (its login link), which it writes before publishing serve.json: readable by the owner only. */
const loginOf = (dataDir: string): string => {
  const file = join(dataDir, 'console.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const kept = readConsoleFile(dataDir);
  if (!kept) throw new Error(`no console.json in ${dataDir}`);
  return kept.loginUrl;
};

/** serve.json once the owner has published it, with its console. */
const published = async (dataDir: string, owner: Owner): Promise<ServeEndpoints & { console: string }> => {
  const file = join(dataDir, 'serve.json');
  for (let i = 0; i < 2400; i += 1) {
    if (existsSync(file)) {
      const endpoints = JSON.parse(readFileSync(file, 'utf8')) as ServeEndpoints;
      if (endpoints.pid === owner.child.pid && endpoints.console) return endpoints as ServeEndpoints & { console: string };
    }
    if (owner.child.exitCode !== null) throw new Error(`exited ${owner.child.exitCode}: ${owner.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never published a console: ${owner.output()}`);
};

const stop = async (owner: Owner | undefined): Promise<void> => {
  if (!owner || owner.child.exitCode !== null || owner.child.signalCode !== null) return;
  owner.child.kill('SIGTERM');
  await owner.exited;
};

describe("the data folder's owner serves the console", () => {
  let owner: Owner | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await stop(owner);
    owner = undefined;
    if (blocker) await new Promise<void>((resolve) => blocker?.close(() => resolve()));
    blocker = undefined;
  });

  it('serve --port 0 publishes the console on a free port and prints it', async () => {
    const dataDir = tempDataDir();
    owner = spawnCli('--data-dir', dataDir, 'serve', '--port', '0', '--log-level', 'SILENT');
    const endpoints = await published(dataDir, owner);
    expect(endpoints.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Printed right after it is published: the pipe brings it a moment later.
    while (!owner.output().includes('Ctrl-C stops it.')) {
      if (owner.child.exitCode !== null) throw new Error(`serve exited ${owner.child.exitCode}: ${owner.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const loginUrl = loginOf(dataDir);
    expect(loginUrl).toMatch(new RegExp(`^${endpoints.console}/login\\?key=[A-Za-z0-9_-]{43}$`));
    expect(owner.output()).toContain(`  Console (web)               ${loginUrl}\n`);
    expect(owner.output()).toContain(`kept in ${join(dataDir, 'console.json')}, owner-only`);
    // serve.json, which any local user may read, never carries the key.
    expect(readFileSync(join(dataDir, 'serve.json'), 'utf8')).not.toContain(new URL(loginUrl).searchParams.get('key'));
    const page = await consoleGet(endpoints.console, '/');
    expect(page.text).toContain('<title>drs-ledger console</title>');
    expect((await consoleGet(endpoints.console, '/api/executions')).status).toBe(401);
    await signIn(loginUrl);
    expect((await consoleGet(endpoints.console, '/api/executions')).body).toEqual({ executions: [] });
    await stop(owner);
    owner = undefined;
    expect(existsSync(join(dataDir, 'console.json'))).toBe(false);
  });

  it('refuses a busy --console-port as bad usage and leaves the folder free', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const dataDir = tempDataDir();
    const run = await runCli('--data-dir', dataDir, 'serve', '--port', '0', '--console-port', String(port), '--log-level', 'SILENT');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Port ${port} (the console) is already in use`);
    expect(existsSync(join(dataDir, 'serve.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'owner.lock'))).toBe(false);
  });

  it("a drill that owns the folder serves it too: bob's resume there is recorded under his principal", async () => {
    const dataDir = tempDataDir();
    ensureUsers(dataDir, parseUsersSpec('bob:drill+approve'));
    const plan: RecoveryPlan = {
      planId: 'rp-console-drill-owner',
      planName: 'Drill owner console',
      waves: [
        { waveName: 'First', sourceServerIds: ['s-0c0501e00000000ea'] },
        { waveName: 'Second', sourceServerIds: ['s-0c0501e00000000eb'], pauseBeforeWave: true },
      ],
    };
    const planFile = join(dataDir, '..', `${plan.planId}-${process.pid}.json`);
    writeFileSync(planFile, JSON.stringify(plan));
    owner = spawnCli('--data-dir', dataDir, 'drill', '--plan', planFile, '--operator', 'manual', '--speed', '1000', '--json');
    const endpoints = await published(dataDir, owner);
    expect(endpoints.owner).toBe('drill');
    const loginUrl = loginOf(dataDir);
    await signIn(loginUrl);
    const paused = await pollUntil(
      () => consoleGet(endpoints.console, '/api/executions?status=PAUSED'),
      (reply) => ((reply.body.executions as unknown[] | undefined) ?? []).length === 1,
      180_000,
    );
    const [execution] = paused.body.executions as Array<{ executionId: string }>;
    const executionId = String(execution?.executionId);
    const resumed = await consolePost(endpoints.console, `/api/executions/${executionId}/resume`, { as: 'bob' });
    expect(resumed).toMatchObject({ status: 200, body: { statusCode: 200 } });
    expect(await owner.exited).toBe(0);
    // The drill printed its login link (its --json line names it too).
    expect(owner.output()).toContain(loginUrl);
    owner = undefined;

    const events = await runCli('--data-dir', dataDir, 'events', executionId, '--json');
    const resumes = events.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; actor: string })
      .filter((event) => event.type === 'ExecutionResumed');
    expect(resumes).toEqual([expect.objectContaining({ actor: principalArnOf('bob') })]);
  });
});
