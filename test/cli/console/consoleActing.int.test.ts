/**
 * How the console acts on a stack with operators. An action without `as` would be a direct invocation, which
 * checks no one's rights: refused (400), nothing written, so bob cannot start a RECOVERY he has no right to by
 * leaving his name out. Two identical actions in a row are two requests, each signed afresh (a request id under
 * the signature), so the second is judged by the domain, never refused as a replay. An operator API that does
 * not answer gets 504 in bounded time, saying the action may have been recorded.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { localConsoleBackend, localOperator } from '../../../src/cli/console/consoleBackend';
import { type ConsoleServer, startConsoleServer } from '../../../src/cli/console/consoleServer';
import { ensureUsers, type LocalUser, parseUsersSpec } from '../../../src/local/operatorApi/users';
import type { LocalStack } from '../../../src/local/stack';
import { startTestStack, tempDataDir, waitFor, waitForSettledPause } from '../../support/localStack';
import { type ConsoleReply, consoleGet, consolePost, signIn } from './consoleClient';

jest.setTimeout(180_000);

const plan: RecoveryPlan = {
  planId: 'rp-console-acting',
  planName: 'Console acting plan',
  waves: [
    { waveName: 'Databases', sourceServerIds: ['s-0c0501e00000000f1'] },
    {
      waveName: 'Applications',
      sourceServerIds: ['s-0c0501e00000000f2'],
      approval: { approvers: ['arn:aws:iam::*:user/*'], excludeStarter: true },
    },
  ],
};

/** The two answers' status and error, for a comparison that names them when it fails. */
const outcome = (reply: ConsoleReply) => ({ status: reply.status, error: reply.body.error });

