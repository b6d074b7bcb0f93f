import { LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_LAMBDA_PORT, FUNCTION_NAME } from '../../local/stack';
import { runningServe } from '../dataDir';
import { EXIT, UsageError } from '../exitCodes';
import { invokeHandler } from '../lambdaCalls';
import { jsonForTerminal } from '../render/terminalText';
import { DEFAULT_OPERATOR_API_PORT } from '../../local/operatorApi/server';
import { sendRequest, signRequest } from '../../local/operatorApi/signing';
import { readUsers, usersFile } from '../../local/operatorApi/users';
import { type ApiCall, callStackApi, invokeStackHandler } from '../deployedInvoke';
import type { DeployedStack } from '../deployedStack';
import { deployedStack } from '../deployedStackScope';
import { buildEvent } from '../handlerEvents';

// The event is shared with the web console (src/cli/console): it lives beside the commands, not in them.
export { buildEvent } from '../handlerEvents';

export interface InvokeOptions {
  dataDir: string;
  endpoint?: string;
  executionId?: string;
  planId?: string;
  type?: string;
  initiatedBy?: string;
  reason?: string;
  /** An approval's or a decline's justification. */
  comment?: string;
  /** The change ticket an approval or a decline refers to. */
  ticket?: string;
  /** Sign as this local user (users.json) and call the operator API instead of the Lambda. */
  as?: string;
  /** With --stage: call the deployed operator API, signed with the caller's own AWS credentials. */
  api?: boolean;
  /** start_execution: recover every server as of this ISO-8601 instant. */
  recoverAsOf?: string;
  /** The failed wave a retry or a skip is for. */
  waveNumber?: number;
  /** retry_wave: the retry round meant (the wave's last round + 1). */
  retryRound?: number;
  /** start_execution despite BLOCKING preflight findings: why (the ledger records it as an accepted deviation). */
  overrideReason?: string;
}

export type { ApiCall };

const required = (value: string | undefined, option: string, operation: string): string => {
  if (!value) throw new UsageError(`${operation} needs ${option}`);
  return value;
};

/**
 * The operator API route an operation maps to (with --as). Only the caller's name goes in a body, as a claim:
 * who acts is the signing user. The plan of an execution is the ledger's, so --plan-id is not sent for one.
 */
