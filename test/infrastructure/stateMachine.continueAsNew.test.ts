/**
 * statemachine/drill.asl.json continues as new: every loop is counted at one loop head, and after
 * ${MaxLoopsPerExecution} of them the run starts the next run of its own machine and succeeds, well before
 * Step Functions' 25,000-event history quota. A run that continued as new attaches itself to the ledger first.
 */
import { executionArnFor, runName } from '../../src/ports/workflow';
import { definitionWith, error, executionIdOf, type Json, runDrillMachine, STATE_MACHINE_ID } from './support/runDrillMachine';

type State = { [key: string]: Json };
const definition = definitionWith(1000) as { StartAt: string; States: Record<string, State> };
const state = (name: string): State => definition.States[name] as State;

/** The state name `field` holds, if it holds one. */
const nameIn = (field: Json | undefined): string[] => (typeof field === 'string' ? [field] : []);
/** Every state name a state can go to next (Next, Default, Choices, Catch). */
const successors = (candidate: State): string[] => [
  ...nameIn(candidate.Next),
  ...nameIn(candidate.Default),
  ...((candidate.Choices as State[] | undefined) ?? []).flatMap((choice) => nameIn(choice.Next)),
  ...((candidate.Catch as State[] | undefined) ?? []).flatMap((catcher) => nameIn(catcher.Next)),
];
const predecessorsOf = (target: string): string[] =>
  Object.entries(definition.States)
    .filter(([, candidate]) => successors(candidate).includes(target))
    .map(([name]) => name)
    .sort();

