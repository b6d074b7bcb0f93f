/**
 * A plan with a target account runs whole on one machine: the local stack's STS emulator stands in for the
 * target account, trusting the target's role as the plan says (its ExternalId), so the drill takes the same
 * AssumeRole path as on AWS and never reaches the real STS; a plan loaded from the CLI into a running stack is
 * trusted the same way.
 */
import type { LocalStack } from '../../src/local/stack';
import { invoke, startTestStack, waitFor } from '../support/localStack';

const TARGET = { accountId: '210987654321', region: 'eu-west-1', externalId: 'ext-local-7' };
const plan = {
  planId: 'rp-local-target',
  planName: 'Local target',
  waves: [{ waveName: 'Only', sourceServerIds: ['s-10ca1a0000000000a'] }],
  target: TARGET,
};

describe('given the local stack and a plan with a target account', () => {
  let stack: LocalStack;
  const previousSts = process.env.STS_ENDPOINT;
  beforeAll(async () => {
    delete process.env.STS_ENDPOINT;
    stack = await startTestStack();
    await stack.loadPlans([plan]);
  });
  afterAll(async () => {
    await stack?.close();
    if (previousSts !== undefined) process.env.STS_ENDPOINT = previousSts;
  });

  it("when a drill runs, it assumes the target's role on the stack's own STS, with the plan's ExternalId, and completes", async () => {
    expect(stack.sts).toBeDefined();
    expect(stack.endpoints.sts).toBe(stack.sts?.endpoint);
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: plan.planId,
      executionType: 'DRILL',
      initiatedBy: 'ops@example.com',
    });
    expect(started).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    const executionId = String(started.executionId);
    const done = await waitFor(stack, executionId, (details) => details.status === 'COMPLETED' || details.status === 'FAILED');
    expect(done).toMatchObject({ status: 'COMPLETED', accountContext: { accountId: TARGET.accountId, region: TARGET.region } });
    expect(JSON.stringify(done)).not.toContain(TARGET.externalId);
    expect(stack.sts?.assumeRoleRequests()).toEqual([
      expect.objectContaining({
        roleArn: `arn:aws:iam::${TARGET.accountId}:role/DRSOrchestrationRole`,
        externalId: TARGET.externalId,
        sessionName: `drs-ledger-${executionId}`,
        outcome: 'OK',
      }),
    ]);
  });

  it('when a start names another account, refuses it (400) and the stack assumes nothing', async () => {
    stack.sts?.clearRequests();
    const refused = await invoke(stack, {
      operation: 'start_execution',
      planId: plan.planId,
      executionType: 'DRILL',
      initiatedBy: 'ops@example.com',
      accountContext: { accountId: '999999999999', region: 'eu-west-1', roleName: 'DRSOrchestrationRole' },
    });
    expect(refused).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(stack.sts?.assumeRoleRequests()).toEqual([]);
  });
});
