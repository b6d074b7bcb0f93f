/**
 * The console on a stack without operators: actions go to the execution-handler as a direct invocation, named
 * `console` and recorded unverified (no principal), as `drs-ledger invoke` without --as is; a user named
 * anyway is refused, and so is a pause of an execution the ledger does not have.
 */
import type { ExecutionEvent } from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import type { LocalStack } from '../../../src/local/stack';
import { type ConsoleServer, startStackConsole } from '../../../src/cli/console/stackConsole';
import { startTestStack, waitFor } from '../../support/localStack';
import { consoleGet, consolePost, signIn } from './consoleClient';

jest.setTimeout(180_000);

const plan: RecoveryPlan = {
  planId: 'rp-console-direct',
  planName: 'Console drill without operators',
  waves: [
    { waveName: 'Databases', sourceServerIds: ['s-0c0501e00000000da'] },
    { waveName: 'Applications', sourceServerIds: ['s-0c0501e00000000db'], pauseBeforeWave: true },
  ],
};

describe('the console without operators: direct invocations, unverified', () => {
  let stack: LocalStack;
  let web: ConsoleServer;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([plan]);
    web = await startStackConsole(stack, 0);
    await signIn(web.loginUrl);
  });
  afterAll(async () => {
    await web?.close();
    await stack?.close();
  });

  const post = (path: string, body: Record<string, unknown>) => consolePost(web.url, path, body);
  const ledgerEvents = async (executionId: string): Promise<ExecutionEvent[]> =>
    (await stack.deps.store.read(executionId)).map((stored) => stored.event);

  it('has no operators to offer', async () => {
    expect((await consoleGet(web.url, '/api/users')).body).toEqual({ users: [] });
    expect(await post(`/api/plans/${plan.planId}/start`, { as: 'alice', type: 'DRILL' })).toMatchObject({
      status: 400,
      body: { error: 'UNKNOWN_USER', message: expect.stringContaining('no operators') },
    });
  });

  it('starts, resumes and records each act as `console`, without a principal', async () => {
    const started = await post(`/api/plans/${plan.planId}/start`, { type: 'DRILL' });
    expect(started).toMatchObject({ status: 200, body: { statusCode: 200, status: 'RUNNING' } });
    const executionId = String(started.body.executionId);
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);

    expect(await post(`/api/executions/${executionId}/resume`, { waveNumber: 2 })).toMatchObject({
      status: 400,
      body: { error: 'BAD_REQUEST', message: expect.stringContaining('waveNumber') },
    });
    const resumed = await post(`/api/executions/${executionId}/resume`, {});
    expect(resumed).toMatchObject({ status: 200, body: { statusCode: 200 } });
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 90_000);

    const events = await ledgerEvents(executionId);
    const startEvent = events.find((event) => event.type === 'ExecutionStarted');
    const resumeEvent = events.find((event) => event.type === 'ExecutionResumed');
    expect(startEvent).toMatchObject({ actor: 'console' });
    expect(resumeEvent).toMatchObject({ actor: 'console' });
    expect((startEvent?.data as { identity?: unknown }).identity).toBeUndefined();
    expect((resumeEvent?.data as { identity?: unknown }).identity).toBeUndefined();

    // The feed marks them as the CLI does: a name typed, not a principal verified.
    const feed = await consoleGet(web.url, `/api/executions/${executionId}/ledger`);
    const fed = feed.body.events as Array<{ type: string; actor: string }>;
    expect(fed.find((event) => event.type === 'ExecutionStarted')?.actor).toMatch(/^console .*unverified/);
    expect(fed.find((event) => event.type === 'ExecutionResumed')?.actor).toMatch(/^console .*unverified/);
  });

  it("passes the handler's refusal through with its status, and a missing execution is 404", async () => {
    const listed = await consoleGet(web.url, '/api/executions?status=COMPLETED');
    const [done] = listed.body.executions as Array<{ executionId: string }>;
    const late = await post(`/api/executions/${done?.executionId ?? ''}/pause`, {});
    expect(late).toMatchObject({ status: 400, body: { statusCode: 400, error: 'INVALID_STATE' } });
    expect(await post('/api/executions/no-such-execution/pause', {})).toMatchObject({
      status: 404,
      body: { error: 'EXECUTION_NOT_FOUND' },
    });
    expect(await post('/api/executions/no-such-execution/snooze', {})).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    // An id of any length is quoted back cut to 128 characters.
    const long = await post(`/api/executions/${'y'.repeat(5000)}/pause`, {});
    expect(long).toMatchObject({
      status: 404,
      body: { error: 'EXECUTION_NOT_FOUND', message: `Execution not found: ${'y'.repeat(128)}…` },
    });
  });
});