describe('statemachine/drill.asl.json continues as new', () => {
  describe('its shape', () => {
    it('counts every loop at one head: back into WaitBeforePoll only through HandOverDue (or a run starting, or a failed hand-over)', () => {
      expect(predecessorsOf('WaitBeforePoll')).toEqual(['BeginLoops', 'ContinueAsNew', 'HandOverDue']);
      expect(predecessorsOf('HandOverDue')).toEqual(['NextLoop']);
      // Poll's own retries after a 7-day resume timeout are the one way around the head: one loop per 7 days.
      expect(predecessorsOf('Poll')).toEqual(['WaitBeforePoll', 'WaitForResume']);
    });

    it('starts the next run of this same machine, request-response (this run must end), named after the execution and generation', () => {
      expect(state('ContinueAsNew')).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution',
        Parameters: {
          'StateMachineArn.$': '$$.StateMachine.Id',
          'Name.$': "States.Format('{}-g{}', $.executionId, States.MathAdd($.generation, 1))",
          Input: {
            'executionId.$': '$.executionId',
            'planId.$': '$.planId',
            'generation.$': 'States.MathAdd($.generation, 1)',
            // Links the runs in the Step Functions console.
            'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
          },
        },
        Next: 'HandedOver',
      });
      expect(state('HandedOver').Type).toBe('Succeed');
    });

    it('reads its bound from ${MaxLoopsPerExecution}, a number once substituted', () => {
      expect(state('BeginLoops').Parameters).toMatchObject({ 'maxLoops.$': "States.StringToJson('1000')", loops: 0 });
      expect(state('HandOverDue').Choices).toEqual([
        { Variable: '$.loops', NumericGreaterThanEqualsPath: '$.maxLoops', Next: 'ContinueAsNew' },
      ]);
    });
  });

  describe('running it (aws-local-stepfunctions)', () => {
    it('after maxLoops loops starts the next run with the ids and generation 1, and succeeds', async () => {
      const result = await runDrillMachine(
        { poll: [{ status: 'RUNNING' }, { status: 'RUNNING' }, { status: 'RUNNING' }] },
        { maxLoops: 3 },
      );
      expect(result.failure).toBeUndefined();
      expect(result.operations).toEqual(['poll', 'poll', 'poll']);
      const handOver = result.invocations.filter((i) => i.operation === 'start_execution');
      expect(handOver.map((i) => i.payload)).toEqual([
        {
          StateMachineArn: STATE_MACHINE_ID,
          Name: 'exec-1-g1',
          Input: {
            executionId: 'exec-1',
            planId: 'plan-1',
            generation: 1,
            AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: executionIdOf('exec-1'),
          },
        },
      ]);
      expect(result.statesEntered.at(-1)).toBe('HandedOver');
      expect(result.output).toMatchObject({ successor: { executionArn: executionIdOf('exec-1-g1') } });
    });

    it('a run that continued as new attaches itself (the ARN the handler expects), then paces and hands over in turn', async () => {
      const result = await runDrillMachine(
        { attach: [{ statusCode: 200, attached: true }], poll: [{ status: 'RUNNING' }, { status: 'RUNNING' }] },
        { maxLoops: 2, input: { executionId: 'exec-1', planId: 'plan-1', generation: 2 }, name: runName('exec-1', 2) },
      );
      expect(result.failure).toBeUndefined();
      expect(result.operations).toEqual(['attach_state_machine', 'poll', 'poll']);
      expect(result.invocations[0]?.payload).toEqual({
        operation: 'attach_state_machine',
        executionId: 'exec-1',
        planId: 'plan-1',
        generation: 2,
        executionArn: executionArnFor(STATE_MACHINE_ID, runName('exec-1', 2)),
      });
      const handOver = result.invocations.find((i) => i.operation === 'start_execution');
      expect(handOver?.payload).toMatchObject({ Name: runName('exec-1', 3), Input: { generation: 3 } });
    });

    it('a pause is one loop: the resumed run hands over at its next loop head, never while parked', async () => {
      const result = await runDrillMachine(
        { poll: [{ status: 'PAUSED' }, { status: 'RUNNING' }], waitForResume: [{ resumed: true }] },
        { maxLoops: 2 },
      );
      expect(result.operations).toEqual(['poll', 'wait_for_resume', 'poll']);
      expect(result.statesEntered.slice(-3)).toEqual(['HandOverDue', 'ContinueAsNew', 'HandedOver']);
    });

    it('an attach that keeps failing does not stop the run from pacing the drill', async () => {
      const crash = () => error('Error');
      const result = await runDrillMachine(
        {
          attach: [crash(), crash(), crash(), crash(), crash()],
          poll: [{ status: 'COMPLETED' }],
          finalize: [{ status: 'COMPLETED' }],
        },
        { input: { executionId: 'exec-1', planId: 'plan-1', generation: 1 }, name: 'exec-1-g1' },
      );
      expect(result.failure).toBeUndefined();
      expect(result.operations).toEqual([...Array(5).fill('attach_state_machine'), 'poll', 'finalize']);
    });

    it('a hand-over that fails keeps the run pacing, and is tried again after the next loop', async () => {
      const limit = () => error('StepFunctions.ExecutionLimitExceededException');
      const result = await runDrillMachine(
        {
          poll: [{ status: 'RUNNING' }, { status: 'RUNNING' }],
          continueAsNew: [
            limit(),
            limit(),
            limit(),
            limit(),
            { ExecutionArn: executionIdOf('exec-1-g1'), StartDate: '2026-01-01T00:00:00Z' },
          ],
        },
        { maxLoops: 1 },
      );
      expect(result.failure).toBeUndefined();
      expect(result.invocations.map((i) => i.operation)).toEqual(['poll', ...Array(4).fill('start_execution'), 'poll', 'start_execution']);
      expect(result.statesEntered.at(-1)).toBe('HandedOver');
    });

    it('a next run that already exists (a retried start whose first answer was lost) ends this run at once', async () => {
      const result = await runDrillMachine(
        { poll: [{ status: 'RUNNING' }], continueAsNew: [error('StepFunctions.ExecutionAlreadyExistsException')] },
        { maxLoops: 1 },
      );
      expect(result.invocations.map((i) => i.operation)).toEqual(['poll', 'start_execution']);
      expect(result.statesEntered.at(-1)).toBe('HandedOver');
    });

    it('the end of the drill is never deferred by a due hand-over: COMPLETED finalizes, CANCELLED fails the run', async () => {
      const completed = await runDrillMachine({ poll: [{ status: 'COMPLETED' }], finalize: [{ status: 'COMPLETED' }] }, { maxLoops: 1 });
      expect(completed.statesEntered.at(-1)).toBe('Completed');
      const cancelled = await runDrillMachine({ poll: [{ status: 'RUNNING' }, { status: 'CANCELLED' }] }, { maxLoops: 2 });
      expect(cancelled.failure?.error).toBe('ExecutionCancelled');
      expect(cancelled.invocations.some((i) => i.operation === 'start_execution')).toBe(false);
    });
  });
});
