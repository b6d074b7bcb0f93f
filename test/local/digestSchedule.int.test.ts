/**
 * The local stack's digest schedule stands in for the EventBridge rule of serverless.yml: it invokes the
 * digest writer through the Lambda endpoint with a scheduled event, and running executions are sealed.
 */
import { join } from 'node:path';
import { parseDigest } from '../../src/domain/digest';
import type { RecoveryPlan } from '../../src/domain/plan';
import { DIGEST_FUNCTION_NAME, type LocalStack } from '../../src/local/stack';
import { invoke, readJson, startTestStack } from '../support/localStack';

const plan = readJson<RecoveryPlan>(join(__dirname, '../../samples/three-tier-plan.json'));

describe('the local digest schedule', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ digestIntervalMs: 200 });
    await stack.loadPlans([plan]);
  });
  afterAll(() => stack.close());

  it('given a running execution, when the schedule fires, then a Schedule digest records its head', async () => {
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: plan.planId,
      executionType: 'DRILL',
      initiatedBy: 'e2e@example.com',
    });
    const executionId = started.executionId as string;
    const deadline = Date.now() + 20_000;
    let sealedBySchedule = false;
    while (!sealedBySchedule && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const objects = [...(stack.digests.s3.bucket('drs-ledger-digests')?.objects.keys() ?? [])];
      const documents = await Promise.all(objects.map((key) => stack.digests.writer.archive.get(key)));
      sealedBySchedule = documents.some((stored) => {
        const parsed = stored ? parseDigest(stored.bytes) : undefined;
        return (
          parsed?.ok === true &&
          parsed.document.trigger === 'Schedule' &&
          parsed.document.heads.some((head) => head.executionId === executionId)
        );
      });
    }
    expect(sealedBySchedule).toBe(true);
    expect(stack.lambda.service.counters.get(DIGEST_FUNCTION_NAME).Event.runs).toBeGreaterThanOrEqual(1);
    await invoke(stack, { operation: 'cancel', executionId, planId: plan.planId, requestedBy: 'e2e@example.com', reason: 'test over' });
  });
});
