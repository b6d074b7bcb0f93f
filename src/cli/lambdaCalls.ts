import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { OperationResponse } from '../operations/responses';

/** Calls the execution-handler through a Lambda endpoint with the real LambdaClient (RequestResponse). */
export const invokeHandler = async (
  lambda: LambdaClient,
  functionName: string,
  payload: Record<string, unknown>,
): Promise<OperationResponse> => {
  const output = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
  const text = Buffer.from(output.Payload ?? []).toString('utf8');
  if (output.FunctionError) throw new Error(`${functionName} failed (${output.FunctionError}): ${text}`);
  return JSON.parse(text) as OperationResponse;
};
