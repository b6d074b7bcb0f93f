/**
 * The operator API's handler on the in-memory stores: each route runs its operation for the principal API
 * Gateway verified (requestContext.authorizer.iam.userArn) and no one else; a body's `name` is only a claim;
 * anything it refuses writes nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handleOperatorApiRequest, type OperatorApiAnswer } from '../../src/handlers/operatorApi';
import { PLAN_ID, samplePlan, withPauseBefore } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:sts::123456789012:assumed-role/DrOperator/bob';
const FIRST = 'exec-0001';
const logger = new Logger({ serviceName: 'operator-api-test', logLevel: 'SILENT' });

interface Request {
  method: string;
  path: string;
  body?: unknown;
  /** The verified principal; null: none in the request context (a route without IAM authorization). */
  principal?: string | null;
  /** API Gateway's routeKey and pathParameters for a declared route; default `$default` (matched from the path). */
  routeKey?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  rawBody?: string;
}

/** The event API Gateway's HTTP API (payload 2.0, IAM authorization) hands the function. */
const apiEvent = (request: Request): Record<string, unknown> => ({
  version: '2.0',
  routeKey: request.routeKey ?? '$default',
  rawPath: request.path,
  rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
  headers: { 'content-type': 'application/json' },
  ...(request.query ? { queryStringParameters: request.query } : {}),
  ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
  ...(request.rawBody !== undefined ? { body: request.rawBody } : request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  isBase64Encoded: false,
  requestContext: {
    accountId: '123456789012',
    apiId: 'api',
    http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
    routeKey: request.routeKey ?? '$default',
    stage: '$default',
    ...(request.principal === null
      ? {}
      : { authorizer: { iam: { userArn: request.principal ?? ALICE, accessKey: 'AKIA', accountId: '123456789012' } } }),
  },
});

const call = async (world: MemoryWorld, request: Request): Promise<{ answer: OperatorApiAnswer; body: Record<string, unknown> }> => {
  const answer = await handleOperatorApiRequest(world.deps, logger, apiEvent(request));
  return { answer, body: JSON.parse(answer.body) as Record<string, unknown> };
};

/** Nothing written: no execution in the ledger, the plan's slot free. */
const expectNothingWritten = async (world: MemoryWorld) => {
  expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
  expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
};

describe('the operator API handler', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(withPauseBefore([2]));
  });

  describe('who acts', () => {
    it('given a verified principal, when it starts a drill, the ledger records the principal as the actor and the name as its claim', async () => {
      const { answer, body } = await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills`, body: { name: 'Alice A.' } });

      expect(answer.statusCode).toBe(200);
      expect(answer.headers).toEqual({ 'content-type': 'application/json' });
      expect(body).toMatchObject({ executionId: FIRST, planId: PLAN_ID, executionType: 'DRILL', status: 'RUNNING' });
      expect(body.statusCode).toBeUndefined();
      const [started] = await world.events(FIRST);
      expect(started).toMatchObject({
        type: 'ExecutionStarted',
        actor: ALICE,
        data: { initiatedBy: 'Alice A.', identity: { principal: ALICE, claim: 'Alice A.' }, executionType: 'DRILL' },
      });
    });

    it('without a name, the principal is also who initiated it, and the identity carries no claim', async () => {
      await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills` });

      const [started] = await world.events(FIRST);
      expect(started).toMatchObject({ actor: ALICE, data: { initiatedBy: ALICE, identity: { principal: ALICE } } });
      expect((started?.data as { identity?: object }).identity).not.toHaveProperty('claim');
    });

    it('the recoveries route starts a RECOVERY (its own route, so IAM can allow drills and deny recoveries)', async () => {
      const { body } = await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/recoveries`, principal: BOB });

      expect(body).toMatchObject({ executionType: 'RECOVERY' });
      expect((await world.events(FIRST))[0]).toMatchObject({ actor: BOB, data: { executionType: 'RECOVERY' } });
    });

    it('without a principal in the request context, every route answers 403 and nothing is read or written', async () => {
      for (const request of [
        { method: 'POST', path: `/plans/${PLAN_ID}/drills`, body: { name: 'alice' } },
        { method: 'GET', path: '/plans' },
        { method: 'GET', path: '/nowhere' },
      ]) {
        const { answer, body } = await call(world, { ...request, principal: null });
        expect(answer.statusCode).toBe(403);
        expect(body).toMatchObject({ error: 'FORBIDDEN' });
      }
      await expectNothingWritten(world);
    });

    it('a userArn that is not a principal ARN counts as none', async () => {
      const { answer } = await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills`, principal: 'alice' });

      expect(answer.statusCode).toBe(403);
      await expectNothingWritten(world);
    });

    it.each([
      ['a body naming an identity', { identity: { principal: BOB } }],
      ['a body naming who initiated it', { initiatedBy: 'someone' }],
      ['a reserved name', { name: 'system' }],
      ['a reserved name in other case and spaces', { name: '  Scheduler ' }],
      ['an ARN as a name', { name: BOB }],
      ['a name with a line break', { name: 'alice\nExecutionCancelled' }],
    ])('%s is refused with 400 and nothing is written', async (_what, body) => {
      const { answer, body: answered } = await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills`, body });

      expect(answer.statusCode).toBe(400);
      expect(answered).toMatchObject({ error: 'INVALID_PARAMETERS' });
      await expectNothingWritten(world);
    });
  });

  describe('routes', () => {
    it('a declared route (routeKey and pathParameters from API Gateway) runs as the same path matched under $default', async () => {
      const { body } = await call(world, {
        method: 'POST',
        path: `/plans/${PLAN_ID}/drills`,
        routeKey: 'POST /plans/{planId}/drills',
        pathParameters: { planId: PLAN_ID },
      });

      expect(body).toMatchObject({ executionId: FIRST, executionType: 'DRILL' });
    });

    it('an unknown route answers 404 and bad JSON 400, writing nothing', async () => {
      const unknown = await call(world, { method: 'DELETE', path: `/plans/${PLAN_ID}` });
      const badJson = await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills`, rawBody: '{"name": ' });
      const notAnObject = await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills`, rawBody: '[]' });

      expect(unknown.answer.statusCode).toBe(404);
      expect(unknown.body).toMatchObject({ error: 'ROUTE_NOT_FOUND' });
      expect(badJson.answer.statusCode).toBe(400);
      expect(badJson.body).toMatchObject({ error: 'INVALID_JSON' });
      expect(notAnObject.answer.statusCode).toBe(400);
      await expectNothingWritten(world);
    });

    it('a path id the execution-handler would refuse is refused', async () => {
      const { answer, body } = await call(world, { method: 'POST', path: '/plans/..%2Fother/drills' });

      expect(answer.statusCode).toBe(400);
      expect(body).toMatchObject({ error: 'INVALID_PARAMETERS' });
      await expectNothingWritten(world);
    });

    it('a start whose accountContext is not the plan target is refused with 400 and nothing is written', async () => {
      const { answer } = await call(world, {
        method: 'POST',
        path: `/plans/${PLAN_ID}/drills`,
        body: { accountContext: { accountId: '999999999999', region: 'us-east-1', roleName: 'DRSOrchestrationRole' } },
      });

      expect(answer.statusCode).toBe(400);
      await expectNothingWritten(world);
    });

    it('an operator request on an execution the ledger does not hold answers 404, its plan unknown', async () => {
      const { answer, body } = await call(world, { method: 'POST', path: '/executions/exec-9999/cancel' });

      expect(answer.statusCode).toBe(404);
      expect(body).toMatchObject({ error: 'EXECUTION_NOT_FOUND' });
    });
  });

  describe('on a running execution', () => {
    beforeEach(async () => {
      await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills` });
    });

    it('pause takes the plan from the ledger and records the principal, with the name as claim', async () => {
      const { answer } = await call(world, { method: 'POST', path: `/executions/${FIRST}/pause`, principal: BOB, body: { name: 'bob' } });

      expect(answer.statusCode).toBe(200);
      const pause = (await world.events(FIRST)).find((event) => event.type === 'PauseRequested');
      expect(pause).toMatchObject({ actor: BOB, data: { identity: { principal: BOB, claim: 'bob' } } });
    });

    it('cancel records the reason and the principal', async () => {
      const { body } = await call(world, { method: 'POST', path: `/executions/${FIRST}/cancel`, body: { reason: 'test over' } });

      expect(body).toMatchObject({ executionId: FIRST });
      const cancel = (await world.events(FIRST)).find((event) => event.type === 'CancelRequested');
      expect(cancel).toMatchObject({ actor: ALICE, data: { requestedBy: ALICE, reason: 'test over', identity: { principal: ALICE } } });
    });

    it('approve without a comment answers 400 MISSING_PARAMETERS and writes nothing', async () => {
      const before = await world.headSeq(FIRST);

      const { answer, body } = await call(world, { method: 'POST', path: `/executions/${FIRST}/approve`, principal: BOB, body: {} });

      expect(answer.statusCode).toBe(400);
      expect(body).toMatchObject({ error: 'MISSING_PARAMETERS', missingParameters: ['comment'] });
      expect(await world.headSeq(FIRST)).toBe(before);
    });

    it('a ticket outside its alphabet or a comment over 2048 characters is refused before anything is read', async () => {
      const before = await world.headSeq(FIRST);
      const ticket = await call(world, { method: 'POST', path: `/executions/${FIRST}/decline`, body: { comment: 'no', ticket: 'CHG 1' } });
      const comment = await call(world, { method: 'POST', path: `/executions/${FIRST}/decline`, body: { comment: 'x'.repeat(2049) } });

      expect(ticket.answer.statusCode).toBe(400);
      expect(comment.answer.statusCode).toBe(400);
      expect(await world.headSeq(FIRST)).toBe(before);
    });

    it('GET /executions/{id} answers get_execution_details', async () => {
      const { answer, body } = await call(world, { method: 'GET', path: `/executions/${FIRST}` });

      expect(answer.statusCode).toBe(200);
      expect(body).toMatchObject({ executionId: FIRST, planId: PLAN_ID, executionType: 'DRILL' });
    });
  });

  describe('on an execution whose first wave waits for approval', () => {
    const APPROVERS = { approvers: ['arn:aws:iam::123456789012:user/*', 'arn:aws:sts::123456789012:assumed-role/DrOperator/*'] };
    beforeEach(async () => {
      await world.givenPlan({
        ...samplePlan,
        waves: samplePlan.waves.map((wave, index) => (index === 0 ? { ...wave, approval: APPROVERS } : wave)),
      });
      await call(world, { method: 'POST', path: `/plans/${PLAN_ID}/drills` });
    });

    it('approve runs resume as the approver: ApprovalGranted carries its principal, comment and ticket', async () => {
      const { answer } = await call(world, {
        method: 'POST',
        path: `/executions/${FIRST}/approve`,
        principal: BOB,
        body: { comment: 'change window open', ticket: 'CHG0012345' },
      });

      expect(answer.statusCode).toBe(200);
      const granted = (await world.events(FIRST)).find((event) => event.type === 'ApprovalGranted');
      expect(granted).toMatchObject({
        actor: BOB,
        data: { waveNumber: 1, identity: { principal: BOB }, comment: 'change window open', ticket: 'CHG0012345' },
      });
    });

    it("the starter's own approval is refused (403) and recorded", async () => {
      const { answer, body } = await call(world, { method: 'POST', path: `/executions/${FIRST}/approve`, body: { comment: 'mine' } });

      expect(answer.statusCode).toBe(403);
      expect(body).toMatchObject({ error: 'APPROVAL_REFUSED' });
      const types = (await world.events(FIRST)).map((event) => event.type);
      expect(types).toContain('ApprovalRefused');
      expect(types).not.toContain('ApprovalGranted');
    });

    it('resume does not approve: an approver must use the approve route (409), so IAM decides who approves', async () => {
      const before = (await world.events(FIRST)).length;
      const { answer, body } = await call(world, {
        method: 'POST',
        path: `/executions/${FIRST}/resume`,
        principal: BOB,
        body: { comment: 'via resume' },
      });
      expect(answer.statusCode).toBe(409);
      expect(body).toMatchObject({ error: 'APPROVAL_REQUIRED', waveNumber: 1 });
      expect(await world.events(FIRST)).toHaveLength(before);
    });

    it('an approval meant for another wave than the one that waits is refused (409), writing nothing', async () => {
      const before = (await world.events(FIRST)).length;
      const { answer, body } = await call(world, {
        method: 'POST',
        path: `/executions/${FIRST}/approve`,
        principal: BOB,
        body: { comment: 'late retry', waveNumber: 2 },
      });
      expect(answer.statusCode).toBe(409);
      expect(body).toMatchObject({ error: 'WAVE_STATE_CHANGED' });
      expect(await world.events(FIRST)).toHaveLength(before);
    });

    it('decline runs decline as the approver: ApprovalDeclined, then the execution is cancelled', async () => {
      const { answer, body } = await call(world, {
        method: 'POST',
        path: `/executions/${FIRST}/decline`,
        principal: BOB,
        body: { comment: 'replication lag too high' },
      });

      expect(answer.statusCode).toBe(200);
      expect(body).toMatchObject({ declinedBy: BOB, comment: 'replication lag too high' });
      const declined = (await world.events(FIRST)).find((event) => event.type === 'ApprovalDeclined');
      expect(declined).toMatchObject({ actor: BOB, data: { identity: { principal: BOB }, comment: 'replication lag too high' } });
    });
  });

  describe('listings', () => {
    it('GET /plans lists every plan with its waves, never its target ExternalId', async () => {
      await world.givenPlan({
        ...samplePlan,
        planId: 'plan-cross-account',
        target: { accountId: '210987654321', region: 'eu-west-1', roleName: 'DRSOrchestrationRole', externalId: 'secret-external-id' },
        waves: samplePlan.waves.map((wave, index) =>
          index === 1 ? { ...wave, approval: { approvers: ['arn:aws:iam::*:user/*'], excludeStarter: true } } : wave,
        ),
      });

      const { answer, body } = await call(world, { method: 'GET', path: '/plans' });

      expect(answer.statusCode).toBe(200);
      expect(answer.body).not.toContain('secret-external-id');
      expect(answer.body).not.toContain('externalId');
      expect(body.plans).toEqual([
        {
          planId: 'plan-cross-account',
          planName: samplePlan.planName,
          rtoTargetMinutes: 240,
          target: { accountId: '210987654321', region: 'eu-west-1', roleName: 'DRSOrchestrationRole' },
          waves: [
            { waveNumber: 1, waveName: 'databases', serverCount: 2, pauseBeforeWave: false },
            {
              waveNumber: 2,
              waveName: 'applications',
              serverCount: 3,
              pauseBeforeWave: false,
              approval: { approvers: ['arn:aws:iam::*:user/*'], excludeStarter: true },
            },
            { waveNumber: 3, waveName: 'web', serverCount: 2, pauseBeforeWave: false },
          ],
        },
        expect.objectContaining({ planId: PLAN_ID }),
      ]);
    });

    it('GET /executions lists the last 30 days, newest first, at most 100 (or the limit asked)', async () => {
      const plans = ['plan-a', 'plan-b', 'plan-c'];
      for (const planId of plans) await world.givenPlan({ ...samplePlan, planId });
      // The plans share their servers: each start finds the previous one's DRS job done (else preflight finds them busy).
      const jobsDone = () => world.drs.startedJobs().forEach((job) => world.drs.launchAll(job.jobId));
      // Started 45, 31 and 29 days ago: only the last is within the default 30 days.
      await call(world, { method: 'POST', path: '/plans/plan-a/drills' });
      world.clock.advance(14 * 86_400);
      jobsDone();
      await call(world, { method: 'POST', path: '/plans/plan-b/recoveries', principal: BOB });
      world.clock.advance(2 * 86_400);
      jobsDone();
      await call(world, { method: 'POST', path: '/plans/plan-c/drills' });
      world.clock.advance(29 * 86_400);

      const { answer, body } = await call(world, { method: 'GET', path: '/executions' });
      const limited = await call(world, { method: 'GET', path: '/executions', query: { limit: '1' } });
      const tooMany = await call(world, { method: 'GET', path: '/executions', query: { limit: '101' } });

      expect(answer.statusCode).toBe(200);
      expect(body.executions).toEqual([
        expect.objectContaining({
          executionId: 'exec-0003',
          planId: 'plan-c',
          executionType: 'DRILL',
          initiatedBy: ALICE,
          initiatedByVerified: true,
          initiatedByPrincipal: ALICE,
          status: 'RUNNING',
        }),
      ]);
      expect(limited.body.executions).toHaveLength(1);
      expect(tooMany.answer.statusCode).toBe(400);

      const since = new Date(Date.parse(world.clock.now()) - 32 * 86_400_000).toISOString();
      const wider = await call(world, { method: 'GET', path: '/executions', query: { since } });
      expect((wider.body.executions as Array<{ executionId: string }>).map((row) => row.executionId)).toEqual(['exec-0003', 'exec-0002']);
    });

    it('GET /executions never lists more than 100 rows: the newest 100', async () => {
      for (let n = 1; n <= 101; n += 1) {
        await world.givenPlan({ ...samplePlan, planId: `plan-${n}` });
        await call(world, { method: 'POST', path: `/plans/plan-${n}/drills` });
        // The plans share their servers: the next start finds this one's DRS job done.
        world.drs.startedJobs().forEach((job) => world.drs.launchAll(job.jobId));
        world.clock.advance(60);
      }

      const { body } = await call(world, { method: 'GET', path: '/executions' });

      const ids = (body.executions as Array<{ executionId: string }>).map((row) => row.executionId);
      expect(ids).toHaveLength(100);
      expect(ids[0]).toBe('exec-0101');
      expect(ids.at(-1)).toBe('exec-0002');
    });
  });
});
