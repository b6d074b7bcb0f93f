/**
 * The local operator API's SigV4 check, attacked with real signatures (the SDK's signer): only a request
 * signed by a known user's secret, over this very method, path, query, headers and body, within five minutes
 * of now, and never seen before, reaches the handler. Every refusal is a 403 with its own code, and writes nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handleOperatorApiRequest } from '../../../src/handlers/operatorApi';
import { type OperatorApiServer, startOperatorApiServer } from '../../../src/local/operatorApi/server';
import { type ApiAnswer, sendRequest, type SignedRequest, signerFor, signRequest } from '../../../src/local/operatorApi/signing';
import { ensureUsers, type LocalUser, parseUsersSpec } from '../../../src/local/operatorApi/users';
import { PLAN_ID, withPauseBefore } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';
import { tempDataDir } from '../../support/localStack';

const logger = new Logger({ serviceName: 'operator-api-test', logLevel: 'SILENT' });
const MINUTE = 60_000;

describe('the local operator API verifies SigV4 signatures', () => {
  let world: MemoryWorld;
  let server: OperatorApiServer;
  let alice: LocalUser;
  let carol: LocalUser;

  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(withPauseBefore([2]));
    const { users } = ensureUsers(tempDataDir(), parseUsersSpec('alice:drill+recovery+approve,carol:drill'));
    [alice, carol] = users as [LocalUser, LocalUser];
    server = await startOperatorApiServer({
      port: 0,
      users,
      answer: (event) => handleOperatorApiRequest(world.deps, logger, event),
    });
  });
  afterEach(() => server.close());

  const url = (path: string) => `${server.endpoint}${path}`;
  const startDrill = (user: Pick<LocalUser, 'accessKeyId' | 'secretAccessKey'>, signingDate?: Date) =>
    signRequest(user, { method: 'POST', url: url(`/plans/${PLAN_ID}/drills`), body: { name: 'Alice' } }, signingDate);

  const expectRefused = (answer: ApiAnswer, status: number, error: string) => {
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error });
  };
  const expectNothingWritten = async () => {
    expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
    expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
  };

  it('given a request alice signed, when sent, the handler runs it as her principal', async () => {
    const answer = await sendRequest(await startDrill(alice));

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ executionId: 'exec-0001', executionType: 'DRILL' });
    expect((await world.events('exec-0001'))[0]).toMatchObject({
      type: 'ExecutionStarted',
      actor: 'arn:aws:iam::000000000000:user/alice',
      data: { identity: { principal: 'arn:aws:iam::000000000000:user/alice', claim: 'Alice' } },
    });
  });

  it('a GET with a query string, signed, is answered for any known user', async () => {
    const answer = await sendRequest(await signRequest(carol, { method: 'GET', url: url('/executions?limit=5') }));

    expect(answer).toEqual({ status: 200, body: expect.objectContaining({ executions: [] }) });
  });

  it('an unsigned request gets 403 MissingAuthenticationToken', async () => {
    const answer = await sendRequest({ method: 'POST', url: url(`/plans/${PLAN_ID}/drills`), body: '{}' });

    expectRefused(answer, 403, 'MissingAuthenticationToken');
    await expectNothingWritten();
  });

  it('a key no user holds gets 403 UnrecognizedClientException', async () => {
    const answer = await sendRequest(await startDrill({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: alice.secretAccessKey }));

    expectRefused(answer, 403, 'UnrecognizedClientException');
    await expectNothingWritten();
  });

  it("alice's key signed with another secret gets 403 InvalidSignatureException", async () => {
    const answer = await sendRequest(await startDrill({ accessKeyId: alice.accessKeyId, secretAccessKey: carol.secretAccessKey }));

    expectRefused(answer, 403, 'InvalidSignatureException');
    await expectNothingWritten();
  });

  it('a signed request whose body was changed in transit gets 403 InvalidSignatureException', async () => {
    const signed = await startDrill(alice);
    const tampered: SignedRequest = { ...signed, body: JSON.stringify({ name: 'Mallory' }) };

    expectRefused(await sendRequest(tampered), 403, 'InvalidSignatureException');
    await expectNothingWritten();
  });

  it("a signed drill sent to the recoveries route (carol's signature on another path) gets 403", async () => {
    const signed = await signRequest(carol, { method: 'POST', url: url(`/plans/${PLAN_ID}/drills`), body: {} });
    const retargeted: SignedRequest = { ...signed, url: url(`/plans/${PLAN_ID}/recoveries`) };

    expectRefused(await sendRequest(retargeted), 403, 'InvalidSignatureException');
    await expectNothingWritten();
  });

  it('a signature over UNSIGNED-PAYLOAD does not cover the body, so it is refused', async () => {
    const body = JSON.stringify({});
    const host = new URL(server.endpoint).host;
    const signed = await signerFor(alice).sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: `/plans/${PLAN_ID}/drills`,
      query: {},
      headers: { host, 'content-type': 'application/json', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body,
    });

    const answer = await sendRequest({ method: 'POST', url: url(`/plans/${PLAN_ID}/drills`), headers: signed.headers, body });

    expectRefused(answer, 403, 'InvalidSignatureException');
    await expectNothingWritten();
  });

  it('a request signed more than 5 minutes ago (or ahead) gets 403 SignatureExpired', async () => {
    const late = await sendRequest(await startDrill(alice, new Date(Date.now() - 6 * MINUTE)));
    const early = await sendRequest(await startDrill(alice, new Date(Date.now() + 6 * MINUTE)));

    expectRefused(late, 403, 'SignatureExpired');
    expectRefused(early, 403, 'SignatureExpired');
    await expectNothingWritten();
  });

  it('a signed request sent again (a replay) gets 403 ReplayedRequest, and only the first ran', async () => {
    const signed = await startDrill(alice);

    const first = await sendRequest(signed);
    const replayed = await sendRequest(signed);

    expect(first.status).toBe(200);
    expectRefused(replayed, 403, 'ReplayedRequest');
    expect((await world.ledger.listExecutions(10)).executions).toHaveLength(1);
  });

  it('two sends of one signature at the same moment: exactly one runs', async () => {
    const signed = await startDrill(alice);

    const answers = await Promise.all([sendRequest(signed), sendRequest(signed), sendRequest(signed)]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 403, 403]);
    expect((await world.ledger.listExecutions(10)).executions).toHaveLength(1);
  });

  it('carol (drill only) is refused a recovery with 403 AccessDeniedException naming the right, writing nothing', async () => {
    const answer = await sendRequest(await signRequest(carol, { method: 'POST', url: url(`/plans/${PLAN_ID}/recoveries`), body: {} }));

    expectRefused(answer, 403, 'AccessDeniedException');
    expect(answer.body.message).toContain('"recovery" right');
    await expectNothingWritten();
  });

  it('a body over 64 KB gets 413, signed or not read', async () => {
    const signed = await signRequest(alice, {
      method: 'POST',
      url: url(`/plans/${PLAN_ID}/drills`),
      body: { name: 'a', padding: 'x'.repeat(70 * 1024) },
    });

    expectRefused(await sendRequest(signed), 413, 'PayloadTooLarge');
    await expectNothingWritten();
  });
});
