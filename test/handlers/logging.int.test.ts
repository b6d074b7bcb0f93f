/**
 * Structured JSON logs: every request's lines carry operation, executionId and planId as keys; no task
 * token ever appears in a log line, a response or the ledger.
 */
import { PLAN_ID, withPauseBefore } from '../fixtures/plan';
import { DrillWorld, startDrillWorld } from '../support/drillWorld';

const TOKEN = `AQCEAAAAKgAAAAMAAAAA${'x'.repeat(40)}secret-task-token`;

describe('handler logs', () => {
  let world: DrillWorld;
  beforeAll(async () => {
    world = await startDrillWorld();
    await world.loadPlans(withPauseBefore([2]));
  });
  afterAll(() => world.stop());

  it('carry operation, executionId and planId as keys, and never a task token', async () => {
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    const executionId = started.executionId as string;
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
    const waiting = await world.call({ operation: 'wait_for_resume', executionId, planId: PLAN_ID, taskToken: TOKEN });
    expect(waiting).toMatchObject({ statusCode: 200, status: 'PAUSED', waiting: true });
    await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: 'ops' });
    await world.pollUntil(executionId, PLAN_ID, 'COMPLETED');

    const answered = world.harness.logLines.filter((line) => line.message === 'Request answered');
    expect(answered.length).toBeGreaterThan(5);
    for (const line of answered.filter((entry) => entry.operation !== 'start_execution')) {
      expect(line).toMatchObject({ operation: expect.any(String), executionId, planId: PLAN_ID, statusCode: expect.any(Number) });
    }
    expect(answered.find((line) => line.operation === 'start_execution')).toMatchObject({ planId: PLAN_ID });

    const everything = [
      ...world.harness.logLines.map((line) => JSON.stringify(line)),
      ...world.responses.map((response) => JSON.stringify(response)),
      ...(await world.ledger(executionId)).map((event) => JSON.stringify(event)),
    ];
    for (const text of everything) expect(text).not.toContain('secret-task-token');
  });
});
