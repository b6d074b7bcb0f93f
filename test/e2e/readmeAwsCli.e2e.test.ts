/**
 * The README's AWS CLI and boto3 examples (the two blocks after its `readme-aws-cli` marker), run as written
 * against a local stack: the bash block with bash, once with AWS CLI v1 and once with v2 as `aws`, the python
 * block with Debian's python3 and boto3. Only the endpoint's port is the test stack's own; the credentials and
 * the region are the block's (no AWS_* variable and no ~/.aws file of this machine reaches them).
 *
 * Both CLIs are required when CI=true (.ci/run installs Debian's awscli, v2; the v1 on PATH comes with pip);
 * elsewhere a version not installed is skipped, saying so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { LocalStack } from '../../src/local/stack';
import { invoke, readJson, startTestStack } from '../support/localStack';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '../..');
const MARKER = '<!-- readme-aws-cli:';
const README_ENDPOINT = 'http://127.0.0.1:3002';
const PYTHON = '/usr/bin/python3';
const plan = readJson<RecoveryPlan>(join(ROOT, 'samples/three-tier-plan.json'));

/** The fenced blocks after the marker: the first ```bash and the first ```python. */
const readmeBlocks = (): { bash: string; python: string } => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no block marked ${MARKER}`);
  const rest = readme.slice(at);
  const bash = /```bash\n([\s\S]*?)\n```/.exec(rest)?.[1];
  const python = /```python\n([\s\S]*?)\n```/.exec(rest)?.[1];
  if (bash === undefined || python === undefined) throw new Error(`README.md has no bash and python block after ${MARKER}`);
  return { bash, python };
};

/** Every `aws` this machine has (PATH's, and Debian's /usr/bin/aws), by major version: the first found of each. */
const installedClis = (): Map<number, string> => {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).map((folder) => join(folder, 'aws')), '/usr/bin/aws'];
  const found = new Map<number, string>();
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8', env: cleanEnv() });
    const major = /aws-cli\/(\d+)\./.exec(`${version.stdout}${version.stderr}`)?.[1];
    if (major !== undefined && !found.has(Number(major))) found.set(Number(major), candidate);
  }
  return found;
};

/** This process's environment without any AWS setting, and with no AWS config file to read. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  const nowhere = join(tmpdir(), 'drs-ledger-no-aws-config');
  return { ...env, AWS_CONFIG_FILE: join(nowhere, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(nowhere, 'credentials') };
};

/** Runs a program in `cwd`, asynchronously: the stack it talks to answers from this very process. */
const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

const CLIS = installedClis();

describe.each([1, 2])("the README's AWS CLI example with AWS CLI v%i, then its boto3 example", (major) => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([plan]);
  });
  afterAll(() => stack.close());

  it('start a drill with the exact lines, then read its status with boto3', async () => {
    const cli = CLIS.get(major);
    if (cli === undefined) {
      if (process.env.CI === 'true') throw new Error(`AWS CLI v${major} is missing: .ci/run installs awscli (v2); v1 is pip's awscli`);
      console.warn(`AWS CLI v${major} is not installed here: its run of the README example is skipped`);
      return;
    }
    const { bash, python } = readmeBlocks();
    expect(bash).toContain(README_ENDPOINT);
    expect(python).toContain(README_ENDPOINT);
    const local = (block: string) => block.replaceAll(README_ENDPOINT, stack.endpoints.lambda);

    // This CLI as `aws`, first on PATH.
    const bin = mkdtempSync(join(tmpdir(), `drs-ledger-aws-v${major}-`));
    symlinkSync(cli, join(bin, 'aws'));
    const cwd = mkdtempSync(join(tmpdir(), 'drs-ledger-readme-'));
    const env = { ...cleanEnv(), PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };

    const shell = await run('bash', ['-c', `set -eo pipefail\n${local(bash)}`], cwd, env);
    expect({ status: shell.status, stderr: shell.stderr }).toEqual({ status: 0, stderr: '' });
    // `aws lambda invoke` prints the invocation's status, then `cat out.json` the handler's answer.
    expect(shell.stdout).toMatch(/"StatusCode": 200/);
    const answer = JSON.parse(readFileSync(join(cwd, 'out.json'), 'utf8')) as { statusCode: number; executionId: string };
    expect(answer).toMatchObject({ statusCode: 200, status: 'RUNNING', executionType: 'DRILL', planId: plan.planId });
    const details = await invoke(stack, { operation: 'get_execution_details', executionId: answer.executionId });
    expect(details).toMatchObject({ statusCode: 200, initiatedBy: 'me@example.com', executionType: 'DRILL' });

    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install python3-boto3 (.ci/run does)`);
    const boto3 = await run(PYTHON, ['-c', local(python)], cwd, cleanEnv());
    expect({ status: boto3.status, stderr: boto3.stderr }).toEqual({ status: 0, stderr: '' });
    expect(boto3.stdout).toMatch(new RegExp(`^${answer.executionId} (RUNNING|PAUSED|COMPLETED)\\n$`));
  });
});
