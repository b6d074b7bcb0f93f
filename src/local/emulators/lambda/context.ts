import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { RegisteredFunction } from './registry';

const deprecated = (): void => {
  throw new Error('context.done/fail/succeed are not supported: return or throw from the async handler');
};

/** The Node.js runtime's context object for one invocation. */
export const lambdaContext = (fn: RegisteredFunction, invokedFunctionArn: string, awsRequestId: string, deadlineMs: number): Context => {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: deprecated,
    fail: deprecated,
    succeed: deprecated,
  };
};
