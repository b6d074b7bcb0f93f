/**
 * A normal drill through the local stack (the sample plan: 3 waves, 25 servers, a pause before wave
 * 2, resumed) with every request and answer checked against AWS's models: many checks, none broken.
 */
import { join } from 'node:path';
import type { RecoveryPlan } from '../../../../src/domain/plan';
import { modelChecks } from '../../../../src/local/emulators/models';
import type { LocalStack } from '../../../../src/local/stack';
import { invoke, readJson, startTestStack, waitFor } from '../../../support/localStack';

jest.setTimeout(240_000);

const plan = readJson<RecoveryPlan>(join(__dirname, '../../../../samples/three-tier-plan.json'));

describe('a local drill under the AWS models', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([plan]);
  });
  afterAll(() => stack.close());

  it('is checked request by request and answer by answer, and breaks nothing', async () => {
    modelChecks.resetCounts();
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: plan.planId,
      executionType: 'DRILL',
      initiatedBy: 'models@example.com',
    });
    const executionId = started.executionId as string;
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);
    await invoke(stack, { operation: 'resume', executionId, planId: plan.planId, requestedBy: 'models@example.com' });
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 90_000);
    await stack.sfn.settled(started.stepFunctionArn as string);

    // Every service the drill speaks to was checked both ways.
    for (const service of ['drs', 'lambda', 'sns', 'stepfunctions'] as const) {
      expect({ service, requests: modelChecks.checkCount({ service, kind: 'request' }) > 0 }).toEqual({ service, requests: true });
      expect({ service, answers: modelChecks.checkCount({ service, kind: 'answer' }) > 0 }).toEqual({ service, answers: true });
    }
    expect(modelChecks.checkCount({ service: 'drs', operation: 'StartRecovery', kind: 'request' })).toBe(3);
    expect(modelChecks.checkCount({ service: 'drs', operation: 'DescribeJobs', kind: 'answer' })).toBeGreaterThan(3);
    expect(modelChecks.checkCount()).toBeGreaterThan(50);
    expect(modelChecks.takeRefusals()).toEqual([]);
    expect(modelChecks.takeViolations()).toEqual([]);
  });
});
