/**
 * Requests answered at once on one logger (as `serve`'s local stack answers them) each log under their own
 * keys: the handler's own lines and every line their operation writes through deps.log, whatever the other
 * request does in between. A start failure is never logged under another request's operation or plan.
 */
import { handleRequest } from '../../src/handlers/executionHandler';
import { handleOperatorApiRequest } from '../../src/handlers/operatorApi';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { WorkflowInput } from '../../src/ports/workflow';
import { PLAN_ID, samplePlan, serverId } from '../fixtures/plan';
import { capturingLogger } from '../support/capturingLogger';
import { FakeWorkflow } from '../support/fakes/workflow';
import { MemoryWorld } from '../support/fakes/memoryWorld';
import { HeldPlanReads } from '../support/heldPlanReads';

const OTHER_PLAN: RecoveryPlan = {
  planId: 'plan-other-shop',
  planName: 'Another shop',
  rtoTargetMinutes: 120,
  waves: [{ waveName: 'everything', sourceServerIds: [serverId('oth', 1)] }],
};
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';

/** Step Functions refusing to start the runs of one plan: the start logs its failure through deps.log. */
class StartFailsFor extends FakeWorkflow {
  constructor(private readonly failingPlanId: string) {
    super();
  }

  override async start(executionId: string, input: WorkflowInput): Promise<{ executionArn: string }> {
    if (input.planId === this.failingPlanId) throw new Error('ThrottlingException: Rate exceeded');
    return super.start(executionId, input);
  }
}

type Line = Record<string, unknown>;
type Order = 'the start first' | 'the other request first';

/**
 * Given both requests begun and parked on their plan reads (so each has set up its keys), when they are let
 * go one after the other in `order`, then the lines written while one ran are that one's lines.
 */
const interleave = async (
  order: Order,
  held: HeldPlanReads,
  lines: Line[],
  requests: { start: () => Promise<unknown>; other: () => Promise<unknown> },
): Promise<{ start: Line[]; other: Line[] }> => {
  const running = { start: requests.start(), other: requests.other() };
  await Promise.all([held.parked(PLAN_ID), held.parked(OTHER_PLAN.planId)]);
  const sequence = order === 'the start first' ? (['start', 'other'] as const) : (['other', 'start'] as const);
  const written: { start: Line[]; other: Line[] } = { start: [], other: [] };
  for (const which of sequence) {
    const before = lines.length;
    held.open(which === 'start' ? PLAN_ID : OTHER_PLAN.planId);
    await running[which];
    written[which] = lines.slice(before);
  }
  return written;
};

const keysOf = (line: Line, names: string[]): Line => Object.fromEntries(names.map((name) => [name, line[name]]));

describe('concurrent execution-handler requests on one logger', () => {
  it.each<Order>(['the start first', 'the other request first'])(
    'given a start whose state machine fails and a preflight of another plan, both under way, when %s finishes, then every line carries its own request keys',
    async (order) => {
      const world = new MemoryWorld();
      await world.givenPlan(samplePlan);
      await world.givenPlan(OTHER_PLAN);
      const lines: Line[] = [];
      const logger = capturingLogger(lines);
      const held = new HeldPlanReads(world.plans, [PLAN_ID, OTHER_PLAN.planId]);
      const workflow = new StartFailsFor(PLAN_ID);
      // As the handler is wired: the operations log through the very logger the handler writes with.
      const deps = { ...world.deps, plans: held, workflow: async () => workflow, log: logger };

      let executionId: unknown;
      const written = await interleave(order, held, lines, {
        start: async () => {
          const response = await handleRequest(deps, logger, {
            operation: 'start_execution',
            planId: PLAN_ID,
            executionType: 'DRILL',
            initiatedBy: 'ops',
          });
          executionId = response.executionId;
        },
        other: () => handleRequest(deps, logger, { operation: 'preflight', planId: OTHER_PLAN.planId, executionType: 'DRILL' }),
      });

      expect(executionId).toEqual(expect.stringMatching(/^exec-/));
      expect(written.start.map((line) => line.message)).toEqual(
        expect.arrayContaining(['State machine did not start; the scheduled find will drive the execution', 'Request answered']),
      );
      for (const line of written.start) {
        expect(keysOf(line, ['message', 'operation', 'planId'])).toEqual({
          message: line.message,
          operation: 'start_execution',
          planId: PLAN_ID,
        });
        expect([undefined, executionId]).toContain(line.executionId);
      }
      expect(written.other.map((line) => line.message)).toEqual(['Request answered']);
      for (const line of written.other) {
        expect(keysOf(line, ['operation', 'planId', 'executionId'])).toEqual({
          operation: 'preflight',
          planId: OTHER_PLAN.planId,
          executionId: undefined,
        });
      }
    },
  );
});

/** An HTTP API (payload 2.0) event for a declared route, verified as `principal`. */
const apiEvent = (routeKey: string, path: string, pathParameters: Record<string, string>, principal: string, body?: unknown) => ({
  version: '2.0',
  routeKey,
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  pathParameters,
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  isBase64Encoded: false,
  requestContext: {
    accountId: '123456789012',
    apiId: 'api',
    http: { method: routeKey.split(' ')[0], path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
    routeKey,
    stage: '$default',
    authorizer: { iam: { userArn: principal, accessKey: 'AKIA', accountId: '123456789012' } },
  },
});

describe('concurrent operator API requests on one logger', () => {
  it.each<Order>(['the start first', 'the other request first'])(
    "given Alice's drill whose state machine fails and Bob's preflight of another plan, both under way, when %s finishes, then every line carries its own route, principal and plan",
    async (order) => {
      const world = new MemoryWorld();
      await world.givenPlan(samplePlan);
      await world.givenPlan(OTHER_PLAN);
      const lines: Line[] = [];
      const logger = capturingLogger(lines, 'operator-api-test');
      const held = new HeldPlanReads(world.plans, [PLAN_ID, OTHER_PLAN.planId]);
      const workflow = new StartFailsFor(PLAN_ID);
      const deps = { ...world.deps, plans: held, workflow: async () => workflow, log: logger };

      let statusCode: unknown;
      const written = await interleave(order, held, lines, {
        start: async () => {
          const route = 'POST /plans/{planId}/drills';
          const answer = await handleOperatorApiRequest(
            deps,
            logger,
            apiEvent(route, `/plans/${PLAN_ID}/drills`, { planId: PLAN_ID }, ALICE, {}),
          );
          statusCode = answer.statusCode;
        },
        other: () =>
          handleOperatorApiRequest(
            deps,
            logger,
            apiEvent('GET /plans/{planId}/preflight', `/plans/${OTHER_PLAN.planId}/preflight`, { planId: OTHER_PLAN.planId }, BOB),
          ),
      });

      expect(statusCode).toBe(200);
      expect(written.start.map((line) => line.message)).toEqual(
        expect.arrayContaining(['State machine did not start; the scheduled find will drive the execution', 'Request answered']),
      );
      for (const line of written.start) {
        expect(keysOf(line, ['message', 'route', 'principal', 'planId'])).toEqual({
          message: line.message,
          route: 'POST /plans/{planId}/drills',
          principal: ALICE,
          planId: PLAN_ID,
        });
      }
      expect(written.other.map((line) => line.message)).toEqual(['Request answered']);
      for (const line of written.other) {
        expect(keysOf(line, ['route', 'principal', 'planId'])).toEqual({
          route: 'GET /plans/{planId}/preflight',
          principal: BOB,
          planId: OTHER_PLAN.planId,
        });
      }
    },
  );
});
