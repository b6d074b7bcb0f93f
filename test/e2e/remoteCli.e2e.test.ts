/**
 * The CLI after `npm run deploy`, run end to end through the path that talks to AWS: a deployed-shaped local stack
 * (`serve --stage e2e`: tables and functions named drs-ledger-e2e-…, and a CloudFormation stack drs-ledger-e2e whose
 * outputs name them) reached ONLY through `drs-ledger --stage e2e --region us-east-1 …` in child processes whose
 * SDK clients get the stack's endpoints from the SDK's own settings (AWS_ENDPOINT_URL_<SERVICE>) and an operator's
 * key pair as their AWS credentials, on an EMPTY data folder: nothing local is read, and nothing is written there.
 * Plans load, a drill is started through the deployed function, listed, watched, approved through the operator API
 * signed with the approver's own credentials, then verified, replayed, reported, exported and checked.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalUser } from '../../src/local/operatorApi/users';
import { readUsers } from '../../src/local/operatorApi/users';
import { tempDataDir } from '../support/localStack';
import { cliProcess, finished, operatorShell, type Run } from '../support/cliProcess';

jest.setTimeout(300_000);

const STAGE = 'e2e';
const ALICE = 'arn:aws:iam::000000000000:user/alice';
const BOB = 'arn:aws:iam::000000000000:user/bob';

/** Servers of the sample inventory, which `serve` registers with its DRS emulator as a deployed DRS knows its own. */
const plan = {
  planId: 'rp-remote',
  planName: 'Remote drill with an approval before wave 2',
  rtoTargetMinutes: 60,
  waves: [
    { waveName: 'Databases', sourceServerIds: ['s-0acdfe0516d16fbfc', 's-82e64648d9abefef3'] },
    {
      waveName: 'Applications',
      sourceServerIds: ['s-5a362cf7b79d4d067'],
      approval: { approvers: ['arn:aws:iam::*:user/*'], excludeStarter: true },
    },
    { waveName: 'Web', sourceServerIds: ['s-44a1f3faeaff229c7'] },
  ],
};

interface Endpoints {
  pid: number;
  cloudformation: string;
  dynamodb: string;
  lambda: string;
  s3: string;
  kms: string;
}

