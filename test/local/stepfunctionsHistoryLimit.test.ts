/**
 * The emulator's history quota and its states:startExecution integration: a loop that never continues as
 * new fails on the quota as on AWS (25,000 events there, a few dozen here), and one that hands over to a
 * fresh execution of its own machine runs as long as it needs.
 */
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { LambdaService } from '../../src/local/emulators/lambda';
import {
  DEFAULT_HISTORY_EVENT_LIMIT,
  startStepFunctionsEmulator,
  type StepFunctionsEmulator,
} from '../../src/local/emulators/stepfunctions';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const HISTORY_EVENT_LIMIT = 60;

/**
 * The drill's loop shape (Wait, a Lambda Task, a Choice, a Pass back to the Wait) counting to $.target. The
 * counter function also counts the loops of this execution; after ${LoopsPerExecution} of them the machine
 * starts a fresh execution of itself with the count so far (continue-as-new) and succeeds.
 */
const COUNTER = {
  StartAt: 'Wait',
  States: {
    Wait: { Type: 'Wait', Seconds: 1, Next: 'Count' },
    Count: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${CounterArn}', Payload: { 'count.$': '$.count', 'loops.$': '$.loops' } },
      ResultSelector: { 'count.$': '$.Payload.count', 'loops.$': '$.Payload.loops' },
      ResultPath: '$.step',
      Next: 'Route',
    },
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.step.count', NumericGreaterThanEqualsPath: '$.target', Next: 'Done' },
        { Variable: '$.step.loops', NumericGreaterThanEquals: 'LOOPS_PER_EXECUTION', Next: 'ContinueAsNew' },
      ],
      Default: 'Again',
    },
    Again: {
      Type: 'Pass',
      Parameters: {
        'target.$': '$.target',
        'count.$': '$.step.count',
        'loops.$': '$.step.loops',
        'generation.$': '$.generation',
        'name.$': '$.name',
      },
      Next: 'Wait',
    },
    ContinueAsNew: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: {
        'StateMachineArn.$': '$$.StateMachine.Id',
        'Name.$': "States.Format('{}-g{}', $.name, States.MathAdd($.generation, 1))",
        Input: {
          'target.$': '$.target',
          'count.$': '$.step.count',
          loops: 0,
          'generation.$': 'States.MathAdd($.generation, 1)',
          'name.$': '$.name',
        },
      },
      ResultPath: '$.successor',
      Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], ResultPath: '$.handOverError', Next: 'NameTaken' }],
      Next: 'HandedOver',
    },
    HandedOver: { Type: 'Succeed' },
    NameTaken: { Type: 'Fail', Error: 'NameTaken' },
    Done: { Type: 'Succeed' },
  },
};

/** A counter's first input: the chain's executions are named `${name}-g${generation}`. */
const counting = (name: string, target: number) => ({ target, count: 0, loops: 0, generation: 0, name });

