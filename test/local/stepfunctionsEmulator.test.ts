import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidDefinition,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { LambdaService } from '../../src/local/emulators/lambda';
import { startStepFunctionsEmulator, type StepFunctionsEmulator } from '../../src/local/emulators/stepfunctions';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

/** Pass, a Lambda Task, a 30 s Wait, a Choice and a waitForTaskToken step with Catch. */
const APPROVAL_TEMPLATE = `{
  "StartAt": "Prepare",
  "States": {
    "Prepare": { "Type": "Pass", "Parameters": { "executionId.$": "$.executionId", "verdict.$": "$.verdict" }, "Next": "Work" },
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": { "FunctionName": "\${WorkerArn}", "Payload": { "operation": "work", "verdict.$": "$.verdict" } },
      "ResultSelector": { "status.$": "$.Payload.status", "code.$": "$.StatusCode" },
      "ResultPath": "$.work",
      "Next": "Pause"
    },
    "Pause": { "Type": "Wait", "Seconds": 30, "Next": "Route" },
    "Route": {
      "Type": "Choice",
      "Choices": [{ "Variable": "$.work.status", "StringEquals": "NEEDS_APPROVAL", "Next": "Approve" }],
      "Default": "Done"
    },
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {
        "FunctionName": "\${WorkerArn}",
        "Payload": {
          "operation": "approve",
          "executionId.$": "$.executionId",
          "executionName.$": "$$.Execution.Name",
          "taskToken.$": "$$.Task.Token"
        }
      },
      "TimeoutSeconds": \${ApprovalTimeout},
      \${Heartbeat}
      "ResultPath": "$.approval",
      "Catch": [
        { "ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "TimedOut" },
        { "ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "RejectedByOperator" }
      ],
      "Next": "Done"
    },
    "TimedOut": { "Type": "Pass", "Result": "no answer in time", "ResultPath": "$.outcome", "End": true },
    "RejectedByOperator": { "Type": "Fail", "Error": "Rejected", "Cause": "An operator rejected the approval" },
    "Done": { "Type": "Succeed" }
  }
}`;

/** An execution input; the worker's 'work' step answers the verdict as its status. */
const job = (executionId: string, verdict = 'NEEDS_APPROVAL') => ({ executionId, verdict });

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}
const deferred = <T>(): Deferred<T> => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((onResolve) => (resolve = onResolve));
  return { promise, resolve };
};

