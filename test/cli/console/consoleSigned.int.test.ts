/**
 * The console's API on a local stack with operators: a drill started as alice and approved as bob through the
 * console is recorded under their principals (the console signs with their keys, as `invoke --as` does); the
 * operator API's refusals pass through with their status; the ledger feed pages with ?after, verifies the
 * chain and says what the signed digests vouch for; the timeline and the reports are the report's own.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../../src/adapters/dynamodb/marshalEvent';
import type { ExecutionEvent } from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { ensureUsers, parseUsersSpec } from '../../../src/local/operatorApi/users';
import type { LocalStack } from '../../../src/local/stack';
import { type ConsoleServer, startStackConsole } from '../../../src/cli/console/stackConsole';
import { RawLedger } from '../../audit/support/rawLedger';
import { startTestStack, tempDataDir, waitFor } from '../../support/localStack';
import { withPackedEvent } from '../../support/packedItem';
import { consoleGet, consolePost, pollUntil, signIn } from './consoleClient';

jest.setTimeout(240_000);

const ALICE = 'arn:aws:iam::000000000000:user/alice';
const BOB = 'arn:aws:iam::000000000000:user/bob';

const plan: RecoveryPlan = {
  planId: 'rp-console-approved',
  planName: 'Console drill with an approval before wave 2',
  rtoTargetMinutes: 60,
  waves: [
    { waveName: 'Databases', sourceServerIds: ['s-0c0501e000000001a', 's-0c0501e000000002a'] },
    {
      waveName: 'Applications',
      sourceServerIds: ['s-0c0501e000000003a'],
      approval: { approvers: ['arn:aws:iam::*:user/*'], excludeStarter: true },
    },
    { waveName: 'Web', sourceServerIds: ['s-0c0501e000000004a'] },
  ],
};

/** A plan that is listed, never started: its target's ExternalId is a secret shared with the target account. */
const targeted: RecoveryPlan = {
  planId: 'rp-console-targeted',
  planName: 'Recovered in another account',
  target: { accountId: '210987654321', region: 'eu-west-1', roleName: 'DrsLedgerTarget', externalId: 'shared-secret-1234' },
  waves: [{ waveName: 'All', sourceServerIds: ['s-0c0501e000000009a'] }],
};

