/**
 * The `drs-ledger` CLI as a child process (from source, through tsx), as a shell would run it: one command to its
 * end, or a long-running one (`serve`, `console`) until it says it is ready, then stopped as Ctrl-C would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDataDir } from './localStack';

const ROOT = join(__dirname, '..', '..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const cliProcess = (args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess =>
  spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

export const finished = (child: ChildProcess): Promise<Run> =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** What a shell on an operator's machine has: no local endpoint, no profile, no instance metadata to fall back on. */
export const operatorShell = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/_ENDPOINT$|^AWS_|^DRS_LEDGER_(STAGE|DATA_DIR)$|_TABLE$|^DRS_LEDGER_TABLE_PREFIX$/.test(name)) continue;
    env[name] = value;
  }
  const nowhere = join(tempDataDir(), 'none');
  return { ...env, AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true' };
};

/** A long-running child, its output so far, and the way to stop it as Ctrl-C would. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<Run>;
}

/** Starts the CLI and waits until it has printed `ready` (or has exited, which fails the test with its output). */
export const startUntil = async (args: string[], env: NodeJS.ProcessEnv, ready: string, timeoutMs = 60_000): Promise<Running> => {
  const child = cliProcess(args, env);
  const done = finished(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const deadline = Date.now() + timeoutMs;
  while (!output.includes(ready)) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} never printed "${ready}": ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return done;
    },
  };
};