describe('the console acting on a stack with operators', () => {
  const dataDir = tempDataDir();
  let stack: LocalStack;
  let users: LocalUser[];
  let web: ConsoleServer;
  let executionId: string;

  beforeAll(async () => {
    ({ users } = ensureUsers(dataDir, parseUsersSpec('alice:drill+recovery+approve,bob:drill+approve')));
    stack = await startTestStack({ dataDir });
    await stack.loadPlans([plan]);
    web = await startConsoleServer({ port: 0, backend: localConsoleBackend(stack) });
    await signIn(web.loginUrl);
  });
  afterAll(async () => {
    await web?.close();
    await stack?.close();
  });

  const post = (path: string, body: Record<string, unknown>) => consolePost(web.url, path, body);
  const executions = async () => (await stack.deps.store.listExecutions(100)).executions.length;
  const ledgerLength = async () => (await stack.deps.store.read(executionId)).length;

  it("refuses a RECOVERY without `as` (no rights checked, so bob's would pass): 400, nothing started", async () => {
    const recovery = await post(`/api/plans/${plan.planId}/start`, { type: 'RECOVERY' });
    expect(recovery).toMatchObject({
      status: 400,
      body: { error: 'DIRECT_INVOCATION_REFUSED', message: expect.stringContaining('act as alice or bob') },
    });
    expect(await post(`/api/plans/${plan.planId}/start`, { type: 'DRILL' })).toMatchObject({
      status: 400,
      body: { error: 'DIRECT_INVOCATION_REFUSED' },
    });
    expect(await executions()).toBe(0);
    // Named, bob is refused the recovery by the operator API: his rights are checked.
    expect(await post(`/api/plans/${plan.planId}/start`, { as: 'bob', type: 'RECOVERY' })).toMatchObject({
      status: 403,
      body: { error: 'AccessDeniedException' },
    });
    expect(await executions()).toBe(0);
  });

  it('refuses every action on an execution without `as`, and its ledger does not move', async () => {
    const started = await post(`/api/plans/${plan.planId}/start`, { as: 'alice', type: 'DRILL' });
    expect(started.status).toBe(200);
    executionId = String(started.body.executionId);
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED' && details.pendingApproval !== undefined, 90_000);
    await waitForSettledPause(stack, executionId);
    const before = await ledgerLength();
    for (const action of ['pause', 'resume', 'approve', 'decline', 'cancel']) {
      const acted = await post(`/api/executions/${executionId}/${action}`, { comment: 'unnamed' });
      expect({ action, ...outcome(acted) }).toEqual({ action, status: 400, error: 'DIRECT_INVOCATION_REFUSED' });
    }
    expect(await ledgerLength()).toBe(before);
  });

  it('judges two identical pauses sent at once, and two in a row, each on its merits: never a replay', async () => {
    const path = `/api/executions/${executionId}/pause`;
    const body = { as: 'alice', reason: 'hold on' };
    // Sent together, both are signed in the same second: without a request id of their own they would carry one signature.
    const together = await Promise.all([post(path, body), post(path, body)]);
    const inARow = [await post(path, body), await post(path, body)];
    for (const reply of [...together, ...inARow]) expect(outcome(reply)).toEqual({ status: 400, error: 'INVALID_STATE' });
  });

  it('judges two identical approvals sent at once each on its merits: one approves, the other is judged on the ledger it finds', async () => {
    const path = `/api/executions/${executionId}/approve`;
    const body = { as: 'bob', comment: 'x', ticket: 'CHG-1', waveNumber: 2 };
    const answers = await Promise.all([post(path, body), post(path, body)]);
    expect(answers.map((reply) => reply.body.error)).not.toContain('ReplayedRequest');
    // One approves. The other loses the approval's seq and decides again on what it finds: the approval and the
    // resume both recorded (the domain's answer, a 4xx), or the approval alone, its writer not yet at the resume,
    // which it then resumes, as a request that finds an approval whose writer stopped before resuming does.
    const [first, second] = answers.map((reply) => reply.status).sort((a, b) => a - b);
    expect(first).toBe(200);
    expect(second === 200 || (second !== undefined && second >= 400 && second < 500)).toBe(true);
    const recorded = (await stack.deps.store.read(executionId)).map((stored) => stored.event.type);
    expect(recorded.filter((type) => type === 'ApprovalGranted')).toHaveLength(1);
    expect(recorded.filter((type) => type === 'ExecutionResumed')).toHaveLength(1);
  });

  it('quotes at most 128 characters of an id it does not know', async () => {
    const long = 'x'.repeat(5000);
    const reply = await consoleGet(web.url, `/api/executions/${long}/ledger`);
    expect(reply).toMatchObject({ status: 404, body: { error: 'EXECUTION_NOT_FOUND' } });
    expect(String(reply.body.message).length).toBeLessThan(200);
  });

  describe('an operator API that does not answer', () => {
    let hung: Server;
    const received: IncomingMessage[] = [];
    let slow: ConsoleServer;

    beforeAll(async () => {
      // Takes each request and never answers it.
      hung = createServer((request) => received.push(request));
      await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
      const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
      const backend = localConsoleBackend(stack);
      slow = await startConsoleServer({
        port: 0,
        operatorApiTimeoutMs: 500,
        backend: {
          ...backend,
          operatorApi: hungUrl,
          operators: () => [
            localOperator(users[0] as LocalUser, hungUrl),
            // A sender that cannot be stopped (as the deployed one): the console stops waiting all the same.
            { ...localOperator(users[1] as LocalUser, hungUrl), send: () => new Promise(() => undefined) },
          ],
        },
      });
      await signIn(slow.loginUrl);
    });
    afterAll(async () => {
      await slow?.close();
      hung.closeAllConnections();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    });

    it('answers 504 OPERATOR_API_TIMEOUT in bounded time, says the action may have been recorded, and stops the request', async () => {
      for (const as of ['alice', 'bob']) {
        const asked = Date.now();
        const reply = await consolePost(slow.url, `/api/plans/${plan.planId}/start`, { as, type: 'DRILL' });
        expect({ as, ...outcome(reply) }).toEqual({ as, status: 504, error: 'OPERATOR_API_TIMEOUT' });
        expect(reply.body.message).toContain('may still have been recorded');
        expect(Date.now() - asked).toBeLessThan(5000);
      }
      // alice's request reached the API, signed, and was abandoned: its connection closed, not left open.
      expect(received).toHaveLength(1);
      expect(received[0]?.headers['x-drs-ledger-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const closed = new Promise<boolean>((resolve) => {
        const socket = received[0]?.socket;
        if (!socket || socket.destroyed) resolve(true);
        else socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 2000).unref();
      });
      expect(await closed).toBe(true);
    });
  });
});
