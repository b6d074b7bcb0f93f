/**
 * Structured JSON logs: every request's lines carry operation, executionId and planId as keys; no task
 * token ever appears in a log line, a response or the ledger.
 */
import { PLAN_ID, withPauseBefore } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

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
    const waiting = await world.callInternal({ operation: 'wait_for_resume', executionId, planId: PLAN_ID, taskToken: TOKEN });
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

describe('a poll that cannot finish its step', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
    await world.loadPlans(withPauseBefore([3]));
  });
  afterEach(() => world.stop());

  const started = async () => {
    const response = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    return response.executionId as string;
  };
  const warnings = (message: string) => world.harness.logLines.filter((line) => line.message === message);

  it("logs DRS's own error text under `error`, labelled as a DRS read", async () => {
    const executionId = await started();
    world.drs.faults.apply({ throttle: { count: 20, operations: ['DescribeJobs'] } });
    world.clock.advance(30_000);
    const response = await world.call({ operation: 'poll', executionId, planId: PLAN_ID });
    expect(response).toMatchObject({ statusCode: 200, status: 'RUNNING', pollError: { source: 'drs', code: 'ThrottlingException' } });
    const [line] = warnings('Poll could not read DRS');
    expect(line).toMatchObject({ source: 'drs', code: 'ThrottlingException', error: expect.stringMatching(/\S/) });
    expect(line?.error).toBe((response.pollError as { message: string }).message);
  });

  it('labels a failure to write the ledger as such, with its text, not as a DRS read', async () => {
    const executionId = await started();
    const store = world.harness.deps.store;
    store.append = async () => {
      throw Object.assign(new Error('Throughput exceeds the current capacity of your table'), {
        name: 'ProvisionedThroughputExceededException',
      });
    };
    world.clock.advance(120_000);
    const response = await world.call({ operation: 'poll', executionId, planId: PLAN_ID });
    expect(response).toMatchObject({ statusCode: 200, pollError: { source: 'ledger', code: 'ProvisionedThroughputExceededException' } });
    expect(warnings('Poll could not read DRS')).toEqual([]);
    expect(warnings('Poll could not record in the ledger')).toEqual([
      expect.objectContaining({
        source: 'ledger',
        code: 'ProvisionedThroughputExceededException',
        error: 'Throughput exceeds the current capacity of your table',
      }),
    ]);
  });
});
