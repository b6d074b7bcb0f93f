/**
 * Issue 16's "done when", on the local stack: a plan with a stalled server and a missing launch configuration is
 * refused with two BLOCKING findings and starts with an override that the report shows. DRS is the emulator,
 * driven through its admin API (over HTTP, as a test in another process would) and read by the real DRS adapter.
 */
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { buildEvidence, renderHtml, renderMarkdown } from '../../src/audit';
import type { LocalStack } from '../../src/local/stack';
import { APP_1, DB_1, PLAN_ID, samplePlan } from '../fixtures/plan';
import { markdownSeen } from '../audit/support/markdownSeen';
import { invoke, startTestStack } from '../support/localStack';

jest.setTimeout(120_000);

const put = async (stack: LocalStack, path: string, body: unknown): Promise<void> => {
  const answer = await fetch(`${stack.endpoints.drs}/__emulator/source-servers/${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`PUT ${path}: ${answer.status} ${await answer.text()}`);
};

describe('preflight on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([samplePlan]);
  });
  afterAll(() => stack?.close());

  it('refuses a plan with a stalled server and a missing launch configuration, then starts it with an override the report shows', async () => {
    const ready = await invoke(stack, { operation: 'preflight', planId: PLAN_ID });
    expect(ready).toMatchObject({ statusCode: 200, ready: true, totals: { blocking: 0 } });

    await put(stack, `${DB_1}/replication`, { state: 'STALLED', lagSeconds: 5400, error: 'AGENT_NOT_SEEN' });
    await put(stack, `${APP_1}/launch-configuration`, { missing: true });

    const preflight = await invoke(stack, { operation: 'preflight', planId: PLAN_ID, executionType: 'DRILL' });
    expect(preflight).toMatchObject({ statusCode: 200, ready: false, totals: { blocking: 2 } });

    const start = { operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' };
    const refused = await invoke(stack, start);
    expect(refused).toMatchObject({ statusCode: 409, error: 'PREFLIGHT_BLOCKED', totals: { blocking: 2 } });
    const blocking = (refused.findings as Array<{ severity: string; code: string; serverId?: string }>).filter(
      (f) => f.severity === 'BLOCKING',
    );
    expect(blocking).toEqual([
      expect.objectContaining({ code: 'REPLICATION_NOT_HEALTHY', serverId: DB_1 }),
      expect.objectContaining({ code: 'LAUNCH_CONFIGURATION_MISSING', serverId: APP_1 }),
    ]);
    expect((await stack.deps.plans.get(PLAN_ID))?.claim).toBeUndefined();

    const started = await invoke(stack, { ...start, override: { reason: 'DB agent restarting; app launch config fixed in CHG0042' } });
    expect(started).toMatchObject({ statusCode: 200 });
    const executionId = started.executionId as string;

    const built = await buildEvidence(new DynamoLedgerRecordReader(stack.dynamoClient, stack.config.tables.events), executionId);
    if (!built.ok) throw new Error(`no report: ${JSON.stringify(built.error)}`);
    const seen = markdownSeen(renderMarkdown(built.evidence));
    expect(seen).toContain('2 BLOCKING, 0 WARNING: started despite BLOCKING findings, an accepted deviation');
    expect(seen).toContain('ops@example.com · unverified (direct invocation)\nDB agent restarting; app launch config fixed in CHG0042');
    expect(seen).toMatch(/✖ BLOCKING\nREPLICATION_NOT_HEALTHY\n1\n/);
    expect(renderHtml(built.evidence)).toContain('DB agent restarting; app launch config fixed in CHG0042');
  });
});