describe('Step Functions emulator, through @aws-sdk/client-sfn', () => {
  let emulator: StepFunctionsEmulator;
  let client: SFNClient;
  let lambda: LambdaService;
  let approvalArn: string;
  let quickTimeoutArn: string;
  let heartbeatArn: string;
  let approvals: Array<Deferred<{ taskToken: string; executionName: string }>> = [];

  /** The next approve invocation's payload (its task token). */
  const nextApproval = (): Promise<{ taskToken: string; executionName: string }> => {
    const waiter = deferred<{ taskToken: string; executionName: string }>();
    approvals.push(waiter);
    return waiter.promise;
  };

  const settle = async (executionArn: string): Promise<DescribeExecutionCommandOutput> => {
    for (let i = 0; i < 500; i += 1) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') return described;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`${executionArn} is still running`);
  };

  const start = async (stateMachineArn: string, input: unknown, name?: string) =>
    (await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) })))
      .executionArn as string;

  const refusal = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the call to fail');
  };

  beforeAll(async () => {
    lambda = new LambdaService();
    const workerArn = lambda.register('worker', async (event) => {
      const request = event as { operation: string; verdict?: string; taskToken?: string; executionName?: string };
      if (request.operation === 'work') return { status: request.verdict };
      const waiter = approvals.shift();
      waiter?.resolve({ taskToken: request.taskToken as string, executionName: request.executionName as string });
      return { stored: true };
    });
    emulator = await startStepFunctionsEmulator({ lambda, waitScale: 0.01 });
    client = new SFNClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const register = (name: string, timeout: number, heartbeat = '') =>
      emulator.registerStateMachine(name, APPROVAL_TEMPLATE, { WorkerArn: workerArn, ApprovalTimeout: timeout, Heartbeat: heartbeat });
    approvalArn = register('approval', 60);
    quickTimeoutArn = register('approval-quick-timeout', 1);
    // Heartbeat is substituted raw into the JSON text, like a CloudFormation value inside a template.
    heartbeatArn = register('approval-heartbeat', 60, '"HeartbeatSeconds": 1,');
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
    await lambda.shutdown();
  });

  afterEach(() => {
    approvals = [];
  });

  it('runs Pass, a Lambda Task, a scaled Wait and a Choice to SUCCEEDED', async () => {
    const began = Date.now();
    const executionArn = await start(approvalArn, job('e-1', 'APPROVED_ALREADY'), 'straight-through');
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:approval:straight-through');
    const described = await settle(executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({
      executionId: 'e-1',
      verdict: 'APPROVED_ALREADY',
      work: { status: 'APPROVED_ALREADY', code: 200 },
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(described.startDate?.getTime() ?? Infinity);
    const elapsed = Date.now() - began;
    expect(elapsed).toBeGreaterThanOrEqual(250); // the 30 s Wait, scaled by 0.01
    expect(elapsed).toBeLessThan(5000);
  });

  it('waitForTaskToken hands the function a minted token; SendTaskSuccess continues the execution', async () => {
    const approval = nextApproval();
    const executionArn = await start(approvalArn, job('e-2'), 'needs-approval');
    const { taskToken, executionName } = await approval;
    expect(executionName).toBe('needs-approval');
    expect(taskToken.length).toBeGreaterThanOrEqual(64);
    expect(taskToken).not.toMatch(/placeholder/);
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    expect(emulator.waitingTasks(executionArn)).toBe(1);

    await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approvedBy: 'ops' }) }));
    const described = await settle(executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toMatchObject({ approval: { approvedBy: 'ops' } });

    const again = await refusal(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));
    expect(again).toBeInstanceOf(TaskTimedOut);
  });

  it('two executions waiting at once get different tokens, each resuming only its own', async () => {
    const first = nextApproval();
    const firstArn = await start(approvalArn, job('e-a'));
    const second = nextApproval();
    const secondArn = await start(approvalArn, job('e-b'));
    const [a, b] = await Promise.all([first, second]);
    expect(a.taskToken).not.toBe(b.taskToken);
    await client.send(new SendTaskSuccessCommand({ taskToken: b.taskToken, output: '"second"' }));
    expect((await settle(secondArn)).status).toBe('SUCCEEDED');
    expect((await client.send(new DescribeExecutionCommand({ executionArn: firstArn }))).status).toBe('RUNNING');
    await client.send(new SendTaskSuccessCommand({ taskToken: a.taskToken, output: '"first"' }));
    expect(JSON.parse((await settle(firstArn)).output ?? 'null')).toMatchObject({ approval: 'first' });
  });

  it('an unknown token is InvalidToken', async () => {
    const error = await refusal(client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token'.repeat(8), output: '{}' })));
    expect(error).toBeInstanceOf(InvalidToken);
    expect(await refusal(client.send(new SendTaskFailureCommand({ taskToken: 'nope' })))).toBeInstanceOf(InvalidToken);
  });

  it('SendTaskFailure fails the task with its error and cause, so Catch applies', async () => {
    const approval = nextApproval();
    const executionArn = await start(approvalArn, job('e-3'));
    const { taskToken } = await approval;
    await client.send(new SendTaskFailureCommand({ taskToken, error: 'Rejected', cause: 'not during business hours' }));
    const described = await settle(executionArn);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('Rejected');
    expect(described.cause).toBe('An operator rejected the approval');
  });

  it('TimeoutSeconds on the token wait takes the Catch States.Timeout path; the token then answers TaskTimedOut', async () => {
    const approval = nextApproval();
    const executionArn = await start(quickTimeoutArn, job('e-4'));
    const { taskToken } = await approval;
    const described = await settle(executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toMatchObject({
      outcome: 'no answer in time',
      timeout: { Error: 'States.Timeout' },
    });
    expect(await refusal(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })))).toBeInstanceOf(TaskTimedOut);
  });

  it('HeartbeatSeconds: a heartbeat keeps the task alive; silence fails it with States.HeartbeatTimeout', async () => {
    const approval = nextApproval();
    const began = Date.now();
    const executionArn = await start(heartbeatArn, job('e-5'));
    const { taskToken } = await approval;
    await new Promise((resolve) => setTimeout(resolve, 600));
    await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    const described = await settle(executionArn);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1500);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.HeartbeatTimeout');
    expect(await refusal(client.send(new SendTaskHeartbeatCommand({ taskToken })))).toBeInstanceOf(TaskTimedOut);
  });

  it('StopExecution by ARN aborts the run; its token then answers TaskTimedOut', async () => {
    const approval = nextApproval();
    const executionArn = await start(approvalArn, job('e-6'), 'to-be-stopped');
    const { taskToken } = await approval;
    const stopped = await client.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'operator cancel' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'operator cancel' });
    expect(emulator.waitingTasks(executionArn)).toBe(0);
    expect(await refusal(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })))).toBeInstanceOf(TaskTimedOut);
    await emulator.settled(executionArn);
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
  });

  it('StopExecution needs an execution ARN: unknown -> ExecutionDoesNotExist, malformed -> InvalidArn', async () => {
    const unknown = 'arn:aws:states:us-east-1:000000000000:execution:approval:never-started';
    expect(await refusal(client.send(new StopExecutionCommand({ executionArn: unknown })))).toBeInstanceOf(ExecutionDoesNotExist);
    expect(await refusal(client.send(new StopExecutionCommand({ executionArn: 'e-123' })))).toBeInstanceOf(InvalidArn);
    expect(await refusal(client.send(new DescribeExecutionCommand({ executionArn: approvalArn })))).toBeInstanceOf(InvalidArn);
  });

  it('StartExecution is idempotent for the same name and input while running; other input is ExecutionAlreadyExists', async () => {
    const approval = nextApproval();
    const input = JSON.stringify(job('e-7'));
    const first = await client.send(new StartExecutionCommand({ stateMachineArn: approvalArn, name: 'once', input }));
    const second = await client.send(new StartExecutionCommand({ stateMachineArn: approvalArn, name: 'once', input }));
    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate?.getTime()).toBe(first.startDate?.getTime());

    const conflicting = await refusal(
      client.send(new StartExecutionCommand({ stateMachineArn: approvalArn, name: 'once', input: JSON.stringify(job('other')) })),
    );
    expect(conflicting).toBeInstanceOf(ExecutionAlreadyExists);

    const { taskToken } = await approval;
    await client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    await settle(first.executionArn as string);
    // A closed execution's name cannot be reused, even with the same input.
    expect(await refusal(client.send(new StartExecutionCommand({ stateMachineArn: approvalArn, name: 'once', input })))).toBeInstanceOf(
      ExecutionAlreadyExists,
    );
  });

  it('ListExecutions lists a machine’s executions newest first, with a status filter', async () => {
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: approvalArn, statusFilter: 'ABORTED' }));
    expect(listed.executions?.map((e) => e.name)).toEqual(['to-be-stopped']);
    const all = await client.send(new ListExecutionsCommand({ stateMachineArn: approvalArn, maxResults: 2 }));
    expect(all.executions).toHaveLength(2);
    expect(all.nextToken).toBeDefined();
  });

  it('CreateStateMachine registers a definition; bad definitions and unknown machines are refused', async () => {
    const definition = JSON.stringify({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { hello: 'world' }, End: true } } });
    const roleArn = 'arn:aws:iam::000000000000:role/sfn';
    const created = await client.send(new CreateStateMachineCommand({ name: 'hello', definition, roleArn }));
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:hello');
    expect(created.creationDate).toBeInstanceOf(Date);
    const executionArn = await start(created.stateMachineArn as string, {});
    expect(JSON.parse((await settle(executionArn)).output ?? 'null')).toEqual({ hello: 'world' });

    const broken = JSON.stringify({ StartAt: 'Missing', States: { Hello: { Type: 'Pass', Next: 'Nowhere' } } });
    expect(await refusal(client.send(new CreateStateMachineCommand({ name: 'broken', definition: broken, roleArn })))).toBeInstanceOf(
      InvalidDefinition,
    );
    const missing = 'arn:aws:states:us-east-1:000000000000:stateMachine:missing';
    expect(await refusal(client.send(new StartExecutionCommand({ stateMachineArn: missing })))).toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('Lambda function errors and injected Lambda faults reach Retry and Catch with their Step Functions names', async () => {
    lambda.register('failing', async () => {
      throw new TypeError('bad plan');
    });
    const arn = emulator.registerStateMachine(
      'lambda-errors',
      {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:${Fn}', Payload: { n: 1 } },
            Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2, MaxAttempts: 3 }],
            End: true,
          },
        },
      },
      { Fn: 'failing' },
    );
    const failed = await settle(await start(arn, {}));
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('TypeError');
    expect(JSON.parse(failed.cause ?? '{}')).toEqual({ errorType: 'TypeError', errorMessage: 'bad plan' });

    lambda.register('failing', async (event) => ({ echoed: event }));
    lambda.faults.inject({ kind: 'ServiceException', count: 2, functionName: 'failing' });
    const recovered = await settle(await start(arn, {}));
    expect(recovered.status).toBe('SUCCEEDED');
    expect(JSON.parse(recovered.output ?? 'null')).toMatchObject({ StatusCode: 200, Payload: { echoed: { n: 1 } } });
    expect(lambda.counters.get('failing').RequestResponse).toMatchObject({ faults: 2 });
  });
});
