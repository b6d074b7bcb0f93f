/**
 * start_execution's `keepAliveMinutes`: a DRILL's instances are kept that long after it ends, overriding the plan's
 * drillKeepAliveMinutes. A value outside 0..10080 whole minutes, or one for a RECOVERY, is refused with 400 naming the
 * field, and nothing is written.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { handleRequest } from '../../src/handlers/executionHandler';
import { PLAN_ID, withPauseBefore } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const logger = new Logger({ serviceName: 'keep-alive-test', logLevel: 'SILENT' });
const context = { functionName: 'execution-handler', awsRequestId: 'test' } as Context;
const START = { operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' };

/** The plan starts paused before wave 1: nothing reaches DRS. */
const world = async (): Promise<MemoryWorld> => {
  const created = new MemoryWorld();
  await created.givenPlan(withPauseBefore([1]));
  return created;
};
const call = (on: MemoryWorld, event: Record<string, unknown>) => handleRequest(on.deps, logger, event, context);

const nothingWritten = async (on: MemoryWorld) => {
  expect((await on.ledger.listExecutions(10)).executions).toEqual([]);
  expect((await on.plans.get(PLAN_ID))?.claim).toBeUndefined();
};

describe('start_execution with keepAliveMinutes', () => {
  it.each([-1, 2.5, 10_081, '30', null])('refuses %p with 400 naming the field; nothing is written', async (keepAliveMinutes) => {
    const on = await world();
    const response = await call(on, { ...START, keepAliveMinutes });
    expect(response).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(JSON.stringify(response)).toContain('keepAliveMinutes');
    await nothingWritten(on);
  });

  it('refuses it for a RECOVERY, whose instances are never terminated; nothing is written', async () => {
    const on = await world();
    const response = await call(on, { ...START, executionType: 'RECOVERY', keepAliveMinutes: 30 });
    expect(response).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS', message: expect.stringContaining('DRILL only') });
    await nothingWritten(on);
  });

  it('records a valid one in ExecutionStarted, over the plan', async () => {
    const on = await world();
    const response = await call(on, { ...START, keepAliveMinutes: 10_080 });
    expect(response.statusCode).toBe(200);
    const [started] = await on.events(response.executionId as string);
    expect(started).toMatchObject({ type: 'ExecutionStarted', data: { keepAliveMinutes: 10_080 } });
    expect((await on.ledger.load(response.executionId as string)).state).toMatchObject({ keepAliveMinutes: 10_080 });
  });
});
