/**
 * One owner per data folder, many clients. A `drill --operator manual` in a process of its own owns the folder
 * and publishes its endpoints; from another process, `status` watches it, `invoke resume` resumes its plain
 * pause and `invoke approve --as bob` approves the wave that waits for approval, and the drill completes. A
 * second owner (`serve`, `drill`) meanwhile exits 2 naming the first, and the first one's files stay
 * byte-identical. Ctrl-C leaves the execution as it stands, says how to follow, resume or cancel it, exits 130
 * and gives the folder back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RecoveryPlan } from '../../src/domain/plan';
import { ensureUsers, parseUsersSpec, principalArnOf } from '../../src/local/operatorApi/users';
import { runCli } from '../support/cli';
import { readJson, tempDataDir } from '../support/localStack';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..');
const samplePlan = readJson<RecoveryPlan>(join(ROOT, 'samples/three-tier-plan.json'));

interface Drill {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `drill` from the sources (through tsx) in a process of its own. */
const startDrill = (dataDir: string, ...args: string[]): Drill => {
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(require.resolve('tsx')).href, join(ROOT, 'src/cli/main.ts'), '--data-dir', dataDir, 'drill', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
};

const until = async (what: string, condition: () => boolean | Promise<boolean>, drill: Drill, timeoutMs = 120_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (drill.child.exitCode !== null)
      throw new Error(`drill exited ${drill.child.exitCode} before ${what}: ${drill.stdout()}${drill.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${drill.stdout()}${drill.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The drill's exit code, or an error with everything it printed when it has not exited in time. */
const exitOf = async (drill: Drill, timeoutMs = 120_000): Promise<number | null> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`drill still running after ${timeoutMs} ms: ${drill.stdout()}${drill.stderr()}`)), timeoutMs);
  });
  try {
    return await Promise.race([drill.exited, late]);
  } finally {
    clearTimeout(timer);
  }
};

/** The drill's JSON Lines records of one type. */
const records = (drill: Drill, type: string): Array<Record<string, unknown>> =>
  drill
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.type === type);

const statusOf = async (dataDir: string, executionId: string): Promise<Record<string, unknown>> => {
  const status = await runCli('--data-dir', dataDir, 'status', executionId, '--json');
  expect(status.stderr).toBe('');
  expect(status.code).toBe(0);
  return JSON.parse(status.stdout) as Record<string, unknown>;
};

const ownerFiles = ['owner.lock', 'serve.json', 'users.json'];
const snapshot = (dataDir: string) => Object.fromEntries(ownerFiles.map((file) => [file, readFileSync(join(dataDir, file))]));

describe('drill --operator manual, approved from a second process', () => {
  const dataDir = tempDataDir();
  // Wave 2: a plain pause; wave 3: waits for bob's approval (a drill starts unverified: the starter is not excluded).
  const plan: RecoveryPlan = {
    ...samplePlan,
    waves: samplePlan.waves.map((wave, index) =>
      index === 2
        ? { ...wave, approval: { approvers: [principalArnOf('bob')], excludeStarter: false } }
        : { ...wave, pauseBeforeWave: index === 1 },
    ),
  };
  const planFile = join(dataDir, 'approval-plan.json');
  let drill: Drill;

  beforeAll(() => {
    writeFileSync(planFile, JSON.stringify(plan));
    ensureUsers(dataDir, parseUsersSpec('bob:approve'));
    drill = startDrill(dataDir, '--plan', planFile, '--operator', 'manual', '--speed', '200', '--json');
  });
  afterAll(async () => {
    if (drill.child.exitCode === null) drill.child.kill('SIGKILL');
    await drill.exited;
  });

  let executionId: string;

  it('owns the folder and publishes its endpoints, as the drill', async () => {
    await until('serve.json', () => existsSync(join(dataDir, 'serve.json')), drill);
    const published = readJson<Record<string, unknown>>(join(dataDir, 'serve.json'));
    expect(published).toMatchObject({ pid: drill.child.pid, owner: 'drill', lambda: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(readJson<Record<string, unknown>>(join(dataDir, 'owner.lock'))).toMatchObject({ pid: drill.child.pid, command: 'drill' });
  });

  it('waits at the plain pause, saying how to resume from another shell', async () => {
    await until(
      'the pause before wave 2',
      () => records(drill, 'note').some((note) => String(note.message).includes('Paused before wave 2')),
      drill,
    );
    const started = records(drill, 'note').find(
      (note) => typeof note.executionId === 'string' && String(note.message).startsWith('Started'),
    );
    executionId = started?.executionId as string;
    const told = records(drill, 'note').map((note) => String(note.message));
    expect(told).toContain('Paused before wave 2: waiting for an operator. From another shell:');
    expect(told).toContain(
      `  resume it: drs-ledger --data-dir ${dataDir} invoke resume --execution-id ${executionId} --plan-id ${plan.planId} --initiated-by <you>`,
    );
    // It does not resume by itself.
    expect(await statusOf(dataDir, executionId)).toMatchObject({ status: 'PAUSED', nextWave: 2 });
  });

  it('a second owner, serve or drill, exits 2 naming the first, and the first one’s files stay byte-identical', async () => {
    const before = snapshot(dataDir);
    const serve = await runCli('--data-dir', dataDir, 'serve', '--port', '0', '--users', 'carol');
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain(`is owned by \`drs-ledger drill\` (pid ${drill.child.pid})`);
    expect(serve.stderr).toContain('Its endpoints: Lambda http://127.0.0.1:');
    const second = await runCli('--data-dir', dataDir, 'drill', '--speed', '200');
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`is owned by \`drs-ledger drill\` (pid ${drill.child.pid})`);
    expect(snapshot(dataDir)).toEqual(before);
    expect(drill.child.exitCode).toBeNull();
  });

  it('another process resumes the plain pause (invoke resume, a person, unverified)', async () => {
    const resumed = await runCli(
      '--data-dir',
      dataDir,
      'invoke',
      'resume',
      '--execution-id',
      executionId,
      '--plan-id',
      plan.planId,
      '--initiated-by',
      'second-shell@example.com',
    );
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ statusCode: 200, resumedBy: 'second-shell@example.com' });
  });

  it('waits at the wave that waits for approval; bob approves it from another process, and the drill completes', async () => {
    await until(
      'the pause before wave 3',
      () => records(drill, 'note').some((note) => String(note.message).includes('Paused before wave 3')),
      drill,
    );
    const told = records(drill, 'note').map((note) => String(note.message));
    expect(told).toContain(
      `  approve it: drs-ledger --data-dir ${dataDir} invoke approve --execution-id ${executionId} --as <approver> --comment "Wave 2 checked"`,
    );
    const approved = await runCli(
      '--data-dir',
      dataDir,
      'invoke',
      'approve',
      '--execution-id',
      executionId,
      '--as',
      'bob',
      '--comment',
      'Wave 2 checked',
    );
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ statusCode: 200, approval: { approvedBy: principalArnOf('bob') } });

    expect(await exitOf(drill)).toBe(0);
    const [result] = records(drill, 'result');
    expect(result).toMatchObject({ details: { executionId, status: 'COMPLETED' } });
    // The folder is free again: the owner removed its own files.
    expect(existsSync(join(dataDir, 'serve.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'owner.lock'))).toBe(false);
  });

  it('the ledger names the people who acted, and no simulated operator', async () => {
    const events = await runCli('--data-dir', dataDir, 'events', executionId);
    expect(events.code).toBe(0);
    expect(events.stdout).toMatch(/ExecutionResumed\s+second-shell@example\.com · unverified \(direct invocation\)/);
    expect(events.stdout).toMatch(/ApprovalGranted\s+arn:aws:iam::000000000000:user\/bob ✓ verified/);
    expect(events.stdout).not.toContain('simulated');
  });
});

