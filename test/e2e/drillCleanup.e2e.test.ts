/**
 * The scenario on the local stack: the execution-handler behind the local Lambda endpoint, the state machine
 * pacing it, the scheduled find running, DRS and SNS emulated on the wire. A drill that fails in wave 2 leaves no
 * recovery instance behind, and the report proves it.
 */
import { join } from 'node:path';
import { evidenceFromEvents, renderHtml, renderMarkdown } from '../../src/audit/report';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { LocalStack } from '../../src/local/stack';
import { invoke, readJson, startTestStack, waitFor } from '../support/localStack';

jest.setTimeout(240_000);

const sample = readJson<RecoveryPlan>(join(__dirname, '../../samples/three-tier-plan.json'));
/** The sample plan without its pauses: nobody needs to resume it. */
const plan: RecoveryPlan = {
  ...sample,
  planId: 'three-tier-cleanup',
  waves: sample.waves.map(({ pauseBeforeWave: _pause, approval: _approval, ...wave }) => wave),
};
const servers = plan.waves.flatMap((wave) => wave.sourceServerIds);

describe('a drill that fails in wave 2 on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ findIntervalMs: 300 });
    await stack.loadPlans([plan]);
  });
  afterAll(() => stack.close());

  it('leaves no recovery instance behind, and the report proves it', async () => {
    const failing = plan.waves[1]?.sourceServerIds[0] as string;
    stack.drs.faults.apply({ failServers: [{ sourceServerID: failing, stage: 'LAUNCH' }] });
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: plan.planId,
      executionType: 'DRILL',
      initiatedBy: 'e2e@example.com',
    });
    expect(started.statusCode).toBe(200);
    const executionId = started.executionId as string;

    const failed = await waitFor(stack, executionId, (details) => details.status === 'FAILED' || details.status === 'COMPLETED', 120_000);
    expect(failed).toMatchObject({ status: 'FAILED', currentWave: 2 });
    const cleaned = await waitFor(
      stack,
      executionId,
      (details) => (details.cleanup as { status?: string } | undefined)?.status === 'COMPLETED',
      60_000,
    );
    expect(cleaned).toMatchObject({ status: 'FAILED', cleanup: { status: 'COMPLETED', remaining: 0 } });

    const drs = await stack.deps.drs();
    const listed = await drs.recoveryInstancesOfServers(servers);
    expect(listed.filter((instance) => instance.ec2InstanceState !== 'TERMINATED')).toEqual([]);

    const records = await stack.deps.store.read(executionId);
    const evidence = evidenceFromEvents(
      records.map((stored) => stored.event),
      { eventCount: records.length, headSeq: records.length, headHash: records.at(-1)?.hash ?? '', verification: { ok: true } },
    );
    const launched = evidence.recoveryInstances?.instances.length ?? 0;
    expect(launched).toBeGreaterThanOrEqual(plan.waves[0]?.sourceServerIds.length ?? 1);
    expect(evidence.recoveryInstances?.verdict).toEqual({
      ok: true,
      text: `all ${launched} drill instances terminated and confirmed gone`,
    });
    expect(renderMarkdown(evidence)).toContain(`**Clean**: all ${launched} drill instances terminated and confirmed gone.`);
    expect(renderHtml(evidence)).toContain('<h2>Recovery instances</h2>');
  });
});
