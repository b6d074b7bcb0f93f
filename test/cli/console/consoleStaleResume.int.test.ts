/**
 * A resume pressed on a stale page: the page shows the drill paused before wave 2, but someone else resumed it and
 * it paused again before wave 3. The body the page builds (actionBody, from the details it shows) names wave 2,
 * and the operator API refuses it (409) with nothing recorded: the press never ends a pause the operator did not
 * see. A page that shows the current pause resumes it.
 */
import type { ExecutionEvent } from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { ensureUsers, parseUsersSpec } from '../../../src/local/operatorApi/users';
import type { LocalStack } from '../../../src/local/stack';
import { type ConsoleServer, startStackConsole } from '../../../src/cli/console/stackConsole';
import { actionBody } from '../../../src/console/view/actions';
import type { ConsoleUser, ExecutionDetails } from '../../../src/console/wire';
import { startTestStack, tempDataDir } from '../../support/localStack';
import { consoleGet, consolePost, pollUntil, signIn } from './consoleClient';

jest.setTimeout(240_000);

const ALICE: ConsoleUser = { name: 'alice', principalArn: 'arn:aws:iam::000000000000:user/alice', rights: ['drill', 'approve'] };

const plan: RecoveryPlan = {
  planId: 'rp-console-stale-resume',
  planName: 'Pauses before waves 2 and 3',
  waves: [
    { waveName: 'Databases', sourceServerIds: ['s-0c0501e0000000e1a'] },
    { waveName: 'Applications', sourceServerIds: ['s-0c0501e0000000e2a'], pauseBeforeWave: true },
    { waveName: 'Web', sourceServerIds: ['s-0c0501e0000000e3a'], pauseBeforeWave: true },
  ],
};

describe('a resume from a stale page', () => {
  const previousSts = process.env.STS_ENDPOINT;
  const dataDir = tempDataDir();
  let stack: LocalStack;
  let web: ConsoleServer;

  beforeAll(async () => {
    delete process.env.STS_ENDPOINT;
    ensureUsers(dataDir, parseUsersSpec('alice:drill+approve,bob:drill'));
    stack = await startTestStack({ dataDir });
    await stack.loadPlans([plan]);
    web = await startStackConsole(stack, 0);
    await signIn(web.loginUrl);
  });
  afterAll(async () => {
    await web?.close();
    await stack?.close();
    if (previousSts !== undefined) process.env.STS_ENDPOINT = previousSts;
  });

  const details = async (executionId: string, nextWave: number): Promise<ExecutionDetails> =>
    (
      await pollUntil(
        () => consoleGet(web.url, `/api/executions/${executionId}`),
        (reply) => reply.body.status === 'PAUSED' && reply.body.nextWave === nextWave,
      )
    ).body as unknown as ExecutionDetails;
  const resumes = async (executionId: string): Promise<ExecutionEvent[]> =>
    (await stack.deps.store.read(executionId)).map((stored) => stored.event).filter((event) => event.type === 'ExecutionResumed');

  it('is refused (409), recording nothing, once the drill paused before another wave; the current pause resumes', async () => {
    const started = await consolePost(web.url, `/api/plans/${plan.planId}/start`, { as: 'alice', type: 'DRILL' });
    expect(started.status).toBe(200);
    const executionId = String(started.body.executionId);

    // Alice's page shows the pause before wave 2...
    const stale = await details(executionId, 2);
    // ...while bob resumes it from his, and the drill pauses again, before wave 3.
    const bobs = await consolePost(web.url, `/api/executions/${executionId}/resume`, { as: 'bob', waveNumber: 2 });
    expect(bobs.status).toBe(200);
    const current = await details(executionId, 3);
    expect(await resumes(executionId)).toHaveLength(1);

    const body = actionBody('resume', stale, ALICE);
    expect(body).toEqual({ as: 'alice', waveNumber: 2 });
    const refused = await consolePost(web.url, `/api/executions/${executionId}/resume`, { ...body });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ statusCode: 409, message: expect.stringContaining('waits before wave 3') });
    expect(await resumes(executionId)).toHaveLength(1);
    expect((await consoleGet(web.url, `/api/executions/${executionId}`)).body).toMatchObject({ status: 'PAUSED', nextWave: 3 });

    // The page refreshed (it reads the details back after every action): its press resumes the pause it shows.
    const resumed = await consolePost(web.url, `/api/executions/${executionId}/resume`, { ...actionBody('resume', current, ALICE) });
    expect(resumed.status).toBe(200);
    expect(await resumes(executionId)).toHaveLength(2);
  });
});
