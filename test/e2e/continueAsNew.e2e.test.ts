/**
 * Step Functions' history quota, on one machine: the local stack runs the real handler, dynalite and the
 * emulators, with the quota and the state machine's loop bound made small. A drill that outlasts one run's
 * quota is handed from run to run (continue-as-new), each run attached in the ledger, and completes; resume
 * reaches the run that is parked, and cancel stops the newest run. Without the hand-over (the positive
 * control) the same drill's state machine fails on the quota while the ledger is fine.
 */
import type { ExecutionRecord } from '../../src/local/emulators/stepfunctions';
import type { LocalStack } from '../../src/local/stack';
import { runName } from '../../src/ports/workflow';
import { invoke, startTestStack, waitFor } from '../support/localStack';
import { attachments, ledgerOf, longPlan as plan, parkedRun, startDrill as start } from '../support/stateMachineRuns';

// Generous bounds: on a loaded 2-core machine the state machine's scaled waits stretch.
jest.setTimeout(240_000);

/** Per run: about 10 events to start, 13 a loop (19 with a park), 8 to hand over: 3 loops fit, 8 do not. */
const HISTORY_EVENT_LIMIT = 100;
const LOOPS_PER_RUN = 3;

describe('a drill that outlasts one state machine run', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ historyEventLimit: HISTORY_EVENT_LIMIT, maxLoopsPerExecution: LOOPS_PER_RUN });
    await stack.loadPlans([plan('rp-can-a'), plan('rp-can-b')]);
  });
  afterAll(() => stack.close());

  it('is handed from run to run, each attached in the ledger; resume reaches the parked run; it completes', async () => {
    const executionId = await start(stack, 'rp-can-a');
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);
    const parked = await parkedRun(stack, executionId);
    expect(parked.data.generation).toBeGreaterThanOrEqual(1);

    const resumed = await invoke(stack, { operation: 'resume', executionId, planId: 'rp-can-a', requestedBy: 'e2e@example.com' });
    expect(resumed).toMatchObject({ statusCode: 200, status: 'RUNNING', currentWave: 5 });
    expect(resumed.stateMachine).toBeUndefined(); // the token of the parked run was redeemed
    const completed = await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 90_000);
    expect(completed).toMatchObject({ totalWaves: 8, totalServers: 8 });

    // The ledger names every run: generation 0 as started, then each run that continued as new, in order.
    const attached = await attachments(stack, executionId);
    const generations = attached.map((event) => event.data.generation ?? 0);
    expect(generations).toEqual(generations.map((_, index) => index));
    expect(generations.length).toBeGreaterThanOrEqual(3);
    attached.forEach((event, index) => {
      expect(event.data.executionArn).toMatch(new RegExp(`:execution:drs-ledger-drill:${runName(executionId, index)}$`));
      if (index > 0) {
        expect(event.data).toMatchObject({ reason: 'CONTINUED_AS_NEW', previousExecutionArn: attached[index - 1]?.data.executionArn });
      }
    });
    expect(completed.stepFunctionArn).toBe(attached.at(-1)?.data.executionArn);

    // Every run stayed under the quota: all but the last handed over, the last finalized.
    const runs: ExecutionRecord[] = await Promise.all(attached.map((event) => stack.sfn.settled(event.data.executionArn)));
    expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'SUCCEEDED'));
    for (const run of runs) expect(run.historyEvents).toBeLessThanOrEqual(HISTORY_EVENT_LIMIT);
    const outputs = runs.map((run) => JSON.parse(run.output ?? '{}') as Record<string, unknown>);
    expect(outputs.slice(0, -1).every((output) => 'successor' in output)).toBe(true);
    expect(outputs.at(-1)).toMatchObject({ finalize: { response: { status: 'COMPLETED' } } });
    // The whole drill wrote more history than one run may: it needed the hand-over.
    expect(runs.reduce((sum, run) => sum + run.historyEvents, 0)).toBeGreaterThan(HISTORY_EVENT_LIMIT);

    for (let wave = 1; wave <= 8; wave += 1)
      expect(stack.drs.stats.startRecoveryFor(executionId, wave)).toEqual({ calls: 1, jobsCreated: 1 });
  });

  it('cancel stops the newest run, not the ones that handed over', async () => {
    const executionId = await start(stack, 'rp-can-b');
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);
    const parked = await parkedRun(stack, executionId);
    expect(parked.data.generation).toBeGreaterThanOrEqual(1);

    const cancelled = await invoke(stack, { operation: 'cancel', executionId, planId: 'rp-can-b', requestedBy: 'e2e@example.com' });
    expect(cancelled).toMatchObject({ statusCode: 200, status: 'CANCELLED' });
    const newest = await stack.sfn.settled(parked.data.executionArn);
    expect(newest.status).toBe('ABORTED');
    expect(stack.sfn.waitingTasks(parked.data.executionArn)).toBe(0);
    const older = (await attachments(stack, executionId)).slice(0, -1);
    for (const event of older) expect((await stack.sfn.settled(event.data.executionArn)).status).toBe('SUCCEEDED');
  });
});

describe('the positive control: the same drill without the hand-over', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ historyEventLimit: HISTORY_EVENT_LIMIT, maxLoopsPerExecution: 1_000_000 });
    // No pause: nothing would resume it, and a parked run writes no history.
    await stack.loadPlans([plan('rp-can-c', false)]);
  });
  afterAll(() => stack.close());

  it('fails its state machine on the history quota (a false alarm: the ledger is fine)', async () => {
    const started = await invoke(stack, { operation: 'start_execution', planId: 'rp-can-c', executionType: 'DRILL', initiatedBy: 'e2e' });
    const executionId = started.executionId as string;
    const run = await stack.sfn.settled(started.stepFunctionArn as string);
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(run.cause).toMatch(/^History limit exceeded/);

    const ledger = await ledgerOf(stack, executionId);
    expect(ledger.map((event) => event.type)).not.toContain('ExecutionFailed');
    expect(ledger.filter((event) => event.type === 'StateMachineAttached')).toHaveLength(1);
    const details = await invoke(stack, { operation: 'get_execution_details', executionId });
    expect(['RUNNING', 'PAUSED']).toContain(details.status);
  });
});
