import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import type { ExecutionStatus } from '../../src/domain/execution/vocabulary';
import { ASL_PATH, error, type Json, runDrillMachine } from './support/runDrillMachine';

const aslText = readFileSync(ASL_PATH, 'utf8');

type State = { [key: string]: Json };
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  [key: string]: Json;
}

const definition = JSON.parse(aslText) as Definition;
const state = (name: string): State => {
  const found = definition.States[name];
  if (!found) throw new Error(`state ${name} is missing`);
  return found;
};

const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Where the Route Choice must send each status poll can report. Typed so a new status cannot go unrouted. */
const ROUTE: Record<ExecutionStatus, string> = {
  RUNNING: 'NextLoop',
  PAUSED: 'WaitForResume',
  COMPLETED: 'Finalize',
  FAILED: 'ExecutionFailed',
  CANCELLED: 'ExecutionCancelled',
};

describe('statemachine/drill.asl.json', () => {
  describe('validity', () => {
    it('is valid Amazon States Language (asl-validator, paths and ARNs checked)', () => {
      const result = aslValidator(JSON.parse(aslText), { checkPaths: true, checkArn: true });
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);
    });

    it('is a check that can fail: a dangling Next is rejected', () => {
      const broken = JSON.parse(aslText) as Definition;
      broken.States.WaitBeforePoll = { ...state('WaitBeforePoll'), Next: 'NoSuchState' };
      expect(aslValidator(broken).isValid).toBe(false);
    });

    it('uses ${ExecutionHandlerArn}, ${ExecutionInternalArn} and ${MaxLoopsPerExecution} as its only substitution placeholders', () => {
      const placeholders = new Set(aslText.match(/\$\{[^}]*\}/g));
      expect([...placeholders].sort()).toEqual(['${ExecutionHandlerArn}', '${ExecutionInternalArn}', '${MaxLoopsPerExecution}']);
    });

    it('calls the internal function for wait_for_resume and attach_state_machine, execution-handler for the rest', () => {
      const calls = Object.entries(definition.States)
        .filter(
          ([, candidate]) => candidate.Type === 'Task' && `${candidate.Resource as string}`.startsWith('arn:aws:states:::lambda:invoke'),
        )
        .map(([name, candidate]) => {
          const parameters = candidate.Parameters as { FunctionName: string; Payload: { operation: string } };
          return [name, parameters.Payload.operation, parameters.FunctionName];
        });
      expect(calls.sort()).toEqual(
        [
          ['AttachThisRun', 'attach_state_machine', '${ExecutionInternalArn}'],
          ['Finalize', 'finalize', '${ExecutionHandlerArn}'],
          ['Poll', 'poll', '${ExecutionHandlerArn}'],
          ['WaitForResume', 'wait_for_resume', '${ExecutionInternalArn}'],
        ].sort(),
      );
    });

    it('holds no null: the Serverless Framework drops nulls when it loads the file (ResultPath: null would vanish)', () => {
      const nulls: string[] = [];
      const visit = (value: Json, path: string): void => {
        if (value === null) nulls.push(path);
        else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`));
        else if (typeof value === 'object') {
          for (const [key, inner] of Object.entries(value)) visit(inner, `${path}.${key}`);
        }
      };
      visit(definition, '$');
      expect(nulls).toEqual([]);
    });

    it('has exactly the drill loop states', () => {
      expect(definition.StartAt).toBe('WhichRun');
      expect(Object.keys(definition.States).sort()).toEqual(
        [
          'WhichRun',
          'FirstRun',
          'AttachThisRun',
          'BeginLoops',
          'NextLoop',
          'HandOverDue',
          'ContinueAsNew',
          'HandedOver',
          'Completed',
          'ExecutionCancelled',
          'ExecutionFailed',
          'Finalize',
          'FinalizeRoute',
          'Poll',
          'Route',
          'WaitBeforePoll',
          'WaitForResume',
        ].sort(),
      );
    });
  });

  describe('WaitBeforePoll', () => {
    it('waits 30 seconds, then polls', () => {
      expect(state('WaitBeforePoll')).toMatchObject({ Type: 'Wait', Seconds: 30, Next: 'Poll' });
    });
  });

  describe('Poll', () => {
    const poll = state('Poll');

    it('invokes execution-handler with the poll operation and the ids from the input', () => {
      expect(poll).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: {
          FunctionName: '${ExecutionHandlerArn}',
          Payload: { operation: 'poll', 'executionId.$': '$.executionId', 'planId.$': '$.planId' },
        },
        Next: 'Route',
      });
    });

    it("keeps the function's answer (not Lambda's invocation metadata) under $.poll.response", () => {
      expect(poll.ResultSelector).toEqual({ 'response.$': '$.Payload' });
      expect(poll.ResultPath).toBe('$.poll');
    });

    it('retries the transient Lambda errors with exponential backoff', () => {
      const retry = poll.Retry as State[];
      expect(retry[0]?.ErrorEquals).toEqual(LAMBDA_TRANSIENT_ERRORS);
      expect(retry[0]).toMatchObject({ BackoffRate: 2 });
      expect(retry[0]?.MaxAttempts).toBeGreaterThanOrEqual(3);
    });

    it('has a timeout longer than the function can run (60 s)', () => {
      expect(poll.TimeoutSeconds).toBeGreaterThan(60);
    });

    it('after its retries, a failing function leads back to the paced loop, not to a failed execution', () => {
      expect(poll.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'NextLoop' })]);
    });
  });

  describe('Route', () => {
    const route = state('Route');
    const choices = route.Choices as State[];

    it.each(Object.entries(ROUTE))('sends %s to %s', (status, next) => {
      const matching = choices.filter((choice) => choice.Variable === '$.poll.response.status' && choice.StringEquals === status);
      expect(matching).toHaveLength(1);
      expect(matching[0]?.Next).toBe(next);
    });

    it('first sends an answer without a status (500 INTERNAL_ERROR) back to the paced loop', () => {
      expect(choices[0]).toEqual({
        Not: { Variable: '$.poll.response.status', IsPresent: true },
        Next: 'NextLoop',
      });
    });

    it('routes nothing else, and an unknown status keeps polling', () => {
      expect(choices).toHaveLength(Object.keys(ROUTE).length + 1);
      expect(route.Default).toBe('NextLoop');
    });
  });

  describe('WaitForResume', () => {
    const wait = state('WaitForResume');

    it('hands the task token to wait_for_resume on the internal function and waits for it', () => {
      expect(wait).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: '${ExecutionInternalArn}',
          Payload: {
            operation: 'wait_for_resume',
            'executionId.$': '$.executionId',
            'planId.$': '$.planId',
            'taskToken.$': '$$.Task.Token',
          },
        },
      });
    });

    it('waits at most 7 days, keeps what resume sends apart from the input, and goes back to the paced loop', () => {
      expect(wait.TimeoutSeconds).toBe(604800);
      expect(wait.ResultPath).toBe('$.resume');
      expect(wait.Next).toBe('NextLoop');
    });

    it('on timeout asks the ledger (Poll) rather than failing', () => {
      const catchers = wait.Catch as State[];
      expect(catchers[0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: 'Poll' });
    });

    it('on any other failure (SendTaskFailure, a failed wait_for_resume) waits before polling again', () => {
      const catchers = wait.Catch as State[];
      expect(catchers[catchers.length - 1]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'NextLoop' });
    });
  });

  describe('Finalize and the terminal states', () => {
    it('Finalize invokes execution-handler with the finalize operation', () => {
      expect(state('Finalize')).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: {
          FunctionName: '${ExecutionHandlerArn}',
          Payload: { operation: 'finalize', 'executionId.$': '$.executionId', 'planId.$': '$.planId' },
        },
        Next: 'FinalizeRoute',
      });
      expect((state('Finalize').Retry as State[])[0]?.ErrorEquals).toEqual(LAMBDA_TRANSIENT_ERRORS);
    });

    it('succeeds only when finalize reports COMPLETED', () => {
      expect(state('Finalize')).toMatchObject({ ResultSelector: { 'response.$': '$.Payload' }, ResultPath: '$.finalize' });
      expect(state('FinalizeRoute')).toMatchObject({
        Type: 'Choice',
        Choices: [
          { Not: { Variable: '$.finalize.response.status', IsPresent: true }, Next: 'NextLoop' },
          { Variable: '$.finalize.response.status', StringEquals: 'COMPLETED', Next: 'Completed' },
        ],
        Default: 'NextLoop',
      });
      expect(state('Completed')).toEqual({ Type: 'Succeed' });
    });

    it('ends FAILED and CANCELLED executions in Fail states with distinct errors', () => {
      expect(state('ExecutionFailed')).toMatchObject({ Type: 'Fail', Error: 'ExecutionFailed' });
      expect(state('ExecutionCancelled')).toMatchObject({ Type: 'Fail', Error: 'ExecutionCancelled' });
    });
  });

  it('never lets a Catch replace the state input (executionId and planId must survive)', () => {
    for (const [name, candidate] of Object.entries(definition.States)) {
      for (const catcher of (candidate.Catch as State[] | undefined) ?? []) {
        expect({ name, ResultPath: catcher.ResultPath }).toEqual({ name, ResultPath: expect.stringMatching(/^\$\.\w+$/) });
      }
    }
  });

  describe('running it (aws-local-stepfunctions)', () => {
    const run = runDrillMachine;

    it('polls while RUNNING, parks while PAUSED, resumes, and finalizes once COMPLETED', async () => {
      const result = await run({
        poll: [{ status: 'RUNNING' }, { status: 'PAUSED' }, { status: 'RUNNING' }, { status: 'COMPLETED' }],
        waitForResume: [{ resumed: true }],
        finalize: [{ status: 'COMPLETED' }],
      });
      expect(result.failure).toBeUndefined();
      expect(result.operations).toEqual(['poll', 'poll', 'wait_for_resume', 'poll', 'poll', 'finalize']);
      expect(result.statesEntered[result.statesEntered.length - 1]).toBe('Completed');
      expect(result.output).toMatchObject({
        executionId: 'exec-1',
        planId: 'plan-1',
        finalize: { response: { status: 'COMPLETED' } },
      });
    });

    it('sends every invocation the execution and plan ids, and wait_for_resume the task token', async () => {
      const result = await run({
        poll: [{ status: 'PAUSED' }, { status: 'COMPLETED' }],
        waitForResume: [null],
        finalize: [{ status: 'COMPLETED' }],
      });
      for (const invocation of result.invocations) {
        expect(invocation.payload).toMatchObject({ operation: invocation.operation, executionId: 'exec-1', planId: 'plan-1' });
      }
      const waits = result.invocations.filter((i) => i.operation === 'wait_for_resume');
      expect(waits.map((w) => w.payload.taskToken)).toEqual(['token-for-exec-1']);
      const others = result.invocations.filter((i) => i.operation !== 'wait_for_resume');
      expect(others.filter((i) => 'taskToken' in i.payload)).toEqual([]);
    });

    it('after a 7-day timeout in WaitForResume polls at once, and parks again if still PAUSED', async () => {
      const result = await run({
        poll: [{ status: 'PAUSED' }, { status: 'PAUSED' }, { status: 'COMPLETED' }],
        waitForResume: [error('States.Timeout'), null],
        finalize: [{ status: 'COMPLETED' }],
      });
      expect(result.operations).toEqual(['poll', 'wait_for_resume', 'poll', 'wait_for_resume', 'poll', 'finalize']);
      const afterTimeout = result.statesEntered.indexOf('WaitForResume') + 1;
      expect(result.statesEntered[afterTimeout]).toBe('Poll');
      expect(result.failure).toBeUndefined();
    });

    it('after SendTaskFailure (a cancel while paused) lets the ledger decide: CANCELLED ends in ExecutionCancelled', async () => {
      const result = await run({
        poll: [{ status: 'PAUSED' }, { status: 'CANCELLED' }],
        waitForResume: [error('ExecutionCancelled')],
      });
      expect(result.operations).toEqual(['poll', 'wait_for_resume', 'poll']);
      expect(result.failure?.error).toBe('ExecutionCancelled');
    });

    it('ends in ExecutionFailed when the ledger says FAILED, without finalizing', async () => {
      const result = await run({ poll: [{ status: 'RUNNING' }, { status: 'FAILED' }] });
      expect(result.operations).toEqual(['poll', 'poll']);
      expect(result.failure?.error).toBe('ExecutionFailed');
    });

    it('keeps polling on a status it does not know', async () => {
      const result = await run({
        poll: [{ status: 'SOMETHING_NEW' }, { status: 'COMPLETED' }],
        finalize: [{ status: 'COMPLETED' }],
      });
      expect(result.operations).toEqual(['poll', 'poll', 'finalize']);
      expect(result.failure).toBeUndefined();
    });

    it('goes back to polling when finalize does not report COMPLETED', async () => {
      const result = await run({
        poll: [{ status: 'COMPLETED' }, { status: 'COMPLETED' }],
        finalize: [{ status: 'RUNNING' }, { status: 'COMPLETED' }],
      });
      expect(result.operations).toEqual(['poll', 'finalize', 'poll', 'finalize']);
      expect(result.failure).toBeUndefined();
    });

    it('retries a throttled poll instead of failing the execution', async () => {
      const result = await run({
        poll: [error('Lambda.TooManyRequestsException'), { status: 'COMPLETED' }],
        finalize: [{ status: 'COMPLETED' }],
      });
      expect(result.operations).toEqual(['poll', 'poll', 'finalize']);
      expect(result.failure).toBeUndefined();
    });

    it('waits and polls again when poll answers without a status (500 INTERNAL_ERROR)', async () => {
      const result = await run({
        poll: [{ statusCode: 500, error: 'INTERNAL_ERROR', retryable: true }, { status: 'COMPLETED' }],
        finalize: [{ status: 'COMPLETED' }],
      });
      expect(result.operations).toEqual(['poll', 'poll', 'finalize']);
      expect(result.statesEntered.slice(0, 10)).toEqual([
        'WhichRun',
        'FirstRun',
        'BeginLoops',
        'WaitBeforePoll',
        'Poll',
        'Route',
        'NextLoop',
        'HandOverDue',
        'WaitBeforePoll',
        'Poll',
      ]);
      expect(result.failure).toBeUndefined();
    });

    it('keeps the execution when poll keeps throwing past its retries, and carries on once it answers', async () => {
      const crash = () => error('Error');
      const result = await run({
        poll: [crash(), crash(), crash(), crash(), crash(), { status: 'COMPLETED' }, { status: 'COMPLETED' }],
        finalize: [{ statusCode: 400, error: 'INVALID_STATE' }, { status: 'COMPLETED' }],
      });
      // 1 attempt + 4 retries fail and are caught; the next poll answers; finalize's refusal loops back to poll.
      expect(result.operations).toEqual(['poll', 'poll', 'poll', 'poll', 'poll', 'poll', 'finalize', 'poll', 'finalize']);
      expect(result.failure).toBeUndefined();
    });
  });
});
