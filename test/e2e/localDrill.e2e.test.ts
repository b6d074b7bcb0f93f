/**
 * The production path end to end on one machine: the real LambdaClient invokes the execution-handler
 * through the local Lambda endpoint; the state machine definition from the repo paces it (polls,
 * waits for resume with a real task token, finalizes); DRS and SNS are emulated on the wire.
 */
import { join } from 'node:path';
import { type RecoveryPlan } from '../../src/domain/plan';
import { DIGEST_FUNCTION_NAME, type LocalStack } from '../../src/local/stack';
import { invoke, readJson, startTestStack, waitFor } from '../support/localStack';

jest.setTimeout(240_000);

const plan = readJson<RecoveryPlan>(join(__dirname, '../../samples/three-tier-plan.json'));

describe('a local drill through the Lambda endpoint and the state machine', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([plan]);
  });
  afterAll(() => stack.close());

  it('runs the sample plan: wave 1, pause before wave 2, resume, waves 2 and 3, completed', async () => {
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: plan.planId,
      executionType: 'DRILL',
      initiatedBy: 'e2e@example.com',
    });
    expect(started).toMatchObject({ statusCode: 200, status: 'RUNNING', totalWaves: 3, totalServers: 25 });
    expect(started.stepFunctionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:execution:drs-ledger-drill:exec-/);
    const executionId = started.executionId as string;

    const paused = await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);
    expect(paused).toMatchObject({ currentWave: 1, nextWave: 2 });
    // The state machine parks on its wait-for-resume task with a real token.
    await waitForCondition(() => stack.sfn.waitingTasks() === 1);

    const resumed = await invoke(stack, { operation: 'resume', executionId, planId: plan.planId, requestedBy: 'e2e@example.com' });
    expect(resumed).toMatchObject({ statusCode: 200, status: 'RUNNING', currentWave: 2, message: 'Execution resumed, starting wave 2' });
    expect(resumed.stateMachine).toBeUndefined();

    const completed = await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 90_000);
    expect(completed).toMatchObject({ totalWaves: 3, totalServers: 25 });
    const execution = await stack.sfn.settled(started.stepFunctionArn as string);
    expect(execution.status).toBe('SUCCEEDED');
    for (const wave of [1, 2, 3]) expect(stack.drs.stats.startRecoveryFor(executionId, wave)).toEqual({ calls: 1, jobsCreated: 1 });
    expect(stack.sns.messages()).toHaveLength(1);

    // The end was sealed by the digest writer, reached as on AWS through a synchronous Lambda invoke: signed in
    // KMS, written to the locked bucket, named by the notification.
    const [notice] = stack.sns.messages();
    const location = notice?.messageAttributes.ledgerDigest?.StringValue ?? '';
    expect(location).toMatch(/^s3:\/\/drs-ledger-digests\/digests\/\d{12}\.json$/);
    const key = location.replace('s3://drs-ledger-digests/', '');
    expect(stack.digests.s3.bucket('drs-ledger-digests')?.objects.get(key)?.[0]?.retention?.mode).toBe('COMPLIANCE');
    expect(stack.digests.kms.requests().filter((request) => request.operation === 'Sign').length).toBeGreaterThanOrEqual(1);
    expect(stack.lambda.service.counters.get(DIGEST_FUNCTION_NAME).RequestResponse.runs).toBeGreaterThanOrEqual(1);
  });
});

const waitForCondition = async (condition: () => boolean, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
