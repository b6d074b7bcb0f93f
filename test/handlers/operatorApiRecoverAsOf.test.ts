/**
 * POST /plans/{planId}/recoveries (and drills) take recoverAsOf: recorded on the start when it is an instant
 * DRS can recover to, refused with 400 and nothing written when it is not.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handleOperatorApiRequest } from '../../src/handlers/operatorApi';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const logger = new Logger({ serviceName: 'operator-api-test', logLevel: 'SILENT' });

const post = async (world: MemoryWorld, path: string, body: unknown) => {
  const answer = await handleOperatorApiRequest(world.deps, logger, {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      routeKey: '$default',
      stage: '$default',
      authorizer: { iam: { userArn: ALICE, accessKey: 'AKIA', accountId: '123456789012' } },
    },
  });
  return { statusCode: answer.statusCode, body: JSON.parse(answer.body) as Record<string, unknown> };
};

describe('recoverAsOf on the operator API', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(samplePlan);
  });

  it('a recovery as of an hour ago is recorded on its start', async () => {
    const asOf = new Date(Date.parse(world.clock.now()) - 3_600_000).toISOString();
    const { statusCode, body } = await post(world, `/plans/${PLAN_ID}/recoveries`, { recoverAsOf: asOf });
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ executionType: 'RECOVERY', recoverAsOf: asOf });
    expect((await world.events(body.executionId as string))[0]).toMatchObject({ data: { recoverAsOf: asOf } });
  });

  it.each([
    ['no instant', 'an hour ago', 'INVALID_RECOVER_AS_OF'],
    ['a number', 1_700_000_000, 'INVALID_PARAMETERS'],
    ['far too long a text', `2026-03-01T08:00:00Z${' '.repeat(100)}`, 'INVALID_PARAMETERS'],
  ])('%s is refused with 400 and nothing is written', async (_label, recoverAsOf, error) => {
    const { statusCode, body } = await post(world, `/plans/${PLAN_ID}/drills`, { recoverAsOf });
    expect(statusCode).toBe(400);
    expect(body).toMatchObject({ error });
    expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
    expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
  });
});
