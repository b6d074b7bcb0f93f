/**
 * statemachine/drill.asl.json against Step Functions' history quota, measured in the emulator (which counts
 * history events as AWS writes them): what a loop costs when all goes well and at worst, why the default
 * bound of loops per run is safe, and, at the real quota of 25,000 events, that a long drill's state machine
 * fails without continue-as-new and completes with it.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LambdaService } from '../../src/local/emulators/lambda';
import {
  DEFAULT_HISTORY_EVENT_LIMIT,
  type ExecutionRecord,
  startStepFunctionsEmulator,
  type StepFunctionsEmulator,
} from '../../src/local/emulators/stepfunctions';
import { DEFAULT_MAX_LOOPS_PER_EXECUTION } from '../../src/local/drillStateMachineLimits';

jest.setTimeout(180_000);

const ASL = readFileSync(join(__dirname, '..', '..', 'statemachine', 'drill.asl.json'), 'utf8');
const FUNCTION = 'drs-ledger-local-execution-handler';

interface Request {
  operation: string;
  executionId: string;
}

/** What the scripted handler answers each operation of one execution (its executionId), in order. */
interface Script {
  poll: Array<string | Error>;
  finalize?: Array<string | Error>;
  /** Runs after the poll that answers from this index on (to arm Lambda faults for the next task). */
  afterPoll?: (index: number) => void;
}

