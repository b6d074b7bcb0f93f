/**
 * The operator API's retry and skip routes: on an execution paused on a wave's failure, the verified principal
 * relaunches the wave's failed servers or skips it, and the ledger records that principal (the body's name only
 * as a claim); a request that cannot apply answers an error and writes nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handleOperatorApiRequest } from '../../src/handlers/operatorApi';
import type { RecoveryPlan } from '../../src/domain/plan';
import { poll } from '../../src/operations/poll';
import { DB_1, PLAN_ID, samplePlan } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const BOB = 'arn:aws:sts::123456789012:assumed-role/DrOperator/bob';
const FIRST = 'exec-0001';
const logger = new Logger({ serviceName: 'operator-api-test', logLevel: 'SILENT' });
/** Wave 1 is one server, so that failing its job fails the wave. */
const plan: RecoveryPlan = {
  ...samplePlan,
  onWaveFailure: 'PAUSE',
  waves: [{ waveName: 'database', sourceServerIds: [DB_1] }, ...samplePlan.waves.slice(1)],
};

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
      authorizer: { iam: { userArn: BOB, accessKey: 'AKIA', accountId: '123456789012' } },
    },
  });
  return { statusCode: answer.statusCode, body: JSON.parse(answer.body) as Record<string, unknown> };
};

describe('the operator API on a wave that failed under onWaveFailure PAUSE', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(plan);
    expect((await post(world, `/plans/${PLAN_ID}/drills`, {})).statusCode).toBe(200);
    world.drs.progress(world.drs.jobOfWave(1).jobId, 'COMPLETED', 'FAILED');
    world.clock.advance(30);
    expect(await poll(world.deps, { executionId: FIRST, planId: PLAN_ID })).toMatchObject({ status: 'PAUSED', nextWave: 1 });
  });

  it('POST /retry relaunches the failed server as the verified principal, its name a claim', async () => {
    const { statusCode, body } = await post(world, `/executions/${FIRST}/retry`, { waveNumber: 1, name: 'Bob B.' });
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ status: 'RETRYING', waveNumber: 1, retry: 1, serverIds: [DB_1] });
    const retried = (await world.events(FIRST)).find((event) => event.type === 'WaveRetryRequested');
    expect(retried).toMatchObject({ actor: BOB, data: { requestedBy: BOB, identity: { principal: BOB, claim: 'Bob B.' } } });
    const jobs = world.drs.startedJobs().filter((job) => job.tags['drs-ledger:wave'] === '1');
    expect(jobs.map((job) => [job.tags['drs-ledger:retry'], job.servers.map((server) => server.serverId)])).toEqual([
      [undefined, [DB_1]],
      ['1', [DB_1]],
    ]);
  });

  it('POST /retry with a retryRound that is not the next one answers the current state and writes nothing', async () => {
    const before = (await world.events(FIRST)).length;
    const stale = await post(world, `/executions/${FIRST}/retry`, { waveNumber: 1, retryRound: 2 });
    expect(stale).toMatchObject({ statusCode: 200, body: { status: 'NOT_RETRIED', executionStatus: 'PAUSED', waveStatus: 'FAILED' } });
    expect(await world.events(FIRST)).toHaveLength(before);
    const meant = await post(world, `/executions/${FIRST}/retry`, { waveNumber: 1, retryRound: 1 });
    expect(meant).toMatchObject({ statusCode: 200, body: { status: 'RETRYING', retry: 1 } });
  });

  it('POST /skip records the deviation with its reason and the principal', async () => {
    const { statusCode, body } = await post(world, `/executions/${FIRST}/skip`, { waveNumber: 1, reason: 'database restored from backup' });
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ status: 'SKIPPED', waveStatus: 'SKIPPED', skippedBy: BOB });
    const skipped = (await world.events(FIRST)).find((event) => event.type === 'WaveSkipped');
    expect(skipped).toMatchObject({
      actor: BOB,
      data: { waveNumber: 1, reason: 'database restored from backup', skippedBy: BOB, identity: { principal: BOB } },
    });
  });

  it.each([
    ['a retry without a wave', 'retry', {}, 400, 'MISSING_PARAMETERS'],
    ['a skip without a reason', 'skip', { waveNumber: 1 }, 400, 'MISSING_PARAMETERS'],
    ['a skip with an empty reason', 'skip', { waveNumber: 1, reason: ' ' }, 400, 'MISSING_PARAMETERS'],
    ['a retry of a wave that did not fail', 'retry', { waveNumber: 2 }, 400, 'INVALID_STATE'],
    ['a retry round that is not a number', 'retry', { waveNumber: 1, retryRound: '1' }, 400, 'INVALID_PARAMETERS'],
    ['a retry that names itself', 'retry', { waveNumber: 1, requestedBy: 'mallory' }, 400, 'INVALID_PARAMETERS'],
    ['a reason with a control character', 'skip', { waveNumber: 1, reason: 'ok\u001b[2J' }, 400, 'INVALID_PARAMETERS'],
  ])('%s is refused and writes nothing', async (_, route, body, statusCode, error) => {
    const before = (await world.events(FIRST)).length;
    const answer = await post(world, `/executions/${FIRST}/${route}`, body);
    expect(answer).toMatchObject({ statusCode, body: { error } });
    expect(await world.events(FIRST)).toHaveLength(before);
  });
});
