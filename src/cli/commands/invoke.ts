import { LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_LAMBDA_PORT, FUNCTION_NAME } from '../../local/stack';
import { runningServe } from '../dataDir';
import { EXIT, UsageError } from '../exitCodes';
import { invokeHandler } from '../lambdaCalls';
import { jsonForTerminal } from '../render/terminalText';
import { userInfo } from 'node:os';

export interface InvokeOptions {
  dataDir: string;
  endpoint?: string;
  executionId?: string;
  planId?: string;
  type?: string;
  initiatedBy?: string;
  reason?: string;
}

/** The event the CLI sends for an operation: only the fields given, as the contract names them. */
export const buildEvent = (operation: string, options: InvokeOptions): Record<string, unknown> => {
  const event: Record<string, unknown> = { operation };
  if (options.executionId) event.executionId = options.executionId;
  if (operation === 'get_execution_details') {
    if (options.planId) event.queryParams = { planId: options.planId };
  } else if (options.planId) event.planId = options.planId;
  if (options.type) event.executionType = options.type;
  if (operation === 'start_execution') event.initiatedBy = options.initiatedBy ?? `${userInfo().username}@drs-ledger-cli`;
  if (['pause', 'resume', 'cancel'].includes(operation)) event.requestedBy = options.initiatedBy ?? `${userInfo().username}@drs-ledger-cli`;
  if (options.reason) event.reason = options.reason;
  return event;
};

/** `drs-ledger invoke <operation>`: through the Lambda endpoint of a running stack, as `aws lambda invoke` would. */
export const runInvoke = async (operation: string, options: InvokeOptions, out: NodeJS.WritableStream): Promise<number> => {
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
