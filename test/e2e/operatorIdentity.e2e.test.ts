/**
 * Identity and authority through the local operator API, with real SigV4 signatures (the SDK's signer) and the
 * whole stack behind it (dynalite, the state machine, DRS): alice starts a drill, her own approval of wave 2
 * is refused and recorded, bob approves with a comment and a ticket, the drill completes; carol (drills only)
 * is refused a recovery; an unsigned call and a replayed signature are refused; a start naming another account
 * than the plan's target is refused. The ledger names alice and bob by their principal ARNs.
 */
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { buildEvidence, renderMarkdown } from '../../src/audit';
import type { ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { sendRequest, signRequest } from '../../src/local/operatorApi/signing';
import { ensureUsers, type LocalUser, parseUsersSpec } from '../../src/local/operatorApi/users';
import type { LocalStack } from '../../src/local/stack';
import { runCli } from '../support/cli';
import { startTestStack, tempDataDir, waitFor } from '../support/localStack';

jest.setTimeout(240_000);

const ALICE = 'arn:aws:iam::000000000000:user/alice';
const BOB = 'arn:aws:iam::000000000000:user/bob';
const TARGET = { accountId: '210987654321', region: 'eu-west-1' };

const plan: RecoveryPlan = {
  planId: 'rp-approved-drill',
  planName: 'Drill with an approval before wave 2',
  target: TARGET,
  waves: [
    { waveName: 'Databases', sourceServerIds: ['s-0a11ce00000000001', 's-0a11ce00000000002'] },
    {
      waveName: 'Applications',
      sourceServerIds: ['s-0a11ce00000000003'],
      approval: { approvers: ['arn:aws:iam::*:user/*'], excludeStarter: true },
    },
    { waveName: 'Web', sourceServerIds: ['s-0a11ce00000000004'] },
  ],
};

describe('operators with verified identities, through the signed local API', () => {
  const previousSts = process.env.STS_ENDPOINT;
  const dataDir = tempDataDir();
  let stack: LocalStack;
  let users: Record<string, LocalUser>;

  beforeAll(async () => {
    // The stack's own STS stands in for the plan's target account.
    delete process.env.STS_ENDPOINT;
    const ensured = ensureUsers(dataDir, parseUsersSpec('alice:drill+recovery+approve,bob:drill+approve,carol:drill'));
    users = Object.fromEntries(ensured.users.map((user) => [user.name, user]));
    // No users passed: the stack reads the data folder's users.json, as `serve` restarted without --users does.
    stack = await startTestStack({ dataDir });
    await stack.loadPlans([plan]);
  });
  afterAll(async () => {
    await stack?.close();
    if (previousSts !== undefined) process.env.STS_ENDPOINT = previousSts;
  });

  const as = (name: string, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>) =>
    signRequest(users[name] as LocalUser, { method, url: `${stack.endpoints.operatorApi}${path}`, ...(body ? { body } : {}) });
  const ledger = async (executionId: string): Promise<ExecutionEvent[]> =>
    (await stack.deps.store.read(executionId)).map((stored) => stored.event);
  const executionCount = async () => (await stack.deps.store.listExecutions(100)).executions.length;
  const cli = (...argv: string[]) => runCli('--data-dir', dataDir, ...argv, '--endpoint', stack.endpoints.operatorApi);

  it('alice starts, cannot approve her own drill, bob approves with a comment and a ticket, and it completes', async () => {
    const start = await as('alice', 'POST', `/plans/${plan.planId}/drills`, { name: 'Alice (DR lead)' });
    const started = await sendRequest(start);
    expect(started).toMatchObject({ status: 200, body: { status: 'RUNNING', executionType: 'DRILL' } });
    const executionId = String(started.body.executionId);

    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);

    // Alice may approve (she matches arn:aws:iam::*:user/*), but not her own execution: refused and recorded.
    const own = await sendRequest(await as('alice', 'POST', `/executions/${executionId}/approve`, { comment: 'looks fine to me' }));
    expect(own).toMatchObject({ status: 403, body: { error: 'APPROVAL_REFUSED' } });
    expect((await ledger(executionId)).filter((event) => event.type === 'ApprovalRefused')).toEqual([
      expect.objectContaining({ actor: ALICE, data: expect.objectContaining({ action: 'APPROVE', identity: { principal: ALICE } }) }),
    ]);

    // Bob approves through the CLI, which signs with his key from users.json.
    const approved = await cli(
      'invoke',
      'approve',
      '--as',
      'bob',
      '--execution-id',
      executionId,
      '--comment',
      'Wave 1 checked: databases up',
      '--ticket',
      'CHG0012345',
    );
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ statusCode: 200, status: 'RUNNING' });

    const completed = await waitFor(
      stack,
      executionId,
      (details) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(String(details.status)),
      90_000,
    );
    expect(completed.status).toBe('COMPLETED');

    const events = await ledger(executionId);
    expect(events[0]).toMatchObject({
      type: 'ExecutionStarted',
      actor: ALICE,
      data: { identity: { principal: ALICE, claim: 'Alice (DR lead)' } },
    });
    expect(events.filter((event) => event.type === 'ApprovalGranted')).toEqual([
      expect.objectContaining({
        actor: BOB,
        data: expect.objectContaining({
          waveNumber: 2,
          identity: { principal: BOB },
          comment: 'Wave 1 checked: databases up',
          ticket: 'CHG0012345',
        }),
      }),
    ]);

    // The evidence report names both by principal, marked verified, with bob's approval and alice's refused attempt.
    const built = await buildEvidence(new DynamoLedgerRecordReader(stack.dynamoClient, stack.config.tables.events), executionId);
    if (!built.ok) throw new Error(`no report: ${JSON.stringify(built.error)}`);
    const report = renderMarkdown(built.evidence);
    // Markdown escapes the ARNs' colons (arn\:aws\:iam...), so the principals are matched by their names.
    expect(report).toMatch(/\| Started by \| arn\S*user\/alice ✓ verified · claims: Alice/);
    expect(report).toMatch(/\| Approved \| arn\S*user\/bob ✓ verified \|/);
    expect(report).toContain('Wave 1 checked\\: databases up');
    expect(report).toContain('CHG0012345');
    expect(report).toMatch(/Refused approval attempts[\s\S]*user\/alice ✓ verified/);

    // The same signed start, sent again: a replay, refused, and no second execution.
    const before = await executionCount();
    expect(await sendRequest(start)).toMatchObject({ status: 403, body: { error: 'ReplayedRequest' } });
    expect(await executionCount()).toBe(before);
  });

  it('carol, who may run drills only, is refused a recovery, and nothing is written', async () => {
    const before = await executionCount();
    const claimBefore = (await stack.deps.plans.get(plan.planId))?.claim;

    const refused = await cli('invoke', 'start_execution', '--as', 'carol', '--plan-id', plan.planId, '--type', 'RECOVERY');

    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ statusCode: 403, error: 'AccessDeniedException' });
    expect(await executionCount()).toBe(before);
    expect((await stack.deps.plans.get(plan.planId))?.claim).toEqual(claimBefore);
  });

  it('an unsigned call is refused', async () => {
    const before = await executionCount();

    const unsigned = await sendRequest({
      method: 'POST',
      url: `${stack.endpoints.operatorApi}/plans/${plan.planId}/drills`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect(unsigned).toMatchObject({ status: 403, body: { error: 'MissingAuthenticationToken' } });
    expect(await executionCount()).toBe(before);
  });

  it("a start naming another account than the plan's target is refused with 400, and nothing is written", async () => {
    const before = await executionCount();

    const refused = await sendRequest(
      await as('alice', 'POST', `/plans/${plan.planId}/drills`, {
        accountContext: { accountId: '999999999999', region: TARGET.region, roleName: 'DRSOrchestrationRole' },
      }),
    );

    expect(refused).toMatchObject({ status: 400, body: { error: 'INVALID_PARAMETERS' } });
    expect(await executionCount()).toBe(before);
  });
});
