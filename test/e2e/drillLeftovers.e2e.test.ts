/**
 * `drill` beside a running `serve`, and the executions earlier drills left. The drill runs as serve's client
 * (serve owns the folder); its simulated operator is recorded as such. A leftover is described and refused
 * unless the drill is told to follow it (same type only) or to cancel it first; it is never resumed implicitly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SIMULATED_OPERATOR } from '../../src/domain/execution';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');

const startServe = async (dataDir: string): Promise<ChildProcess> => {
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
      '--speed',
      '200',
      '--log-level',
      'SILENT',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  for (let i = 0; i < 1200 && !output.includes('Ctrl-C stops it.'); i += 1) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
};

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const executionOf = (stdout: string): string =>
  lines(stdout).find((record) => typeof record.executionId === 'string' && String(record.message).startsWith('Started'))
    ?.executionId as string;

const statusOf = async (dataDir: string, executionId: string) =>
  JSON.parse((await runCli('--data-dir', dataDir, 'status', executionId, '--json')).stdout) as Record<string, unknown>;

/** A drill that gives up watching early: its execution stays active on the plan (serve drives it on). */
const leaveOne = async (dataDir: string): Promise<string> => {
  const left = await runCli('--data-dir', dataDir, 'drill', '--operator', 'manual', '--timeout', '1', '--json');
  expect(left.code).toBe(1);
  const [record] = lines(left.stdout).filter((line) => line.type === 'left-running');
  expect(String(record?.message)).toContain('The drill did not finish within 1s: execution');
  return executionOf(left.stdout);
};

describe('drill as the client of a running serve', () => {
  const dataDir = tempDataDir();
  let serve: ChildProcess;
  beforeAll(async () => {
    serve = await startServe(dataDir);
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
    expect(existsSync(join(dataDir, 'owner.lock'))).toBe(false);
  });

  it('runs through serve’s endpoints; the simulated operator starts and resumes, recorded as no person', async () => {
    const before = readFileSync(join(dataDir, 'serve.json'));
    const drill = await runCli('--data-dir', dataDir, 'drill', '--resume-after', '0.1', '--json');
    expect(drill.stderr).toBe('');
    expect(drill.code).toBe(0);
    expect(String(lines(drill.stdout)[0]?.message)).toBe(
      `drs-ledger serve (pid ${serve.pid}) owns ${dataDir}: the drill runs through its endpoints, at its speed (--speed 30 does not apply).`,
    );
    // serve still owns the folder, untouched.
    expect(readFileSync(join(dataDir, 'serve.json'))).toEqual(before);

    const executionId = executionOf(drill.stdout);
    const status = await runCli('--data-dir', dataDir, 'status', executionId);
    expect(status.stdout).toContain('Started by simulated operator (no person acted)');
    const events = await runCli('--data-dir', dataDir, 'events', executionId, '--json');
    const recorded = events.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; actor: string; data: Record<string, unknown> });
    const byOperator = recorded.filter((event) => ['ExecutionStarted', 'ExecutionResumed'].includes(event.type));
    expect(byOperator.map((event) => [event.type, event.actor, event.data.simulated])).toEqual([
      ['ExecutionStarted', SIMULATED_OPERATOR, true],
      ['ExecutionResumed', SIMULATED_OPERATOR, true],
    ]);
  });

  let leftover: string;
  it('refuses a leftover, saying what it found and how to follow or cancel it', async () => {
    leftover = await leaveOne(dataDir);
    const again = await runCli('--data-dir', dataDir, 'drill');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      new RegExp(
        `already has an active execution: ${leftover}, a DRILL of "Production DR Plan", (RUNNING in wave 1 of 3|PAUSED before wave 2) since `,
      ),
    );
    expect(again.stderr).toContain(`Follow it:               drs-ledger --data-dir ${dataDir} drill --follow`);
    expect(again.stderr).toContain(`Cancel it, start anew:   drs-ledger --data-dir ${dataDir} drill --cancel-leftover`);

    const otherType = await runCli('--data-dir', dataDir, 'drill', '--type', 'RECOVERY', '--follow');
    expect(otherType.code).toBe(2);
    expect(otherType.stderr).toContain('It is a DRILL, not the RECOVERY this drill runs: it is not followed.');
    // Neither touched it: it is still the plan's active execution, not resumed.
    expect(await statusOf(dataDir, leftover)).toMatchObject({ executionType: 'DRILL' });
    expect(['RUNNING', 'PAUSED']).toContain((await statusOf(dataDir, leftover)).status);
  });

  it('--follow follows it as it stands; its pause is resumed by the operator mode’s own rule', async () => {
    const followed = await runCli('--data-dir', dataDir, 'drill', '--follow', '--resume-after', '0.1', '--json');
    expect(followed.code).toBe(0);
    expect(lines(followed.stdout).some((record) => record.followed === true && record.executionId === leftover)).toBe(true);
    expect(lines(followed.stdout).find((record) => record.type === 'result')).toMatchObject({
      details: { executionId: leftover, status: 'COMPLETED' },
    });
  });

  it('--cancel-leftover cancels it with a reason naming the drill, then starts anew', async () => {
    leftover = await leaveOne(dataDir);
    const fresh = await runCli('--data-dir', dataDir, 'drill', '--cancel-leftover', '--resume-after', '0.1', '--json');
    expect(fresh.code).toBe(0);
    const cancelled = await statusOf(dataDir, leftover);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelRequested: { by: SIMULATED_OPERATOR } });
    expect(String((cancelled.cancelRequested as { reason: string }).reason)).toMatch(
      /^Cancelled by drs-ledger drill --cancel-leftover \(pid \d+\) to start a new DRILL$/,
    );
    const started = executionOf(fresh.stdout);
    expect(started).not.toBe(leftover);
    expect(lines(fresh.stdout).find((record) => record.type === 'result')).toMatchObject({
      details: { executionId: started, status: 'COMPLETED' },
    });
  });
});
