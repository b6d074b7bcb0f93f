/**
 * attach_state_machine, the first step of a state machine run that continued as new, through the
 * execution-handler: it records the run only when the ARN is the one this execution's run of that
 * generation has, at most once, and never in place of a newer run.
 */
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:drs-ledger-drill';
const runArn = (executionId: string, generation: number) =>
  `arn:aws:states:us-east-1:000000000000:execution:drs-ledger-drill:${executionId}-g${generation}`;

describe('attach_state_machine', () => {
  let world: DrillWorld;
  let executionId: string;
  // The state machine is configured (its ARN), but none is started here: the runs are the test's.
  beforeEach(async () => {
    world = await startDrillWorld({ overrides: { workflow: async () => undefined } }, { STATE_MACHINE_ARN });
    await world.loadPlans(samplePlan);
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    executionId = started.executionId as string;
  });
  afterEach(() => world.stop());

  const attach = (generation: number, executionArn = runArn(executionId, generation), extra: Record<string, unknown> = {}) =>
    world.callInternal({ operation: 'attach_state_machine', executionId, planId: PLAN_ID, executionArn, generation, ...extra });
  const attached = async () => (await world.ledger(executionId)).filter((event) => event.type === 'StateMachineAttached');

  it('records a run that continued as new, once; a late attach of an older run changes nothing', async () => {
    expect(await attach(1)).toMatchObject({
      statusCode: 200,
      status: 'RUNNING',
      attached: true,
      generation: 1,
      executionArn: runArn(executionId, 1),
    });
    expect(await attach(1)).toMatchObject({ statusCode: 200, attached: true });
    expect(await attach(2)).toMatchObject({ statusCode: 200, attached: true, generation: 2 });
    expect(await attach(1)).toMatchObject({ statusCode: 200, attached: false, generation: 2, executionArn: runArn(executionId, 2) });

    const events = await attached();
    expect(events.map((event) => event.data)).toEqual([
      { executionArn: runArn(executionId, 1), generation: 1, reason: 'CONTINUED_AS_NEW' },
      { executionArn: runArn(executionId, 2), generation: 2, previousExecutionArn: runArn(executionId, 1), reason: 'CONTINUED_AS_NEW' },
    ]);
    const details = await world.call({ operation: 'get_execution_details', executionId });
    expect(details.stepFunctionArn).toBe(runArn(executionId, 2));
  });

  it('refuses an ARN that is not this execution’s run of that generation, writing nothing', async () => {
    const other = runArn('exec-someone-else', 1);
    const wrongGeneration = runArn(executionId, 2);
    const otherMachine = runArn(executionId, 1).replace('drs-ledger-drill', 'another-machine');
    for (const executionArn of [other, wrongGeneration, otherMachine]) {
      expect(await attach(1, executionArn)).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    }
    for (const [generation, executionArn] of [
      [0, runArn(executionId, 0)],
      [1.5, runArn(executionId, 1)],
      [1, 'not-an-arn'],
    ] as const) {
      expect(await attach(generation, executionArn)).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    }
    expect(await world.callInternal({ operation: 'attach_state_machine', executionId, planId: PLAN_ID })).toMatchObject({
      statusCode: 400,
      error: 'MISSING_PARAMETERS',
      message: 'Missing required parameters: executionArn, generation',
    });
    expect(await attached()).toEqual([]);
  });

  it('answers 404 for an unknown execution, PLAN_MISMATCH for another plan, INVALID_STATE once the execution ended', async () => {
    expect(
      await world.callInternal({
        operation: 'attach_state_machine',
        executionId: 'exec-unknown',
        planId: PLAN_ID,
        executionArn: runArn('exec-unknown', 1),
        generation: 1,
      }),
    ).toMatchObject({ statusCode: 404, error: 'EXECUTION_NOT_FOUND' });
    expect(await attach(1, runArn(executionId, 1), { planId: 'rp-other' })).toMatchObject({ statusCode: 400, error: 'PLAN_MISMATCH' });
    await world.call({ operation: 'cancel', executionId, planId: PLAN_ID, requestedBy: 'ops' });
    await world.pollUntil(executionId, PLAN_ID, 'CANCELLED');
    expect(await attach(1)).toMatchObject({ statusCode: 400, error: 'INVALID_STATE', currentStatus: 'CANCELLED' });
    expect(await attached()).toEqual([]);
  });
});

describe('attach_state_machine without a state machine configured', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld({ overrides: { workflow: async () => undefined } });
    await world.loadPlans(samplePlan);
  });
  afterEach(() => world.stop());

  it('has nothing to attach', async () => {
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    const executionId = started.executionId as string;
    const response = await world.callInternal({
      operation: 'attach_state_machine',
      executionId,
      planId: PLAN_ID,
      executionArn: runArn(executionId, 1),
      generation: 1,
    });
    expect(response).toMatchObject({ statusCode: 400, error: 'INVALID_STATE' });
  });

  it('is refused by the public execution-handler, which no state machine calls, before anything is read', async () => {
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    const executionId = started.executionId as string;
    const before = (await world.harness.countItems()).events;
    const response = await world.call({
      operation: 'attach_state_machine',
      executionId,
      planId: PLAN_ID,
      executionArn: runArn(executionId, 1),
      generation: 1,
    });
    expect(response).toMatchObject({ statusCode: 403, error: 'INTERNAL_OPERATION' });
    expect((await world.harness.countItems()).events).toBe(before);
  });
});
