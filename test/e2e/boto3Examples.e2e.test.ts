/**
 * The contract's boto3 examples against the local Lambda endpoint, with Debian's python3-boto3 (.ci/run
 * installs it): a client outside Node.js, only the endpoint changed, drives a whole drill.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type RecoveryPlan } from '../../src/domain/plan';
import type { LocalStack } from '../../src/local/stack';
import { readJson, startTestStack } from '../support/localStack';

const PYTHON = '/usr/bin/python3';
const plan = readJson<RecoveryPlan>(join(__dirname, '../../samples/three-tier-plan.json'));

describe("the contract's boto3 examples", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([plan]);
  });
  afterAll(() => stack.close());

  it('start, poll details, resume at the pause, complete and find', async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install python3-boto3 (.ci/run does)`);
    // Asynchronously: the stack serving the script runs in this process.
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        PYTHON,
        [join(__dirname, 'scripts/spec_examples.py'), stack.endpoints.lambda, plan.planId],
        { encoding: 'utf8', timeout: 90_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`boto3 examples failed (is python3-boto3 installed?): ${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const responses = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(responses[0]).toMatchObject({ statusCode: 200, status: 'RUNNING', executionType: 'DRILL', totalWaves: 3, totalServers: 25 });
    expect(responses.some((response) => response.message === 'Execution resumed, starting wave 2')).toBe(true);
    const details = responses.filter((response) => 'waveStatuses' in response);
    expect(details.at(-1)).toMatchObject({ status: 'COMPLETED', initiatedBy: 'admin@example.com' });
    expect(responses.at(-1)).toMatchObject({ statusCode: 200, executionsFound: 0, executionsPolled: 0, results: [] });
  });
});
