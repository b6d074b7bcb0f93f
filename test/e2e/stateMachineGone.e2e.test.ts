/**
 * A resume whose state machine is gone (its token expired, or it was stopped out of band) is a clear
 * answer, not a stuck execution: the response says DETACHED and the scheduled find drives it to the end.
 */
import { StopExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { join } from 'node:path';
import { type RecoveryPlan } from '../../src/domain/plan';
import type { LocalStack } from '../../src/local/stack';
import { invoke, readJson, startTestStack, waitFor } from '../support/localStack';

// Generous bounds: on a loaded 2-core machine the state machine's scaled waits stretch.
jest.setTimeout(240_000);

const plan = readJson<RecoveryPlan>(join(__dirname, '../../samples/three-tier-plan.json'));

describe('resume after the state machine is gone', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ findIntervalMs: 200 });
    await stack.loadPlans([plan]);
  });
  afterAll(() => stack.close());

  it('answers DETACHED with the reason, and the scheduled find completes the drill', async () => {
    const started = await invoke(stack, { operation: 'start_execution', planId: plan.planId, executionType: 'DRILL', initiatedBy: 'e2e' });
    const executionId = started.executionId as string;
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);
    // Parked: the task waits on its token, and wait_for_resume has stored it (on a loaded machine the
    // second can come well after the first, and a resume before it finds no state machine to release).
    for (let i = 0; i < 750 && (stack.sfn.waitingTasks() === 0 || !(await stack.deps.resumeTokens.get(executionId))); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stack.sfn.waitingTasks()).toBe(1);

    const sfn = new SFNClient({
      endpoint: stack.endpoints.sfn,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await sfn.send(new StopExecutionCommand({ executionArn: started.stepFunctionArn as string, cause: 'stopped out of band' }));
    sfn.destroy();

    const resumed = await invoke(stack, { operation: 'resume', executionId, planId: plan.planId, requestedBy: 'e2e' });
    expect(resumed).toMatchObject({
      statusCode: 200,
      status: 'RUNNING',
      currentWave: 2,
      stateMachine: 'DETACHED',
      warning: { error: 'TASK_TOKEN_EXPIRED' },
    });
    expect(JSON.stringify(resumed)).not.toMatch(/taskToken/i);

    const completed = await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 90_000);
    expect(completed.status).toBe('COMPLETED');
  });

  it('cancel while paused stops the state machine by its real ARN, so nothing waits for a year', async () => {
    const started = await invoke(stack, { operation: 'start_execution', planId: plan.planId, executionType: 'DRILL', initiatedBy: 'e2e' });
    const executionId = started.executionId as string;
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);
    // Parked on its wait-for-resume token: only StopExecution by ARN can end it now.
    const arn = started.stepFunctionArn as string;
    for (let i = 0; i < 750 && stack.sfn.waitingTasks(arn) === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stack.sfn.waitingTasks(arn)).toBe(1);
    const cancelled = await invoke(stack, {
      operation: 'cancel',
      executionId,
      planId: plan.planId,
      requestedBy: 'e2e',
      reason: 'drill window over',
    });
    expect(cancelled).toMatchObject({ statusCode: 200, status: 'CANCELLED', cancelledBy: 'e2e' });
    const machine = await stack.sfn.settled(started.stepFunctionArn as string);
    expect(machine.status).toBe('ABORTED');
    expect(stack.sfn.waitingTasks(started.stepFunctionArn as string)).toBe(0);
  });
});
