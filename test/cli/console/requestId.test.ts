/**
 * Each request signed for the operator API carries a request id of its own under the signature: two identical
 * requests signed in the same second (X-Amz-Date has whole seconds) get two signatures, and the API's replay
 * guard takes both, while a true replay (the same signed request sent again) is still refused.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handleOperatorApiRequest } from '../../../src/handlers/operatorApi';
import { type OperatorApiServer, startOperatorApiServer } from '../../../src/local/operatorApi/server';
import { REQUEST_ID_HEADER, sendRequest, signRequest } from '../../../src/local/operatorApi/signing';
import { ensureUsers, type LocalUser, parseUsersSpec } from '../../../src/local/operatorApi/users';
import { PLAN_ID, withPauseBefore } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';
import { tempDataDir } from '../../support/localStack';

const logger = new Logger({ serviceName: 'request-id-test', logLevel: 'SILENT' });

describe('a request id under every signature', () => {
  let world: MemoryWorld;
  let server: OperatorApiServer;
  let alice: LocalUser;

  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(withPauseBefore([2]));
    [alice] = ensureUsers(tempDataDir(), parseUsersSpec('alice:drill+recovery+approve')).users as [LocalUser];
    server = await startOperatorApiServer({
      port: 0,
      users: [alice],
      answer: (event) => handleOperatorApiRequest(world.deps, logger, event),
    });
  });
  afterEach(() => server.close());

  it('signs two identical requests of the same instant differently, and both are judged (the second by the domain)', async () => {
    const at = new Date();
    const drill = () => signRequest(alice, { method: 'POST', url: `${server.endpoint}/plans/${PLAN_ID}/drills`, body: {} }, at);
    const [first, second] = [await drill(), await drill()];

    expect(first.headers[REQUEST_ID_HEADER]).not.toBe(second.headers[REQUEST_ID_HEADER]);
    expect(first.headers.authorization).toContain(REQUEST_ID_HEADER);
    expect(first.headers.authorization).not.toBe(second.headers.authorization);
    const answers = [await sendRequest(first), await sendRequest(second)];
    expect(answers[0]?.status).toBe(200);
    // The plan runs one execution at a time: the domain's refusal, not the replay guard's.
    expect(answers[1]?.body.error).not.toBe('ReplayedRequest');
    expect(answers[1]?.status).toBe(409);
    // A true replay is still one.
    expect(await sendRequest(first)).toMatchObject({ status: 403, body: { error: 'ReplayedRequest' } });
  });

  it('refuses a request whose id was changed after signing: it is under the signature', async () => {
    const signed = await signRequest(alice, { method: 'POST', url: `${server.endpoint}/plans/${PLAN_ID}/drills`, body: {} });
    const changed = { ...signed, headers: { ...signed.headers, [REQUEST_ID_HEADER]: 'another-id' } };
    expect(await sendRequest(changed)).toMatchObject({ status: 403, body: { error: 'InvalidSignatureException' } });
    expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
  });
});
