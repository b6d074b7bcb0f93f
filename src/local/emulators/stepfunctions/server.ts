import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaService } from '../lambda/lambdaService';
import { headerValue, listenLoopback } from '../http';
import { SfnError } from './errors';
import { type ExecutionRecord, Executions } from './executions';
import { checkedSfnError, checkedSfnOutput, checkSfnRequest } from './modelChecks';
import { DEFAULT_HISTORY_EVENT_LIMIT } from './historyLimit';
import { operations, type Operation } from './operations';
import { StateMachines } from './stateMachines';
import { applySubstitutions, type Substitutions } from './substitutions';
import { type ResourceHandler } from './taskHandlers';
import { TaskTokens } from './taskTokens';

export interface StepFunctionsEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  /** Where Lambda Task resources run, in process. Default: a new LambdaService (register functions on it). */
  lambda?: LambdaService;
  /** Wait states' Seconds are multiplied by this (0.01: a 30 s Wait lasts 300 ms). Default 1. */
  waitScale?: number;
  /** Retry intervals are multiplied by this. Default: waitScale. */
  retryScale?: number;
  /** Task and machine TimeoutSeconds and HeartbeatSeconds are multiplied by this. Default 1. */
  timeoutScale?: number;
  /** Task resources other than Lambda, by resource ARN (without .waitForTaskToken). */
  resourceHandlers?: Record<string, ResourceHandler>;
  /**
   * An execution whose history would pass this many events fails (States.Runtime), as on AWS at 25,000 (the
   * default). Tests make it small, so that a loop that never continues as new fails quickly.
   */
  historyEventLimit?: number;
}

export interface StepFunctionsEmulator {
  endpoint: string;
  port: number;
  lambda: LambdaService;
  /** Registers (or replaces) a machine from code, applying DefinitionSubstitutions-like ${Key} placeholders. */
  registerStateMachine(name: string, definition: string | object, substitutions?: Substitutions): string;
  /** Resolves with the execution once it has ended. */
  settled(executionArn: string): Promise<ExecutionRecord>;
  describeExecution(executionArn: string): ExecutionRecord;
  /** Tasks waiting on a token (of one execution, or all). */
  waitingTasks(executionArn?: string): number;
  /** Stops running executions, ends waiting tasks, stops listening. Does not shut the Lambda service down. */
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

const reply = (response: ServerResponse, status: number, body: unknown): void => {
  const payload = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': String(payload.length),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(payload);
};

const handle = (table: Record<string, Operation>, request: IncomingMessage, body: Buffer): { status: number; body: unknown } => {
  const target = headerValue(request, 'x-amz-target') ?? '';
  const name = target.slice(TARGET_PREFIX.length);
  try {
    const operation = target.startsWith(TARGET_PREFIX) ? table[name] : undefined;
    if (request.method !== 'POST' || !operation) throw new SfnError('UnknownOperationException', `Unknown operation ${target}`);
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new SfnError('SerializationException', 'Request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new SfnError('SerializationException', 'Request body must be a JSON object');
    }
    checkSfnRequest(name, input as Record<string, unknown>);
    return { status: 200, body: checkedSfnOutput(name, operation(input as Record<string, unknown>)) };
  } catch (error) {
    if (error instanceof SfnError) {
      const checked = checkedSfnError(name, error);
      return { status: checked.status, body: { __type: checked.wireType, message: checked.message } };
    }
    throw error;
  }
};

/** A Step Functions endpoint (awsJson1_0) running definitions with aws-local-stepfunctions. */
export const startStepFunctionsEmulator = async (options: StepFunctionsEmulatorOptions = {}): Promise<StepFunctionsEmulator> => {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const lambda = options.lambda ?? new LambdaService({ region, accountId });
  const waitScale = options.waitScale ?? 1;
  const scales = { wait: waitScale, retry: options.retryScale ?? waitScale, timeout: options.timeoutScale ?? 1 };
  const machines = new StateMachines(region, accountId, scales);
  const tokens = new TaskTokens();
  const executions = new Executions(
    machines,
    { lambda, tokens, resourceHandlers: options.resourceHandlers ?? {} },
    options.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT,
  );
  const table = operations({ machines, executions, tokens });

  const http = await listenLoopback(options.port ?? 0, (request, body, response) => {
    const result = handle(table, request, body);
    reply(response, result.status, result.body);
  });

  return {
    endpoint: http.endpoint,
    port: http.port,
    lambda,
    registerStateMachine: (name, definition, substitutions = {}) => {
      const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
      return machines.put(name, applySubstitutions(text, substitutions)).stateMachineArn;
    },
    settled: (executionArn) => executions.settled(executionArn),
    describeExecution: (executionArn) => executions.describe(executionArn),
    waitingTasks: (executionArn) => tokens.waiting(executionArn),
    close: async () => {
      await http.close();
      await executions.stopAll();
      tokens.closeAll('The emulator closed');
    },
  };
};
