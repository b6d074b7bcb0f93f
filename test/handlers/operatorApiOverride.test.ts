/**
 * The operator API's start routes and preflight: a BLOCKING finding refuses the drill (409, nothing written);
 * an override in the body starts it, and the deviation is accepted by the verified principal, not by a name.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handleOperatorApiRequest } from '../../src/handlers/operatorApi';
import { DB_1, PLAN_ID, samplePlan } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const logger = new Logger({ serviceName: 'operator-api-test', logLevel: 'SILENT' });

const request = async (world: MemoryWorld, method: string, path: string, body?: unknown, query: Record<string, string> = {}) => {
  const answer = await handleOperatorApiRequest(world.deps, logger, {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      routeKey: '$default',
      stage: '$default',
      authorizer: { iam: { userArn: ALICE, accessKey: 'AKIA', accountId: '123456789012' } },
    },
  });
  return { statusCode: answer.statusCode, body: JSON.parse(answer.body) as Record<string, unknown> };
};
const startDrill = (world: MemoryWorld, body: unknown) => request(world, 'POST', `/plans/${PLAN_ID}/drills`, body);

describe('operator API: a drill of a plan that is not ready', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(samplePlan);
    world.drs.replicationOf.set(DB_1, { serverId: DB_1, state: 'DISCONNECTED' });
  });

  it('is refused with 409 PREFLIGHT_BLOCKED and its findings; nothing is written', async () => {
    const { statusCode, body } = await startDrill(world, { name: 'Alice' });
    expect(statusCode).toBe(409);
    expect(body).toMatchObject({ error: 'PREFLIGHT_BLOCKED', findings: [{ code: 'REPLICATION_NOT_HEALTHY', serverId: DB_1 }] });
    expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
    expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
  });

  it('starts with an override; the deviation is accepted by the verified principal, her name only a claim', async () => {
    const { statusCode, body } = await startDrill(world, {
      name: 'Alice',
      override: { reason: 'DB reconnecting; accepted for this drill' },
    });
    expect(statusCode).toBe(200);
    const assessed = (await world.events(body.executionId as string)).find((event) => event.type === 'ReadinessAssessed');
    expect(assessed).toMatchObject({
      actor: ALICE,
      data: {
        deviation: {
          reason: 'DB reconnecting; accepted for this drill',
          acceptedBy: ALICE,
          identity: { principal: ALICE, claim: 'Alice' },
        },
      },
    });
  });

  it('an override without a reason is refused with 400; nothing is written', async () => {
    const { statusCode, body } = await startDrill(world, { override: {} });
    expect(statusCode).toBe(400);
    expect(body).toMatchObject({ error: 'INVALID_PARAMETERS' });
    expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
  });
});

describe('operator API: GET /plans/{planId}/preflight', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(samplePlan);
    world.drs.replicationOf.set(DB_1, { serverId: DB_1, state: 'DISCONNECTED' });
  });

  it('answers the findings for the start it checks, writing nothing', async () => {
    const { statusCode, body } = await request(world, 'GET', `/plans/${PLAN_ID}/preflight`, undefined, { type: 'RECOVERY' });
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({
      planId: PLAN_ID,
      executionType: 'RECOVERY',
      ready: false,
      findings: [{ code: 'REPLICATION_NOT_HEALTHY' }],
    });
    expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
  });

  it('refuses a bad query with 400 and an unknown plan with 404', async () => {
    expect((await request(world, 'GET', `/plans/${PLAN_ID}/preflight`, undefined, { type: 'TEST' })).statusCode).toBe(400);
    expect((await request(world, 'GET', `/plans/${PLAN_ID}/preflight`, undefined, { recoverAsOf: 'soon' })).statusCode).toBe(400);
    expect((await request(world, 'GET', `/plans/${PLAN_ID}/preflight`, undefined, { other: '1' })).statusCode).toBe(400);
    expect(await request(world, 'GET', '/plans/plan-missing/preflight')).toMatchObject({
      statusCode: 404,
      body: { error: 'PLAN_NOT_FOUND' },
    });
  });
});
