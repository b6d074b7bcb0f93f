import { LambdaApiError } from '../lambda/errors';
import type { InvokeResult, LambdaService } from '../lambda/lambdaService';
import { TaskError } from './taskError';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

export const isFunctionArn = (resource: string): boolean => FUNCTION_ARN.test(resource);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const parseBody = (body: Buffer): unknown => {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** Calls the function in process, through the same path as the HTTP Invoke API (quotas, faults, counters). */
const invoke = async (lambda: LambdaService, request: Parameters<LambdaService['invoke']>[0]): Promise<InvokeResult> => {
  try {
    const result = await lambda.invoke(request);
    if (result.kind === 'functionError') {
      // As Step Functions reports a function error: Error is the errorType, Cause the error payload.
      throw new TaskError(result.error.errorType, result.body.toString('utf8'));
    }
    return result;
  } catch (error) {
    if (!(error instanceof LambdaApiError)) throw error;
    throw new TaskError(
      `Lambda.${error.type}`,
      `${error.message} (Service: Lambda, Status Code: ${error.status}, Error Code: ${error.type})`,
    );
  }
};

/** arn:aws:states:::lambda:invoke: Parameters carry FunctionName and Payload; the result is the integration's envelope. */
export const lambdaInvokeTask = async (lambda: LambdaService, parameters: unknown): Promise<unknown> => {
  if (!isObject(parameters) || typeof parameters.FunctionName !== 'string') {
    throw new TaskError('States.Runtime', 'lambda:invoke needs Parameters.FunctionName (a string)', false);
  }
  const invocationType = typeof parameters.InvocationType === 'string' ? parameters.InvocationType : 'RequestResponse';
  const result = await invoke(lambda, {
    functionName: parameters.FunctionName,
    ...(typeof parameters.Qualifier === 'string' ? { qualifier: parameters.Qualifier } : {}),
    invocationType,
    payload: Buffer.from(JSON.stringify(parameters.Payload ?? {})),
  });
  const statusCode = result.kind === 'accepted' ? 202 : result.kind === 'dryRun' ? 204 : 200;
  const headers = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': result.requestId };
  return {
    ExecutedVersion: '$LATEST',
    Payload: result.kind === 'ok' ? parseBody(result.body) : '',
    SdkHttpMetadata: { AllHttpHeaders: headers, HttpHeaders: headers, HttpStatusCode: statusCode },
    SdkResponseMetadata: { RequestId: result.requestId },
    StatusCode: statusCode,
  };
};

/** A plain function ARN as Resource: the state input is the event, the function's result the task's result. */
export const functionArnTask = async (lambda: LambdaService, functionArn: string, input: unknown): Promise<unknown> => {
  const result = await invoke(lambda, { functionName: functionArn, payload: Buffer.from(JSON.stringify(input ?? null)) });
  return result.kind === 'ok' ? parseBody(result.body) : null;
};
