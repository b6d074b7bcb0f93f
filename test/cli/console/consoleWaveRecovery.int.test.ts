/**
 * The console on an execution paused on a failed wave (onWaveFailure PAUSE): its retry and skip actions reach the
 * execution-handler (directly on a stack without operators, as `console`, unverified; signed as an operator on a
 * stack with users, the principal recorded), and the waiting state machine goes on.
 */
import type { RecoveryPlan } from '../../../src/domain/plan';
import type { LocalStack } from '../../../src/local/stack';
import { type ConsoleServer, startStackConsole } from '../../../src/cli/console/stackConsole';
import { ensureUsers, parseUsersSpec } from '../../../src/local/operatorApi/users';
import { startTestStack, tempDataDir, waitFor, waitForSettledPause } from '../../support/localStack';
import { consolePost, signIn } from './consoleClient';

jest.setTimeout(180_000);

const FAILING = 's-0c0501e0000000fa2';
const planOf = (planId: string): RecoveryPlan => ({
  planId,
  planName: `Console failure ${planId}`,
  onWaveFailure: 'PAUSE',
  waves: [
    { waveName: 'Databases', sourceServerIds: ['s-0c0501e0000000fa1'] },
    { waveName: 'Applications', sourceServerIds: [FAILING, 's-0c0501e0000000fa3'] },
  ],
});

const pausedOnWave2 = async (stack: LocalStack, web: ConsoleServer, plan: RecoveryPlan, as?: string): Promise<string> => {
  stack.drs.faults.apply({ failServers: [{ sourceServerID: FAILING, stage: 'LAUNCH', times: 1 }] });
  const started = await consolePost(web.url, `/api/plans/${plan.planId}/start`, { type: 'DRILL', ...(as ? { as } : {}) });
  expect(started).toMatchObject({ status: 200 });
  const executionId = String(started.body.executionId);
  await waitForSettledPause(stack, executionId);
  return executionId;
};

describe('the console without operators', () => {
  const plan = planOf('rp-console-failure-direct');
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

  it('retries the failed wave as `console` and the drill completes; resume was refused', async () => {
    const executionId = await pausedOnWave2(stack, web, plan);
    expect(await consolePost(web.url, `/api/executions/${executionId}/resume`, {})).toMatchObject({
      status: 400,
      body: { message: 'Wave 2 failed: retry it or skip it (or cancel the execution)' },
    });
    // A press on a page that shows another round as next (a stale page) starts nothing.
    const stale = await consolePost(web.url, `/api/executions/${executionId}/retry`, { waveNumber: 2, retryRound: 2 });
    expect(stale).toMatchObject({ status: 200, body: { status: 'NOT_RETRIED', executionStatus: 'PAUSED' } });
    const retried = await consolePost(web.url, `/api/executions/${executionId}/retry`, { waveNumber: 2, retryRound: 1 });
    expect(retried).toMatchObject({ status: 200, body: { status: 'RETRYING', serverIds: [FAILING], requestedBy: 'console' } });
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 90_000);
  });
});

describe('the console with operators', () => {
  const plan = planOf('rp-console-failure-signed');
  const dataDir = tempDataDir();
  let stack: LocalStack;
  let web: ConsoleServer;
  beforeAll(async () => {
    ensureUsers(dataDir, parseUsersSpec('alice:drill'));
    stack = await startTestStack({ dataDir });
    await stack.loadPlans([plan]);
    web = await startStackConsole(stack, 0);
    await signIn(web.loginUrl);
  });
  afterAll(async () => {
    await web?.close();
    await stack?.close();
  });

  it('skips the failed wave as alice, with her reason, and the drill completes', async () => {
    const executionId = await pausedOnWave2(stack, web, plan, 'alice');
    const skipped = await consolePost(web.url, `/api/executions/${executionId}/skip`, {
      as: 'alice',
      waveNumber: 2,
      reason: 'applications restored by hand',
    });
    expect(skipped).toMatchObject({ status: 200, body: { status: 'SKIPPED' } });
    const details = await waitFor(stack, executionId, (answer) => answer.status === 'COMPLETED', 90_000);
    expect(details).toMatchObject({
      waveStatuses: [
        { status: 'COMPLETED' },
        { status: 'SKIPPED', skipped: { reason: 'applications restored by hand', principal: expect.stringContaining('alice') } },
      ],
    });
  });
});