describe('the drill state machine against the history quota (emulator)', () => {
  let lambda: LambdaService;
  const scripts = new Map<string, Script & { polls: number }>();

  beforeAll(() => {
    lambda = new LambdaService();
    lambda.register(FUNCTION, async (event) => {
      const request = event as Request;
      const script = scripts.get(request.executionId);
      if (!script) throw new Error(`no script for ${request.executionId}`);
      if (request.operation === 'attach_state_machine') return { statusCode: 200, attached: true };
      if (request.operation === 'finalize') {
        const next = script.finalize?.shift() ?? 'COMPLETED';
        if (next instanceof Error) throw next;
        return { statusCode: 200, status: next };
      }
      const index = script.polls;
      script.polls += 1;
      const next = script.poll.length > 1 ? script.poll.shift() : script.poll[0];
      if (next instanceof Error) throw next;
      script.afterPoll?.(index);
      return { statusCode: 200, status: next };
    });
  });
  afterAll(() => lambda.shutdown());

  /** An emulator with the drill machine registered; waits shortened so that thousands of loops take seconds. */
  const emulatorWith = async (maxLoops: number, historyEventLimit?: number) => {
    const emulator = await startStepFunctionsEmulator({
      lambda,
      waitScale: 0.00001,
      ...(historyEventLimit !== undefined ? { historyEventLimit } : {}),
    });
    const handlerArn = lambda.arnOf(FUNCTION);
    const stateMachineArn = emulator.registerStateMachine('drill', ASL, {
      ExecutionHandlerArn: handlerArn,
      // One scripted function answers the internal operations too: what is measured here is the history, not who answers.
      ExecutionInternalArn: handlerArn,
      MaxLoopsPerExecution: maxLoops,
    });
    return { emulator, stateMachineArn };
  };

  /** Runs one drill (and its runs, if it continues as new) to the end; answers every run, oldest first. */
  const drill = async (
    sfn: { emulator: StepFunctionsEmulator; stateMachineArn: string },
    executionId: string,
    script: Script,
  ): Promise<ExecutionRecord[]> => {
    scripts.set(executionId, { ...script, polls: 0 });
    const started = await startThroughApi(sfn.emulator, sfn.stateMachineArn, executionId);
    const runs: ExecutionRecord[] = [];
    let arn: string | undefined = started;
    while (arn) {
      const run = await sfn.emulator.settled(arn);
      runs.push(run);
      arn =
        run.status === 'SUCCEEDED'
          ? (JSON.parse(run.output ?? '{}') as { successor?: { executionArn: string } }).successor?.executionArn
          : undefined;
    }
    return runs;
  };

  it('writes 13 events a loop when all goes well (9 for Wait, Poll and Route, 4 for counting the loop)', async () => {
    const sfn = await emulatorWith(1000);
    try {
      const [short] = await drill(sfn, 'exec-loops-1', { poll: ['RUNNING', 'COMPLETED'] });
      const [long] = await drill(sfn, 'exec-loops-11', { poll: [...Array(10).fill('RUNNING'), 'RUNNING', 'COMPLETED'] });
      expect(short?.status).toBe('SUCCEEDED');
      expect(((long?.historyEvents ?? 0) - (short?.historyEvents ?? 0)) / 10).toBe(13);
    } finally {
      await sfn.emulator.close();
    }
  });

  it(`writes at most 78 in a loop whatever fails, so ${DEFAULT_MAX_LOOPS_PER_EXECUTION} loops a run stay under the quota`, async () => {
    const sfn = await emulatorWith(1000);
    try {
      const [baseline] = await drill(sfn, 'exec-calm', { poll: ['COMPLETED'], finalize: ['COMPLETED'] });
      // The worst loop: poll fails 6 times at the Lambda API and 4 times in the function, answers COMPLETED on
      // its last retry; finalize then fails all its 11 attempts and the loop begins again.
      lambda.faults.inject({ kind: 'ServiceException', count: 6, functionName: FUNCTION });
      const crash = () => new Error('handler crashed');
      const [worst] = await drill(sfn, 'exec-stormy', {
        poll: [crash(), crash(), crash(), crash(), 'COMPLETED'],
        finalize: [crash(), crash(), crash(), crash(), crash(), 'COMPLETED'],
        afterPoll: (index) => {
          if (index === 4) lambda.faults.inject({ kind: 'ServiceException', count: 6, functionName: FUNCTION });
        },
      });
      expect(worst?.status).toBe('SUCCEEDED');
      const worstLoop = (worst?.historyEvents ?? 0) - (baseline?.historyEvents ?? 0);
      expect(worstLoop).toBe(78);
      // Beyond the loops, a run's start (its attach retried to the end) and hand-over (retried) cost at most 57.
      expect(DEFAULT_MAX_LOOPS_PER_EXECUTION * worstLoop + 57).toBeLessThan(DEFAULT_HISTORY_EVENT_LIMIT);
    } finally {
      await sfn.emulator.close();
    }
  });

  it('at the real quota, a drill of 2,000 polls (17 hours) fails without continue-as-new and completes with it', async () => {
    const polls = { poll: [...Array(2000).fill('RUNNING'), 'COMPLETED'] };

    const alone = await emulatorWith(1_000_000);
    try {
      const [run] = await drill(alone, 'exec-alone', { poll: [...polls.poll] });
      expect(run).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
      expect(run?.cause).toMatch(/^History limit exceeded: .* the limit is 25000$/);
      expect(scripts.get('exec-alone')?.polls).toBeLessThan(2000);
    } finally {
      await alone.emulator.close();
    }

    const handingOver = await emulatorWith(DEFAULT_MAX_LOOPS_PER_EXECUTION);
    try {
      const runs = await drill(handingOver, 'exec-relay', { poll: [...polls.poll] });
      expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'SUCCEEDED'));
      expect(runs.map((run) => run.name)).toEqual(runs.map((_, generation) => (generation ? `exec-relay-g${generation}` : 'exec-relay')));
      expect(runs).toHaveLength(Math.ceil(2001 / DEFAULT_MAX_LOOPS_PER_EXECUTION));
      expect(Math.max(...runs.map((run) => run.historyEvents))).toBeLessThan(DEFAULT_HISTORY_EVENT_LIMIT / 6);
      expect(JSON.parse(runs.at(-1)?.output ?? '{}')).toMatchObject({ finalize: { response: { status: 'COMPLETED' } } });
    } finally {
      await handingOver.emulator.close();
    }
  });
});

/** StartExecution with the real client, as start_execution does: run 0, named after the execution. */
const startThroughApi = async (emulator: StepFunctionsEmulator, stateMachineArn: string, executionId: string): Promise<string> => {
  const client = new SFNClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  try {
    const input = JSON.stringify({ executionId, planId: 'plan-1' });
    return (await client.send(new StartExecutionCommand({ stateMachineArn, name: executionId, input }))).executionArn as string;
  } finally {
    client.destroy();
  }
};
