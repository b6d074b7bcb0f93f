import { randomUUID } from 'node:crypto';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { queryRecord, REQUEST_ID_HEADER, sendRequest } from '../local/operatorApi/signing';
import type { DeployedStack } from './deployedStack';
import { UsageError } from './exitCodes';
import { invokeHandler } from './lambdaCalls';
import type { OperationResponse } from '../operations/responses';

/** A route of the operator API: its method and path, and its body (what `invoke` builds for an operation). */
export interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
}

/** API Gateway's signing name: IAM authorizes the operator API's routes as execute-api:Invoke. */
const EXECUTE_API = 'execute-api';

/**
 * Invokes the stack's execution-handler (lambda:InvokeFunction on it) with the caller's AWS credentials. The
 * client gets no endpoint: AWS_ENDPOINT_URL_LAMBDA, the profile and the region apply as for any SDK call.
 */
export const invokeStackHandler = async (stack: DeployedStack, payload: Record<string, unknown>): Promise<OperationResponse> => {
  const lambda = new LambdaClient({ region: stack.region, maxAttempts: 1 });
  try {
    return await invokeHandler(lambda, stack.executionHandlerName, payload);
  } finally {
    lambda.destroy();
  }
};

/** The caller's own AWS credentials, as any SDK client of the region resolves them (env, profile, SSO, role). */
const callerCredentials = async (region: string) => {
  const client = new LambdaClient({ region });
  try {
    return await client.config.credentials();
  } finally {
    client.destroy();
  }
};

/**
 * Calls a route of the stack's operator API signed with the caller's own AWS credentials (SigV4 for
 * execute-api, the session token included): the ledger records the caller's verified principal ARN, as the
 * HTTP API's IAM authorizer reports it.
 */
export const callStackApi = async (stack: DeployedStack, call: ApiCall): Promise<{ status: number; body: Record<string, unknown> }> => {
  if (!stack.operatorApiUrl)
    throw new UsageError(
      `stack ${stack.stackName} has no OperatorApiUrl output: deploy it again with npm run deploy -- --stage ${stack.stage}`,
    );
  const url = new URL(`${stack.operatorApiUrl.replace(/\/+$/, '')}${call.path}`);
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const signer = new SignatureV4({
    service: EXECUTE_API,
    region: stack.region,
    credentials: await callerCredentials(stack.region),
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method: call.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: queryRecord(url.searchParams),
    // A fresh id under the signature: two identical calls in the same second are two requests, not a replay.
    headers: { host: url.host, [REQUEST_ID_HEADER]: randomUUID(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });
  return sendRequest({ method: call.method, url: url.toString(), headers: signed.headers, ...(body === undefined ? {} : { body }) });
};
