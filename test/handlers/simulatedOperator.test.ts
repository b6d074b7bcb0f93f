/**
 * `simulatedOperator: true` on a direct invocation: the local drill's simulated operator, recorded as no person.
 * Only a handler whose configuration says the stack is simulated (the local stack, DRS_LEDGER_LOCAL) accepts
 * it; a deployed one refuses it with 400 naming the field and writes nothing. The operator API never takes it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { SIMULATED_OPERATOR } from '../../src/domain/execution';
import { handleRequest } from '../../src/handlers/executionHandler';
import { operatorBody, startBody } from '../../src/handlers/operatorApi/bodies';
import { PLAN_ID, withPauseBefore } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const logger = new Logger({ serviceName: 'simulated-operator-test', logLevel: 'SILENT' });
const context = { functionName: 'execution-handler', awsRequestId: 'test' } as Context;

/** The plan starts paused before wave 1: nothing reaches DRS. */
const worldWith = async (simulatedStack: boolean): Promise<MemoryWorld> => {
  const world = new MemoryWorld({ config: { localCredentials: simulatedStack } });
  await world.givenPlan(withPauseBefore([1]));
  return world;
};

const call = (world: MemoryWorld, event: Record<string, unknown>) => handleRequest(world.deps, logger, event, context);

const START = { operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' };

const REFUSED = {
  statusCode: 400,
  error: 'INVALID_PARAMETERS',
  message: 'simulatedOperator is accepted only by a local, simulated stack: this deployment records who acted, never a simulated operator',
  invalidParameters: ['simulatedOperator'],
};

describe('a deployed handler (not a simulated stack)', () => {
  it('refuses a start by the simulated operator, naming the field; nothing is written', async () => {
    const world = await worldWith(false);
    expect(await call(world, { ...START, simulatedOperator: true })).toEqual(REFUSED);
    expect((await world.ledger.listExecutions(10)).executions).toEqual([]);
    expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
  });

  it.each(['pause', 'resume', 'cancel'])('refuses a %s by the simulated operator; the ledger is unchanged', async (operation) => {
    const world = await worldWith(false);
    const started = await call(world, START);
    const executionId = started.executionId as string;
    const before = await world.headSeq(executionId);
    expect(await call(world, { operation, executionId, planId: PLAN_ID, requestedBy: 'ops@example.com', simulatedOperator: true })).toEqual(
      REFUSED,
    );
    expect(await world.headSeq(executionId)).toBe(before);
  });

  it('takes simulatedOperator: false as a person’s request', async () => {
    const world = await worldWith(false);
    expect(await call(world, { ...START, simulatedOperator: false })).toMatchObject({ statusCode: 200 });
  });
});

describe('a simulated stack’s handler', () => {
  it('records the simulated operator’s start and resume as no person’s, marked simulated', async () => {
    const world = await worldWith(true);
    const started = await call(world, { ...START, simulatedOperator: true });
    expect(started).toMatchObject({ statusCode: 200, status: 'PAUSED' });
    const executionId = started.executionId as string;
    const resumed = await call(world, {
      operation: 'resume',
      executionId,
      planId: PLAN_ID,
      requestedBy: 'ops@example.com',
      simulatedOperator: true,
    });
    expect(resumed).toMatchObject({ statusCode: 200, resumedBy: SIMULATED_OPERATOR });
    const events = await world.events(executionId);
    const operatorEvents = events.filter((event) => event.type === 'ExecutionStarted' || event.type === 'ExecutionResumed');
    expect(
      operatorEvents.map((event) => ({ type: event.type, actor: event.actor, simulated: (event.data as { simulated?: true }).simulated })),
    ).toEqual([
      { type: 'ExecutionStarted', actor: SIMULATED_OPERATOR, simulated: true },
      { type: 'ExecutionResumed', actor: SIMULATED_OPERATOR, simulated: true },
    ]);
  });

  it('refuses a non-boolean mark, naming the field', async () => {
    const world = await worldWith(true);
    expect(await call(world, { ...START, simulatedOperator: 'yes' })).toMatchObject({
      statusCode: 400,
      error: 'INVALID_PARAMETERS',
      message: expect.stringContaining('simulatedOperator must be a boolean'),
    });
  });

  it('refuses a decline by the simulated operator: only a verified approver declines', async () => {
    const world = await worldWith(true);
    const executionId = (await call(world, START)).executionId as string;
    expect(await call(world, { operation: 'decline', executionId, planId: PLAN_ID, comment: 'no', simulatedOperator: true })).toMatchObject(
      { statusCode: 400, error: 'INVALID_PARAMETERS', invalidParameters: ['simulatedOperator'] },
    );
  });
});

describe('the operator API', () => {
  it('never takes the mark: its caller is a verified principal', () => {
    expect(startBody.safeParse({ simulatedOperator: true }).success).toBe(false);
    expect(operatorBody.safeParse({ simulatedOperator: true }).success).toBe(false);
  });
});