describe('the console as a chosen operator', () => {
  const previousSts = process.env.STS_ENDPOINT;
  const dataDir = tempDataDir();
  let stack: LocalStack;
  let web: ConsoleServer;
  let executionId: string;

  beforeAll(async () => {
    delete process.env.STS_ENDPOINT;
    ensureUsers(dataDir, parseUsersSpec('alice:drill+recovery+approve,bob:drill+approve'));
    stack = await startTestStack({ dataDir });
    await stack.loadPlans([plan, targeted]);
    web = await startStackConsole(stack, 0);
    await signIn(web.loginUrl);
  });
  afterAll(async () => {
    await web?.close();
    await stack?.close();
    if (previousSts !== undefined) process.env.STS_ENDPOINT = previousSts;
  });

  const get = (path: string) => consoleGet(web.url, path);
  const post = (path: string, body: Record<string, unknown>) => consolePost(web.url, path, body);
  const ledgerEvents = async (): Promise<ExecutionEvent[]> => (await stack.deps.store.read(executionId)).map((stored) => stored.event);

  it('lists the operators by name, principal and rights, never a key', async () => {
    const reply = await get('/api/users');
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toEqual({
      users: [
        { name: 'alice', principalArn: ALICE, rights: ['drill', 'recovery', 'approve'] },
        { name: 'bob', principalArn: BOB, rights: ['drill', 'approve'] },
      ],
    });
    expect(reply.text).not.toMatch(/AKIA|secret/i);
  });

  it('lists the plans with their waves, approval rules and targets, without an ExternalId', async () => {
    const reply = await get('/api/plans');
    expect(reply.status).toBe(200);
    const plans = reply.body.plans as RecoveryPlan[];
    expect(plans.find((listed) => listed.planId === plan.planId)).toMatchObject(plan);
    expect(plans.find((listed) => listed.planId === targeted.planId)?.target).toEqual({
      accountId: '210987654321',
      region: 'eu-west-1',
      roleName: 'DrsLedgerTarget',
    });
    expect(reply.text).not.toContain('shared-secret-1234');
  });

  it('starts a drill signed as alice: the ledger records her principal', async () => {
    const started = await post(`/api/plans/${plan.planId}/start`, { as: 'alice', type: 'DRILL' });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ statusCode: 200, status: 'RUNNING', executionType: 'DRILL' });
    executionId = String(started.body.executionId);
    const [first] = await ledgerEvents();
    expect(first).toMatchObject({ type: 'ExecutionStarted', actor: ALICE, data: { identity: { principal: ALICE } } });
  });

  it('lists the execution with who started it, and answers its details through the Lambda endpoint', async () => {
    const listed = await get(`/api/executions?plan=${plan.planId}&limit=5`);
    expect(listed.status).toBe(200);
    expect(listed.body.executions).toEqual([
      expect.objectContaining({ executionId, planId: plan.planId, executionType: 'DRILL', initiatedByPrincipal: ALICE, totalWaves: 3 }),
    ]);
    const paused = await pollUntil(
      () => get(`/api/executions/${executionId}`),
      (reply) => reply.body.status === 'PAUSED',
    );
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ executionId, status: 'PAUSED' });
    const byStatus = await get('/api/executions?status=PAUSED');
    expect((byStatus.body.executions as Array<{ executionId: string }>).map((row) => row.executionId)).toEqual([executionId]);
  });

  it('refuses bad listing parameters and an unknown execution with clear errors', async () => {
    expect(await get('/api/executions?status=SLEEPING')).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    expect(await get('/api/executions?limit=0')).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    expect(await get('/api/executions?nextToken=not-a-token')).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    expect(await get('/api/executions/no-such-execution')).toMatchObject({ status: 404, body: { error: 'EXECUTION_NOT_FOUND' } });
    expect(await get('/api/executions/no-such-execution/ledger')).toMatchObject({ status: 404, body: { error: 'EXECUTION_NOT_FOUND' } });
    expect(await get('/api/executions/no-such-execution/timeline')).toMatchObject({ status: 404 });
    expect(await get('/reports/no-such-execution.html')).toMatchObject({ status: 404 });
  });

  it('while paused, the feed verifies the chain and says no digest seals it yet (PENDING)', async () => {
    const reply = await get(`/api/executions/${executionId}/ledger`);
    expect(reply.status).toBe(200);
    const { events, head, verification, digest } = reply.body as {
      events: Array<{ seq: number; type: string; hash: string; previousHash: string; actor: string }>;
      head: { seq: number; hash: string };
      verification: { status: string; detail: string };
      digest: { status: string };
    };
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: events.length }, (_, index) => index + 1));
    expect(head).toEqual({ seq: events.at(-1)?.seq, hash: events.at(-1)?.hash });
    // Each event names the hash of the one before it: the chain, as verify recomputes it.
    for (const [index, event] of events.entries()) if (index > 0) expect(event.previousHash).toBe(events[index - 1]?.hash);
    expect(events[0]).toMatchObject({ type: 'ExecutionStarted', actor: expect.stringContaining(ALICE) });
    expect(events[0]?.actor).toContain('verified');
    expect(verification).toEqual({ status: 'VERIFIED', detail: expect.stringContaining(`head ${head.seq}:${head.hash}`) });
    expect(digest.status).toBe('PENDING');
  });

  it('passes the operator API refusal of alice approving her own drill through, with its status', async () => {
    const refused = await post(`/api/executions/${executionId}/approve`, { as: 'alice', comment: 'looks fine to me' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'APPROVAL_REFUSED' });
    const unknownUser = await post(`/api/executions/${executionId}/approve`, { as: 'mallory', comment: 'let me in' });
    expect(unknownUser).toMatchObject({ status: 400, body: { error: 'UNKNOWN_USER' } });
    const badField = await post(`/api/executions/${executionId}/approve`, { as: 'bob', comment: 'ok', identity: ALICE });
    expect(badField).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST', message: expect.stringContaining('identity') } });
    const approvals = (await ledgerEvents()).filter((event) => event.type === 'ApprovalGranted');
    expect(approvals).toEqual([]);
  });

  it('approves signed as bob with a comment and a ticket: the ledger records his principal, and the drill completes', async () => {
    const before = (await get(`/api/executions/${executionId}/ledger`)).body.head as { seq: number };
    const approved = await post(`/api/executions/${executionId}/approve`, {
      as: 'bob',
      comment: 'Wave 1 checked: databases up',
      ticket: 'CHG0012345',
      waveNumber: 2,
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    const completed = await waitFor(
      stack,
      executionId,
      (details) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(String(details.status)),
      120_000,
    );
    expect(completed.status).toBe('COMPLETED');
    expect((await ledgerEvents()).filter((event) => event.type === 'ApprovalGranted')).toEqual([
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

    // The feed after the head seen before: only what came since, the approval among it.
    const since = await get(`/api/executions/${executionId}/ledger?after=${before.seq}`);
    const newer = since.body.events as Array<{ seq: number; type: string; actor: string; summary: string }>;
    expect(newer.length).toBeGreaterThan(0);
    expect(newer.every((event) => event.seq > before.seq)).toBe(true);
    expect(newer.find((event) => event.type === 'ApprovalGranted')).toMatchObject({
      actor: expect.stringContaining(BOB),
      summary: 'wave 2 approved: Wave 1 checked: databases up (ticket CHG0012345)',
    });
    expect(await get(`/api/executions/${executionId}/ledger?after=one`)).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
  });

  it('once ended, the digest the end triggers vouches for the ledger (VOUCHED)', async () => {
    const vouched = await pollUntil(
      () => get(`/api/executions/${executionId}/ledger?after=1000`),
      (reply) => (reply.body.digest as { status: string }).status === 'VOUCHED',
    );
    expect(vouched.body).toMatchObject({
      events: [],
      verification: { status: 'VERIFIED' },
      digest: { detail: expect.stringContaining('vouches for seq') },
    });
  });

  it("shows the report's own timeline, and the reports in each format", async () => {
    const timeline = await get(`/api/executions/${executionId}/timeline`);
    expect(timeline.status).toBe(200);
    expect(String(timeline.body.svg)).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(String(timeline.body.svg)).toContain('Applications');

    const html = await get(`/reports/${executionId}.html`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.text).toContain('Drill evidence report');
    expect(html.text).toContain(String(timeline.body.svg));
    const markdown = await get(`/reports/${executionId}.md`);
    expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(markdown.text).toContain(plan.planName);
    const json = await get(`/reports/${executionId}.json`);
    expect(JSON.parse(json.text)).toMatchObject({ execution: { executionId, status: 'COMPLETED' }, digests: { status: 'covered' } });
  });

  it("an insider's edit of bob's approval turns the badge BROKEN at its seq, though the head the digest sealed still matches", async () => {
    // The feed's answer as it stands, kept by the console until something it watches changes.
    const before = await get(`/api/executions/${executionId}/ledger?after=1000`);
    expect(before.body.verification).toMatchObject({ status: 'VERIFIED' });
    const raw = new RawLedger(stack.dynamoClient, stack.config.tables.events, executionId);
    const items = await raw.items();
    const approval = (await ledgerEvents()).find((event) => event.type === 'ApprovalGranted');
    const seq = Number(approval?.seq);
    const edited = withPackedEvent(items[seq - 1] as Item, (event) => ({
      ...event,
      data: { ...(event.data as Record<string, unknown>), comment: 'Approved without checking' },
    }));
    await stack.dynamoClient.send(new PutItemCommand({ TableName: raw.table, Item: edited }));

    // The head did not move: the tamper alarm the stream raises is what tells the feed to look again.
    const broken = await pollUntil(
      () => get(`/api/executions/${executionId}/ledger?after=1000`),
      (reply) => (reply.body.verification as { status: string }).status === 'BROKEN',
    );
    expect(broken.body).toMatchObject({
      verification: { status: 'BROKEN', detail: expect.stringContaining(`first bad seq ${seq}, modified`) },
      // The edit left the stored hashes as they were: the head the digest vouches for is still the ledger's.
      digest: { status: 'VOUCHED' },
    });
    expect((broken.body.verification as { detail: string }).detail).toContain('tamper alarm');
  });
});