describe('the Step Functions emulator: history quota and continue-as-new', () => {
  let emulator: StepFunctionsEmulator;
  let lambda: LambdaService;
  let client: SFNClient;
  /** Hands over after 3 loops. */
  let handingOver: string;
  /** The same machine with the hand-over out of reach: the positive control. */
  let neverHandingOver: string;

  const settle = async (executionArn: string): Promise<DescribeExecutionCommandOutput> => {
    await emulator.settled(executionArn);
    return client.send(new DescribeExecutionCommand({ executionArn }));
  };

  const start = async (stateMachineArn: string, input: { name: string; [key: string]: unknown }): Promise<string> =>
    (await client.send(new StartExecutionCommand({ stateMachineArn, name: input.name, input: JSON.stringify(input) })))
      .executionArn as string;

  beforeAll(async () => {
    lambda = new LambdaService();
    const counterArn = lambda.register('counter', async (event) => {
      const { count, loops } = event as { count: number; loops: number };
      return { count: count + 1, loops: loops + 1 };
    });
    emulator = await startStepFunctionsEmulator({ lambda, waitScale: 0.001, historyEventLimit: HISTORY_EVENT_LIMIT });
    client = new SFNClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    // A number in the definition comes from a substitution without quotes, as a CloudFormation value would.
    const text = JSON.stringify(COUNTER).replace('"LOOPS_PER_EXECUTION"', '${LoopsPerExecution}');
    handingOver = emulator.registerStateMachine('counter', text, { CounterArn: counterArn, LoopsPerExecution: 3 });
    neverHandingOver = emulator.registerStateMachine('counter-alone', text, { CounterArn: counterArn, LoopsPerExecution: 1_000_000 });
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
    await lambda.shutdown();
  });

  it('defaults to AWS’s quota of 25,000 events', () => {
    expect(DEFAULT_HISTORY_EVENT_LIMIT).toBe(25_000);
  });

  it('counts the events AWS writes: 9 for a Wait, a Lambda Task and a Choice, 2 more for a Pass', async () => {
    const once = await settle(await start(neverHandingOver, counting('one-loop', 1)));
    expect(once.status).toBe('SUCCEEDED');
    // ExecutionStarted; Wait entered/exited; Task entered, scheduled, started, succeeded, exited; Choice 2; Succeed 2; ExecutionSucceeded.
    const oneLoop = emulator.describeExecution(once.executionArn as string).historyEvents;
    expect(oneLoop).toBe(1 + 2 + 5 + 2 + 2 + 1);

    const thrice = await settle(await start(neverHandingOver, counting('three-loops', 3)));
    expect(thrice.status).toBe('SUCCEEDED');
    const perExtraLoop = (emulator.describeExecution(thrice.executionArn as string).historyEvents - oneLoop) / 2;
    expect(perExtraLoop).toBe(9 + 2);
  });

  it('fails an execution whose history passes the limit with States.Runtime, as AWS does at its quota', async () => {
    // 10 loops of 11 events: more than 60.
    const executionArn = await start(neverHandingOver, counting('alone', 10));
    const described = await settle(executionArn);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.Runtime');
    expect(described.cause).toMatch(/^History limit exceeded: .* the limit is 60$/);
    const record = emulator.describeExecution(executionArn);
    expect(record.historyEvents).toBeGreaterThan(HISTORY_EVENT_LIMIT);
    // It ended at the limit: nothing was scheduled past it.
    expect(record.historyEvents).toBeLessThanOrEqual(HISTORY_EVENT_LIMIT + 3);
    const counted = record.history.filter((entry) => entry.type === 'StateEntered' && entry.state.name === 'Count');
    expect(counted.length).toBeLessThan(10);
  });

  it('states:startExecution starts a fresh execution of the machine that really runs: the chain finishes what one could not', async () => {
    let executionArn = await start(handingOver, counting('chain', 10));
    const chain: DescribeExecutionCommandOutput[] = [];
    for (;;) {
      const described = await settle(executionArn);
      chain.push(described);
      const successor = (JSON.parse(described.output ?? '{}') as { successor?: { ExecutionArn: string; StartDate: string } }).successor;
      if (!successor) break;
      expect(Number.isNaN(Date.parse(successor.StartDate))).toBe(false);
      executionArn = successor.ExecutionArn;
    }
    expect(chain.map((described) => described.name)).toEqual(['chain', 'chain-g1', 'chain-g2', 'chain-g3']);
    expect(chain.map((described) => described.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(chain[1]?.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:counter:chain-g1');
    expect(JSON.parse(chain[1]?.input ?? '{}')).toEqual({ target: 10, count: 3, loops: 0, generation: 1, name: 'chain' });
    expect(JSON.parse(chain[3]?.output ?? '{}')).toMatchObject({ step: { count: 10 } });
    for (const described of chain) {
      expect(emulator.describeExecution(described.executionArn as string).historyEvents).toBeLessThanOrEqual(HISTORY_EVENT_LIMIT);
    }
  });

  it('a name already taken fails the task with StepFunctions.ExecutionAlreadyExistsException, which Catch matches', async () => {
    await settle(await start(handingOver, { ...counting('taken-g1', 1), generation: 1 }));
    const described = await settle(await start(handingOver, counting('taken', 10)));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('NameTaken');
  });

  it('an unknown state machine fails the task with StepFunctions.StateMachineDoesNotExistException', async () => {
    const orphan = emulator.registerStateMachine('orphan', {
      StartAt: 'Start',
      States: {
        Start: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution',
          Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:missing', Input: {} },
          End: true,
        },
      },
    });
    const described = await settle(await start(orphan, { name: 'orphan-1' }));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('StepFunctions.StateMachineDoesNotExistException');
  });
});