describe('drs-ledger --stage: the CLI against a deployed(-shaped) stack, through the SDK endpoint settings only', () => {
  const ownerDir = tempDataDir();
  const emptyDir = tempDataDir();
  const outDir = tempDataDir();
  const planFile = join(outDir, 'plan.json');
  let serve: ChildProcess;
  let endpoints: Endpoints;
  let users: Record<string, LocalUser>;
  let executionId = '';

  /** The SDK's standard settings pointing at the stack; the user's key pair as the AWS credentials. */
  const shellOf = (user: string | undefined): NodeJS.ProcessEnv => ({
    ...operatorShell(),
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoints.cloudformation,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_KMS: endpoints.kms,
    ...(user ? { AWS_ACCESS_KEY_ID: users[user]?.accessKeyId, AWS_SECRET_ACCESS_KEY: users[user]?.secretAccessKey } : {}),
  });
  const drsLedger = (user: string | undefined, ...args: string[]): Promise<Run> =>
    finished(cliProcess(['--data-dir', emptyDir, '--stage', STAGE, '--region', 'us-east-1', ...args], shellOf(user)));
  const asAlice = (...args: string[]) => drsLedger('alice', ...args);

  const statusOf = async (): Promise<Record<string, unknown>> => {
    const run = await asAlice('status', executionId, '--json');
    expect(run).toMatchObject({ code: 0 });
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };
  const waitForStatus = async (wanted: string): Promise<Record<string, unknown>> => {
    for (let attempt = 0; attempt < 120; attempt += 1) {
      const view = await statusOf();
      if (view.status === wanted) return view;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${executionId} never reached ${wanted}: ${JSON.stringify(await statusOf())}`);
  };

  beforeAll(async () => {
    writeFileSync(planFile, JSON.stringify(plan));
    serve = cliProcess(
      [
        '--data-dir',
        ownerDir,
        'serve',
        '--stage',
        STAGE,
        '--port',
        '0',
        '--speed',
        '200',
        '--users',
        'alice:drill+approve,bob:drill+approve',
        '--log-level',
        'SILENT',
      ],
      { ...process.env },
    );
    let output = '';
    serve.stdout?.on('data', (chunk) => (output += String(chunk)));
    serve.stderr?.on('data', (chunk) => (output += String(chunk)));
    const file = join(ownerDir, 'serve.json');
    for (let i = 0; i < 1200 && !(existsSync(file) && output.includes('Ctrl-C stops it.')); i += 1) {
      if (serve.exitCode !== null) throw new Error(`serve exited ${serve.exitCode}: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    expect(endpoints.pid).toBe(serve.pid);
    expect(output).toContain(`CloudFormation (stack drs-ledger-${STAGE})`);
    users = Object.fromEntries((readUsers(ownerDir) ?? []).map((user) => [user.name, user]));
  });

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
  });

  it("loads a plan into the table the stack names, and starts a drill signed with the starter's own credentials", async () => {
    const loaded = await asAlice('plans', 'load', planFile);
    expect(loaded.stderr).toBe('');
    expect(loaded).toMatchObject({ code: 0 });
    expect(loaded.stdout).toContain(
      `Loaded rp-remote "${plan.planName}" into drs-ledger-${STAGE}-plans (stack drs-ledger-${STAGE}, us-east-1)`,
    );
    expect((await asAlice('plans', 'list')).stdout).toContain('rp-remote');

    // Through the stack's operator API (OperatorApiUrl), signed for execute-api: the ledger records alice's principal.
    const started = await asAlice(
      'invoke',
      'start_execution',
      '--api',
      '--plan-id',
      plan.planId,
      '--type',
      'DRILL',
      '--initiated-by',
      'Alice',
    );
    expect(started).toMatchObject({ code: 0 });
    const response = JSON.parse(started.stdout) as { statusCode: number; executionId: string; status: string };
    expect(response).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    executionId = response.executionId;
    expect(await statusOf()).toMatchObject({ initiatedByPrincipal: ALICE, initiatedByClaim: 'Alice' });
  });

  it('lists the execution, newest first, filtered by plan and status; watches it pause for approval', async () => {
    const paused = await waitForStatus('PAUSED');
    expect(paused).toMatchObject({ nextWave: 2, pendingApproval: expect.objectContaining({ waveNumber: 2 }) });

    const listed = await asAlice('executions', '--plan', plan.planId, '--json');
    expect(listed).toMatchObject({ code: 0 });
    expect(JSON.parse(listed.stdout)).toEqual({
      executions: [expect.objectContaining({ executionId, planId: plan.planId, executionType: 'DRILL', status: 'PAUSED' })],
    });
    const none = await asAlice('executions', '--status', 'COMPLETED');
    expect(none.stdout).toBe('No executions.\n');
    expect((await asAlice('executions', '--plan', 'rp-another', '--json')).stdout).toBe('{"executions":[]}\n');
  });

  it("approves through the operator API signed with the approver's own AWS credentials, and the drill completes", async () => {
    // The stack's function itself (drs-ledger-e2e-execution-handler, from its ExecutionHandlerName output), invoked
    // directly: it names no verified principal, so its approval is refused and recorded.
    const unsigned = await drsLedger(
      'bob',
      'invoke',
      'approve',
      '--execution-id',
      executionId,
      '--plan-id',
      plan.planId,
      '--comment',
      'ok',
    );
    expect(unsigned).toMatchObject({ code: 2 });
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ statusCode: 403, error: 'APPROVAL_REFUSED' });

    const approved = await drsLedger(
      'bob',
      'invoke',
      'approve',
      '--api',
      '--execution-id',
      executionId,
      '--comment',
      'Wave 1 checked',
      '--ticket',
      'CHG0012345',
    );
    expect(approved.stderr).toBe('');
    expect(approved).toMatchObject({ code: 0 });
    expect(JSON.parse(approved.stdout)).toMatchObject({ statusCode: 200, status: 'RUNNING' });

    await waitForStatus('COMPLETED');
    const events = (await asAlice('events', executionId, '--json')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; actor: string; data: Record<string, unknown> });
    expect(events.find((event) => event.type === 'ApprovalGranted')).toMatchObject({
      actor: BOB,
      data: expect.objectContaining({ comment: 'Wave 1 checked', ticket: 'CHG0012345' }),
    });
    // A drill's end is followed by its notification and its cleanup's records, never by another outcome.
    expect(events.map((event) => event.type)).toContain('Finalized');
    expect(events.at(-1)?.type).toMatch(/Finalized|NotificationSent|^Cleanup|^RecoveryInstances/);
  });

  it('verifies, replays, reports, exports and checks the deployed ledger, with its signed digests', async () => {
    const verified = await asAlice('verify', executionId);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(new RegExp(`^OK ${executionId}: \\d+ events, chain intact`));
    expect(verified.stdout).toContain('vouches for');

    const replayed = await asAlice('replay', executionId, '--seq', '1', '--json');
    expect(JSON.parse(replayed.stdout)).toMatchObject({ executionId, status: 'RUNNING', asOf: { seq: 1 } });

    const reportFile = join(outDir, 'report.md');
    const reported = await asAlice('report', executionId, '--format', 'md', '--out', reportFile);
    expect(reported).toMatchObject({ code: 0 });
    expect(readFileSync(reportFile, 'utf8')).toContain('CHG0012345');

    const exportFile = join(outDir, 'exec.jsonl');
    expect(await asAlice('export', executionId, '--out', exportFile)).toMatchObject({ code: 0 });
    expect(readFileSync(exportFile, 'utf8').trim().split('\n').length).toBeGreaterThan(10);

    const checked = await asAlice('check');
    expect(checked).toMatchObject({ code: 0, stdout: 'Checked 1 executions: every view equals its replay\n' });
    expect(await asAlice('digests', 'verify')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: \d+ digests, chain intact/) });

    // Nothing of this ran on a local ledger: the data folder it was given is as empty as it came.
    mkdirSync(emptyDir, { recursive: true });
    expect(readdirSync(emptyDir)).toEqual([]);
  });

  it('says which stack is missing, and that there are no credentials, with exit 2', async () => {
    const missing = await finished(
      cliProcess(['--data-dir', emptyDir, '--stage', 'nope', '--region', 'us-east-1', 'executions'], shellOf('alice')),
    );
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain(
      'stack drs-ledger-nope not found in us-east-1 (deployed with npm run deploy -- --stage nope --region us-east-1?)',
    );

    const anonymous = await drsLedger(undefined, 'executions');
    expect(anonymous).toMatchObject({ code: 2 });
    expect(anonymous.stderr).toContain('no AWS credentials to reach stack drs-ledger-e2e in us-east-1');
  });
});