describe('Ctrl-C during a drill', () => {
  it('says what is left running and how to follow, resume or cancel it; exits 130 and gives the folder back', async () => {
    const dataDir = tempDataDir();
    const drill = startDrill(dataDir, '--operator', 'manual', '--speed', '200');
    await until('the pause before wave 2', () => drill.stdout().includes('Paused before wave 2'), drill);
    const executionId = /Started DRILL (exec-[\w-]+)/.exec(drill.stdout())?.[1] ?? '';
    drill.child.kill('SIGINT');
    expect(await drill.exited).toBe(130);

    const out = drill.stdout();
    expect(out).toContain(
      `Interrupted (SIGINT): execution ${executionId}, a DRILL of "${samplePlan.planName}", PAUSED before wave 2 since`,
    );
    expect(out).toContain('is left as it stands: not cancelled');
    expect(out).toContain(`  follow it:  drs-ledger --data-dir ${dataDir} drill --operator manual --follow`);
    expect(out).toContain(
      `  resume it:  drs-ledger --data-dir ${dataDir} invoke resume --execution-id ${executionId} --plan-id ${samplePlan.planId}`,
    );
    expect(out).toContain(
      `  cancel it:  drs-ledger --data-dir ${dataDir} invoke cancel --execution-id ${executionId} --plan-id ${samplePlan.planId}`,
    );
    expect(existsSync(join(dataDir, 'serve.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'owner.lock'))).toBe(false);

    // The ledger keeps it as it stood; the folder opens again for anyone.
    expect(await statusOf(dataDir, executionId)).toMatchObject({ status: 'PAUSED', nextWave: 2 });
  });
});
