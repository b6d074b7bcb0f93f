import type { LambdaService } from '../lambda/lambdaService';
import type { JsonValue, TaskHandlers } from './engine';
import { functionArnTask, isFunctionArn, LAMBDA_INVOKE, lambdaInvokeTask } from './lambdaTasks';
import { historyEventsOfTaskAttempt } from './historyLimit';
import type { TaskFacts } from './runtimeDefinition';
import { START_EXECUTION, type StartExecution, startExecutionTask } from './stepFunctionsTasks';
import { TaskError } from './taskError';
import type { TaskTokens } from './taskTokens';

const WAIT_FOR_TOKEN = '.waitForTaskToken';

/** Runs a Task resource other than Lambda (for example arn:aws:states:::sns:publish); gets the effective input. */
export type ResourceHandler = (input: unknown) => Promise<unknown>;

export interface TaskDeps {
  lambda: LambdaService;
  tokens: TaskTokens;
  resourceHandlers: Record<string, ResourceHandler>;
  /** The emulator's StartExecution, for arn:aws:states:::states:startExecution. */
  startExecution: StartExecution;
}

export interface RunScope {
  executionArn: string;
  /** What $$.Task.Token evaluates to in this run; replaced by the minted token in a callback task's input. */
  tokenPlaceholder: string;
  stopped(): boolean;
  /** Adds events to the execution's history (which fails the execution when they pass its limit). */
  recordHistory(events: number): void;
}

const replaceAll = (value: unknown, placeholder: string, token: string): unknown => {
  if (typeof value === 'string') return value.split(placeholder).join(token);
  if (Array.isArray(value)) return value.map((item) => replaceAll(item, placeholder, token));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceAll(item, placeholder, token)]));
  }
  return value;
};

const runResource = (deps: TaskDeps, resource: string, input: unknown): Promise<unknown> => {
  if (resource === LAMBDA_INVOKE) return lambdaInvokeTask(deps.lambda, input);
  if (isFunctionArn(resource)) return functionArnTask(deps.lambda, resource, input);
  if (resource === START_EXECUTION) return startExecutionTask(deps.startExecution, input);
  const custom = deps.resourceHandlers[resource];
  if (custom) return custom(input);
  return Promise.reject(new TaskError('States.Runtime', `The local Step Functions emulator cannot run resource ${resource}`, false));
};

/**
 * .waitForTaskToken: mint a token, put it where the input holds $$.Task.Token, start the resource (its result is
 * ignored; its failure fails the task), then wait for SendTaskSuccess/SendTaskFailure. The engine's TimeoutSeconds
 * raises States.Timeout; the token is closed at the same deadline.
 */
const waitForToken = async (deps: TaskDeps, scope: RunScope, facts: TaskFacts, resource: string, input: unknown) => {
  const { token, result } = deps.tokens.mint(scope.executionArn, facts.heartbeatMs);
  // The engine arms its timeout right after calling this handler; arm the token's after it, so the engine's fires first.
  await Promise.resolve();
  if (facts.timeoutMs !== undefined) deps.tokens.expireAfter(token, facts.timeoutMs);
  try {
    await runResource(deps, resource, replaceAll(input, scope.tokenPlaceholder, token));
  } catch (error) {
    deps.tokens.discard(token);
    throw error;
  }
  return result;
};

/** The engine's local handlers for one run: every Task state of the definition, by state name. */
export const taskHandlers = (tasks: Map<string, TaskFacts>, deps: TaskDeps, scope: RunScope): TaskHandlers => {
  const handlers: TaskHandlers = {};
  for (const [name, facts] of tasks) {
    handlers[name] = async (input: JsonValue): Promise<JsonValue> => {
      if (scope.stopped()) throw new TaskError('States.Runtime', 'The execution was stopped', false);
      const callback = facts.resource.endsWith(WAIT_FOR_TOKEN);
      // Each attempt is history (scheduled, started, outcome); the one that passes the limit never runs.
      scope.recordHistory(historyEventsOfTaskAttempt(callback));
      if (scope.stopped()) throw new TaskError('States.Runtime', 'The execution was stopped', false);
      const result = callback
        ? await waitForToken(deps, scope, facts, facts.resource.slice(0, -WAIT_FOR_TOKEN.length), input)
        : await runResource(deps, facts.resource, input);
      return (result ?? null) as JsonValue;
    };
  }
  return handlers;
};
