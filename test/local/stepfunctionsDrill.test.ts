import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { LambdaService } from '../../src/local/emulators/lambda';
import { startStepFunctionsEmulator, type StepFunctionsEmulator } from '../../src/local/emulators/stepfunctions';

const ASL_PATH = join(__dirname, '..', '..', 'statemachine', 'drill.asl.json');
const describeWithAsl = existsSync(ASL_PATH) ? describe : describe.skip;

interface HandlerEvent {
  operation: string;
  executionId?: string;
  planId?: string;
  taskToken?: string;
}

const HANDLER = 'drs-ledger-local-execution-handler';
const INTERNAL = 'drs-ledger-local-execution-internal';

describeWithAsl('statemachine/drill.asl.json on the Step Functions emulator', () => {
  let emulator: StepFunctionsEmulator;
  let lambda: LambdaService;
  let client: SFNClient;
  let stateMachineArn: string;
  /** Statuses poll answers, in order. */
  let script: string[] = [];
  let calls: HandlerEvent[] = [];
  /** Which function each operation reached, in order. */
  let reached: Array<[string, string]> = [];
  let onToken: ((token: string) => void) | undefined;

  const nextToken = (): Promise<string> => new Promise((resolve) => (onToken = resolve));

  const settle = async (executionArn: string): Promise<DescribeExecutionCommandOutput> => {
    for (let i = 0; i < 1000; i += 1) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') return described;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`${executionArn} is still running`);
  };

  const startDrill = async (executionId: string): Promise<string> => {
    const input = JSON.stringify({ executionId, planId: 'plan-1' });
    const output = await client.send(new StartExecutionCommand({ stateMachineArn, name: executionId, input }));
    return output.executionArn as string;
  };

  beforeAll(async () => {
    lambda = new LambdaService();
    // As deployed: poll and finalize on execution-handler, wait_for_resume on the internal function.
    const handlerArn = lambda.register(HANDLER, async (event) => {
      const request = event as HandlerEvent;
      calls.push(request);
      reached.push([request.operation, HANDLER]);
      if (request.operation === 'poll') return { statusCode: 200, status: script.shift() ?? 'RUNNING' };
      if (request.operation === 'finalize') return { statusCode: 200, status: 'COMPLETED' };
      throw new Error(`unexpected operation ${request.operation} on ${HANDLER}`);
    });
    const internalArn = lambda.register(INTERNAL, async (event) => {
      const request = event as HandlerEvent;
      calls.push(request);
      reached.push([request.operation, INTERNAL]);
      if (request.operation === 'wait_for_resume') {
        onToken?.(request.taskToken as string);
        return { statusCode: 200, status: 'PAUSED' };
      }
      throw new Error(`unexpected operation ${request.operation} on ${INTERNAL}`);
    });
    // 30 s between polls becomes 30 ms; Retry intervals shrink alike.
    emulator = await startStepFunctionsEmulator({ lambda, waitScale: 0.001 });
    client = new SFNClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    stateMachineArn = emulator.registerStateMachine('drs-ledger-drill', readFileSync(ASL_PATH, 'utf8'), {
      ExecutionHandlerArn: handlerArn,
      ExecutionInternalArn: internalArn,
      MaxLoopsPerExecution: 1000,
    });
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
    await lambda.shutdown();
  });

  beforeEach(() => {
    calls = [];
    reached = [];
    script = [];
    onToken = undefined;
    lambda.faults.clear();
  });

  it('polls, parks on a task token while PAUSED, resumes with SendTaskSuccess, finalizes and succeeds', async () => {
    script = ['RUNNING', 'RUNNING', 'PAUSED', 'RUNNING', 'COMPLETED'];
    const token = nextToken();
    const executionArn = await startDrill('exec-1');
    const taskToken = await token;
    expect(taskToken.length).toBeGreaterThanOrEqual(64);
    expect(calls.at(-1)).toEqual({ operation: 'wait_for_resume', executionId: 'exec-1', planId: 'plan-1', taskToken });

    // Parked: no polling while it waits for the resume.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls.map((call) => call.operation)).toEqual(['poll', 'poll', 'poll', 'wait_for_resume']);
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    expect(emulator.waitingTasks(executionArn)).toBe(1);

    await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ resumedBy: 'ops@example.com' }) }));
    const described = await settle(executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(calls.map((call) => call.operation)).toEqual(['poll', 'poll', 'poll', 'wait_for_resume', 'poll', 'poll', 'finalize']);
    expect(calls.every((call) => call.executionId === 'exec-1' && call.planId === 'plan-1')).toBe(true);
    // The task token went to the internal function alone (the one only the state machine's role may invoke).
    expect(reached.filter(([operation]) => operation === 'wait_for_resume')).toEqual([['wait_for_resume', INTERNAL]]);
    expect(reached.filter(([operation, functionName]) => operation !== 'wait_for_resume' && functionName !== HANDLER)).toEqual([]);
    expect(JSON.parse(described.output ?? 'null')).toMatchObject({
      executionId: 'exec-1',
      planId: 'plan-1',
      finalize: { response: { status: 'COMPLETED' } },
    });

    const again = await client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(TaskTimedOut);
  });

  it("rides through transient Lambda faults with the definition's Retry", async () => {
    script = ['COMPLETED'];
    lambda.faults.inject({ kind: 'ServiceException', count: 1, functionName: HANDLER });
    lambda.faults.inject({ kind: 'TooManyRequestsException', count: 1, functionName: HANDLER });
    const described = await settle(await startDrill('exec-2'));
    expect(described.status).toBe('SUCCEEDED');
    expect(calls.map((call) => call.operation)).toEqual(['poll', 'finalize']);
    expect(lambda.counters.get(HANDLER).RequestResponse.faults).toBeGreaterThanOrEqual(2);
  });

  it('ends FAILED with ExecutionCancelled when the ledger reports CANCELLED', async () => {
    script = ['RUNNING', 'CANCELLED'];
    const described = await settle(await startDrill('exec-3'));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('ExecutionCancelled');
  });

  it('a cancel while paused stops the execution by ARN; the stored token is then refused', async () => {
    script = ['PAUSED'];
    const token = nextToken();
    const executionArn = await startDrill('exec-4');
    const taskToken = await token;
    await client.send(new StopExecutionCommand({ executionArn, cause: 'Cancelled by ops@example.com' }));
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
    const refused = await client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TaskTimedOut);
  });
});
