/**
 * Runs statemachine/drill.asl.json with aws-local-stepfunctions, every Task answered from a script and the
 * waits shortened to nothing, and reports what it invoked, the states it entered and how it ended.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionError, StateMachine } from './localStepFunctions';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const ASL_PATH = join(__dirname, '..', '..', '..', 'statemachine', 'drill.asl.json');

/** The Lambda operations the machine invokes, and its Step Functions hand-over (states:startExecution). */
export type Operation = 'poll' | 'wait_for_resume' | 'finalize' | 'attach_state_machine' | 'start_execution';

export interface Invocation {
  operation: Operation;
  payload: { [key: string]: Json };
}

const TASKS: Record<string, Operation> = {
  Poll: 'poll',
  WaitForResume: 'wait_for_resume',
  Finalize: 'finalize',
  AttachThisRun: 'attach_state_machine',
  ContinueAsNew: 'start_execution',
};

export const STATE_MACHINE_ID = 'arn:aws:states:us-east-1:123456789012:stateMachine:drs-ledger-dev-drill';
export const executionIdOf = (name: string): string => `arn:aws:states:us-east-1:123456789012:execution:drs-ledger-dev-drill:${name}`;

export interface Script {
  poll: Array<Json | Error>;
  waitForResume?: Array<Json | Error>;
  finalize?: Array<Json | Error>;
  attach?: Array<Json | Error>;
  /** What states:startExecution answers (default: the new run's ARN, from the Name it was given). */
  continueAsNew?: Array<Json | Error>;
}

export interface RunOptions {
  /** ${MaxLoopsPerExecution}; large by default, so that only the tests about it hand over. */
  maxLoops?: number;
  input?: { [key: string]: Json };
  /** $$.Execution.Name. */
  name?: string;
}

/** The definition as deployed with these substitutions (the function ARN stays a placeholder: tasks run locally). */
export const definitionWith = (maxLoops: number): unknown =>
  JSON.parse(readFileSync(ASL_PATH, 'utf8').replace(/\$\{MaxLoopsPerExecution\}/g, String(maxLoops)));

export const error = (name: string): Error => Object.assign(new Error(name), { name });

export const runDrillMachine = async (script: Script, options: RunOptions = {}) => {
  const invocations: Invocation[] = [];
  const statesEntered: string[] = [];
  const queues: Record<Operation, Array<Json | Error> | undefined> = {
    poll: [...script.poll],
    wait_for_resume: [...(script.waitForResume ?? [])],
    finalize: [...(script.finalize ?? [])],
    attach_state_machine: [...(script.attach ?? [])],
    start_execution: script.continueAsNew ? [...script.continueAsNew] : undefined,
  };
  // The machine never gives up on its own (errors lead back to the loop), so a script that runs out
  // of answers aborts the run instead of letting it spin until jest's timeout.
  let abort = () => {};
  let ranOutAt: Operation | undefined;
  const handler = (operation: Operation) => (input: unknown) => {
    const parameters = input as { Payload?: { [key: string]: Json }; Name?: string };
    const payload = operation === 'start_execution' ? (input as { [key: string]: Json }) : (parameters.Payload ?? {});
    invocations.push({ operation, payload });
    const queue = queues[operation];
    if (!queue) return { ExecutionArn: executionIdOf(String(parameters.Name)), StartDate: '2026-01-01T00:00:00.000Z' };
    const next = queue.shift();
    if (next === undefined) {
      ranOutAt ??= operation;
      abort();
      return { StatusCode: 200, Payload: {} };
    }
    if (next instanceof Error) throw next;
    return operation === 'start_execution' ? next : ({ StatusCode: 200, Payload: next } as Json);
  };
  const machine = new StateMachine(definitionWith(options.maxLoops ?? 1_000_000) as never, { validationOptions: { checkArn: false } });
  const name = options.name ?? 'exec-1';
  const execution = machine.run(options.input ?? { executionId: 'exec-1', planId: 'plan-1' }, {
    overrides: {
      waitTimeOverrides: { WaitBeforePoll: 0 },
      retryIntervalOverrides: { Poll: 0, WaitForResume: 0, Finalize: 0, AttachThisRun: 0, ContinueAsNew: 0 },
      taskResourceLocalHandlers: Object.fromEntries(Object.entries(TASKS).map(([state, operation]) => [state, handler(operation)])),
    },
    context: {
      Task: { Token: 'token-for-exec-1' },
      Execution: { Id: executionIdOf(name), Name: name },
      StateMachine: { Id: STATE_MACHINE_ID, Name: 'drs-ledger-dev-drill' },
    },
  });
  abort = execution.abort;
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') statesEntered.push(event.state.name);
    }
  })();
  let output: unknown;
  let failure: { error: string; cause: string } | undefined;
  try {
    output = await execution.result;
  } catch (caught) {
    if (ranOutAt) throw new Error(`the script ran out of ${ranOutAt} answers after ${invocations.length} calls`, { cause: caught });
    if (!(caught instanceof ExecutionError)) throw caught;
    const cause = (caught as Error & { cause?: Error }).cause;
    failure = { error: cause?.name ?? 'unknown', cause: cause?.message ?? '' };
  }
  await collecting;
  const lambdaOperations = invocations.filter((i) => i.operation !== 'start_execution').map((i) => i.operation);
  return { output, failure, invocations, statesEntered, operations: lambdaOperations };
};