export const buildApiCall = (operation: string, options: InvokeOptions): ApiCall => {
  const claim = options.initiatedBy ? { name: options.initiatedBy } : {};
  const executionPath = () => `/executions/${encodeURIComponent(required(options.executionId, '--execution-id', operation))}`;
  switch (operation) {
    case 'list_plans':
      return { method: 'GET', path: '/plans' };
    case 'list_executions':
      return { method: 'GET', path: '/executions' };
    case 'start_execution': {
      const planId = encodeURIComponent(required(options.planId, '--plan-id', operation));
      const type = required(options.type, '--type DRILL or RECOVERY', operation);
      if (type !== 'DRILL' && type !== 'RECOVERY') throw new UsageError('--type must be DRILL or RECOVERY');
      const asOf = options.recoverAsOf ? { recoverAsOf: options.recoverAsOf } : {};
      const override = options.overrideReason === undefined ? {} : { override: { reason: options.overrideReason } };
      return {
        method: 'POST',
        path: `/plans/${planId}/${type === 'DRILL' ? 'drills' : 'recoveries'}`,
        body: { ...claim, ...asOf, ...override },
      };
    }
    case 'get_execution_details':
      return { method: 'GET', path: executionPath() };
    case 'preflight': {
      const planId = encodeURIComponent(required(options.planId, '--plan-id', operation));
      const query = new URLSearchParams({
        ...(options.type ? { type: options.type } : {}),
        ...(options.recoverAsOf ? { recoverAsOf: options.recoverAsOf } : {}),
      }).toString();
      return { method: 'GET', path: `/plans/${planId}/preflight${query ? `?${query}` : ''}` };
    }
    case 'pause':
    case 'resume':
    case 'approve':
    case 'decline':
    case 'cancel':
      return {
        method: 'POST',
        path: `${executionPath()}/${operation}`,
        body: {
          ...claim,
          ...(options.comment ? { comment: options.comment } : {}),
          ...(options.ticket ? { ticket: options.ticket } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        },
      };
    case 'retry_wave':
    case 'skip_wave':
      return {
        method: 'POST',
        path: `${executionPath()}/${operation === 'retry_wave' ? 'retry' : 'skip'}`,
        body: {
          ...claim,
          ...(options.waveNumber === undefined ? {} : { waveNumber: options.waveNumber }),
          ...(operation === 'retry_wave' && options.retryRound !== undefined ? { retryRound: options.retryRound } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        },
      };
    default:
      throw new UsageError(
        `${operation} is not on the operator API: --as signs start_execution, preflight, get_execution_details, pause, resume, approve, decline, cancel, retry_wave, skip_wave, list_plans and list_executions`,
      );
  }
};

const exitFor = (statusCode: number): number => (statusCode >= 500 ? EXIT.executionFailed : statusCode >= 400 ? EXIT.usage : EXIT.ok);

/** `drs-ledger invoke <operation> --as <user>`: signed with the user's key (SigV4, the SDK's signer), through the operator API. */
const runSignedInvoke = async (operation: string, options: InvokeOptions & { as: string }, out: NodeJS.WritableStream): Promise<number> => {
  const call = buildApiCall(operation, options);
  const user = readUsers(options.dataDir)?.find((candidate) => candidate.name === options.as);
  if (!user) {
    throw new UsageError(
      `No local user "${options.as}" in ${usersFile(options.dataDir)}: start the stack with \`drs-ledger serve --users ${options.as}:drill+approve\``,
    );
  }
  const endpoint = options.endpoint ?? runningServe(options.dataDir)?.operatorApi ?? `http://127.0.0.1:${DEFAULT_OPERATOR_API_PORT}`;
  const url = new URL(call.path, endpoint).toString();
  let answer;
  try {
    answer = await sendRequest(await signRequest(user, { method: call.method, url, ...(call.body ? { body: call.body } : {}) }));
  } catch (error) {
    if (/ECONNREFUSED|fetch failed/i.test(`${String(error)} ${String((error as { cause?: unknown }).cause)}`)) {
      throw new UsageError(
        `No operator API answers at ${endpoint}: start the local stack with \`drs-ledger serve --users ...\` (or pass --endpoint).`,
      );
    }
    throw error;
  }
  out.write(`${jsonForTerminal({ statusCode: answer.status, ...answer.body }, 2)}\n`);
  return exitFor(answer.status);
};

/** Operations only the operator API answers (GET /plans, GET /executions). */
const API_ONLY = ['list_plans', 'list_executions'];

const printed = (out: NodeJS.WritableStream, statusCode: number, body: object): number => {
  out.write(`${jsonForTerminal({ statusCode, ...body }, 2)}\n`);
  return exitFor(statusCode);
};

/**
 * `drs-ledger --stage <s> invoke <operation>`: the deployed execution-handler (drs-ledger-<s>-execution-handler)
 * invoked with the caller's AWS credentials, or with --api the deployed operator API signed with them (the
 * ledger then records the caller's principal: approvals need it).
 */
const runStackInvoke = async (
  stack: DeployedStack,
  operation: string,
  options: InvokeOptions,
  out: NodeJS.WritableStream,
): Promise<number> => {
  if (options.as !== undefined)
    throw new UsageError('--as signs as a local user; against a deployed stack, --api signs with your own AWS credentials');
  if (options.endpoint !== undefined)
    throw new UsageError('--endpoint is for the local stack; with --stage, the stack names its endpoints');
  if (options.api) {
    const answer = await callStackApi(stack, buildApiCall(operation, options));
    return printed(out, answer.status, answer.body);
  }
  if (API_ONLY.includes(operation)) throw new UsageError(`${operation} is on the operator API only: pass --api`);
  const response = await invokeStackHandler(stack, buildEvent(operation, options));
  out.write(`${jsonForTerminal(response, 2)}\n`);
  return exitFor(response.statusCode);
};

/** `drs-ledger invoke <operation>`: through the Lambda endpoint of a running stack, as `aws lambda invoke` would. */
export const runInvoke = async (operation: string, options: InvokeOptions, out: NodeJS.WritableStream): Promise<number> => {
  const stack = deployedStack();
  if (stack) return runStackInvoke(await stack, operation, options, out);
  if (options.api) throw new UsageError('--api signs with your AWS credentials for a deployed stack: add --stage (locally, --as <user>)');
  if (options.as !== undefined) return runSignedInvoke(operation, { ...options, as: options.as }, out);
  if (API_ONLY.includes(operation)) {
    throw new UsageError(`${operation} is on the operator API only: pass --as <user>`);
  }
  const endpoint = options.endpoint ?? runningServe(options.dataDir)?.lambda ?? `http://127.0.0.1:${DEFAULT_LAMBDA_PORT}`;
  const lambda = new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    const response = await invokeHandler(lambda, FUNCTION_NAME, buildEvent(operation, options));
    out.write(`${jsonForTerminal(response, 2)}\n`);
    if (response.statusCode >= 500) return EXIT.executionFailed;
    return response.statusCode >= 400 ? EXIT.usage : EXIT.ok;
  } catch (error) {
    if (/ECONNREFUSED|connect/i.test(String(error))) {
      throw new UsageError(
        `No Lambda endpoint answers at ${endpoint}: start the local stack with \`drs-ledger serve\` (or pass --endpoint).`,
      );
    }
    throw error;
  } finally {
    lambda.destroy();
  }
};
