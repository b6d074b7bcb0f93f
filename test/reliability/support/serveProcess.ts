/**
 * `drs-ledger serve` as a child process on a data folder: started, reached through the endpoints it
 * publishes in <dataDir>/serve.json, and killed with SIGKILL (no chance to flush or clean up).
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quickDrs } from '../../support/quickDrs';
import { newLambdaClient, sleep } from './traffic';

export const ROOT = join(__dirname, '..', '..', '..');

/** Builds dist/cli.js, which `serve` runs from. */
export const buildCli = (): void => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
};

export interface Serve {
  child: ChildProcess;
  lambda: LambdaClient;
  endpoints: { lambda: string; dynamodb: string; drs: string; sfn: string };
  output: () => string;
}

export const startServe = async (dataDir: string, args: string[] = []): Promise<Serve> => {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), '--data-dir', dataDir, 'serve', '--port', '0', '--log-level', 'SILENT', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const file = join(dataDir, 'serve.json');
  for (let i = 0; i < 400; i += 1) {
    if (existsSync(file)) {
      try {
        const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Serve['endpoints'] & { pid: number };
        if (endpoints.pid === child.pid) {
          await quickDrs(endpoints.drs);
          return { child, lambda: newLambdaClient(endpoints.lambda, 1), endpoints, output: () => output };
        }
      } catch {
        // being written
      }
    }
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start: ${output}`);
};

const stop = async (serve: Serve, signal: NodeJS.Signals): Promise<void> => {
  serve.lambda.destroy();
  if (serve.child.exitCode !== null || serve.child.signalCode !== null) return;
  const exited = new Promise((resolve) => serve.child.once('exit', resolve));
  serve.child.kill(signal);
  await exited;
};

export const killServe = (serve: Serve): Promise<void> => stop(serve, 'SIGKILL');
export const stopServe = (serve: Serve): Promise<void> => stop(serve, 'SIGTERM');
