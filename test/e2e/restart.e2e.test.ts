/**
 * A stack killed (SIGKILL) in the middle of a wave and started again on the same data folder: the drill
 * resumes from the ledger and completes, and no wave is started twice in DRS.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invokeHandler } from '../../src/cli/lambdaCalls';
import type { OperationResponse } from '../../src/operations/responses';
import { quickDrs } from '../support/quickDrs';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

const ROOT = join(__dirname, '../..');
const PLAN = join(ROOT, 'samples/three-tier-plan.json');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Serve {
  child: ChildProcess;
  lambda: LambdaClient;
}

const startServe = async (dataDir: string): Promise<Serve> => {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), '--data-dir', dataDir, 'serve', '--port', '0', '--speed', '15', '--log-level', 'SILENT'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const file = join(dataDir, 'serve.json');
  for (let i = 0; i < 200; i += 1) {
    if (existsSync(file)) {
      const endpoints = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; lambda: string; drs: string };
      if (endpoints.pid === child.pid) {
        await quickDrs(endpoints.drs);
        const lambda = new LambdaClient({
          endpoint: endpoints.lambda,
          region: 'us-east-1',
          credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        });
        return { child, lambda };
      }
    }
    if (child.exitCode !== null) throw new Error(`serve exited: ${output}`);
    await sleep(50);
  }
  throw new Error(`serve did not start: ${output}`);
};

const kill = async (serve: Serve) => {
  serve.lambda.destroy();
  const exited = new Promise((resolve) => serve.child.once('exit', resolve));
  serve.child.kill('SIGKILL');
  await exited;
};

describe('a stack killed mid-wave', () => {
  const dataDir = tempDataDir();
  let serve: Serve | undefined;
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
  });
  afterAll(async () => {
    if (serve) await kill(serve);
  });

  it('resumes from the ledger after a restart and completes with each wave started once', async () => {
    expect((await runCli('--data-dir', dataDir, 'plans', 'load', PLAN)).code).toBe(0);
    serve = await startServe(dataDir);
    const call = (payload: Record<string, unknown>) => invokeHandler((serve as Serve).lambda, 'execution-handler', payload);
    const started = await call({ operation: 'start_execution', planId: 'rp-three-tier', executionType: 'DRILL', initiatedBy: 'e2e' });
    expect(started.statusCode).toBe(200);
    const executionId = started.executionId as string;

    // Kill it while wave 1's servers are still launching.
    let details: OperationResponse;
    do {
      await sleep(50);
      details = await call({ operation: 'get_execution_details', executionId });
    } while (!(details.waveStatuses as Array<{ status: string; serversCompleted: number }>)[0]?.serversCompleted);
    expect(details.status).toBe('RUNNING');
    await kill(serve);

    serve = await startServe(dataDir);
    const deadline = Date.now() + 90_000;
    for (;;) {
      details = await call({ operation: 'get_execution_details', executionId });
      if (details.status === 'PAUSED') await call({ operation: 'resume', executionId, planId: 'rp-three-tier', requestedBy: 'e2e' });
      if (details.status === 'COMPLETED' || details.status === 'FAILED' || Date.now() > deadline) break;
      await sleep(100);
    }
    expect(details.status).toBe('COMPLETED');
    // The read model catches up with the ledger (a read may race the projector of the last append).
    for (let i = 0; i < 50 && details.source !== 'view'; i += 1) {
      await sleep(100);
      details = await call({ operation: 'get_execution_details', executionId });
    }
    expect(details).toMatchObject({ source: 'view', seq: details.ledgerSeq, status: 'COMPLETED' });

    const drsState = JSON.parse(readFileSync(join(dataDir, 'drs-emulator.json'), 'utf8')) as {
      jobs: Array<{ tags: Record<string, string> }>;
    };
    const jobsOf = (wave: number) =>
      drsState.jobs.filter((job) => job.tags['drs-ledger:executionId'] === executionId && job.tags['drs-ledger:wave'] === String(wave))
        .length;
    expect([jobsOf(1), jobsOf(2), jobsOf(3)]).toEqual([1, 1, 1]);
  });
});
