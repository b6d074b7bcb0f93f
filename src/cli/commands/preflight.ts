import { LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_LAMBDA_PORT, FUNCTION_NAME } from '../../local/stack';
import type { OperationResponse } from '../../operations/responses';
import { runningServe } from '../dataDir';
import { invokeStackHandler } from '../deployedInvoke';
import { deployedStack } from '../deployedStackScope';
import { EXIT, UsageError } from '../exitCodes';
import { invokeHandler } from '../lambdaCalls';
import { type PreflightAnswer, preflightTable } from '../render/preflightTable';
import { jsonForTerminal, shown } from '../render/terminalText';

export interface PreflightOptions {
  dataDir: string;
  planId: string;
  type?: string;
  recoverAsOf?: string;
  endpoint?: string;
  json?: boolean;
}

/** How the request reaches the execution-handler: the running local stack's Lambda endpoint, or with --stage the deployed one. */
export type HandlerCall = (event: Record<string, unknown>) => Promise<OperationResponse>;

const localCall =
  (options: PreflightOptions): HandlerCall =>
  async (event) => {
    const endpoint = options.endpoint ?? runningServe(options.dataDir)?.lambda ?? `http://127.0.0.1:${DEFAULT_LAMBDA_PORT}`;
    const lambda = new LambdaClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      return await invokeHandler(lambda, FUNCTION_NAME, event);
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

const defaultCall = async (options: PreflightOptions): Promise<HandlerCall> => {
  const stack = deployedStack();
  if (!stack) return localCall(options);
  if (options.endpoint !== undefined)
    throw new UsageError('--endpoint is for the local stack; with --stage, the stack names its endpoints');
  const deployed = await stack;
  return (event) => invokeStackHandler(deployed, event);
};

/**
 * `drs-ledger preflight <planId>`: what stands between the plan and its start, as a table (or JSON). Exits 1
 * when a finding is BLOCKING (a start would be refused), 2 on bad input, 0 when the plan is ready.
 */
export const runPreflight = async (options: PreflightOptions, out: NodeJS.WritableStream, call?: HandlerCall): Promise<number> => {
  const type = options.type?.toUpperCase() ?? 'DRILL';
  if (type !== 'DRILL' && type !== 'RECOVERY') throw new UsageError('--type must be DRILL or RECOVERY');
  if (options.recoverAsOf !== undefined && Number.isNaN(Date.parse(options.recoverAsOf))) {
    throw new UsageError('--recover-as-of must be an ISO 8601 date-time, such as 2026-12-01T09:30:00Z');
  }
  const event = {
    operation: 'preflight',
    planId: options.planId,
    executionType: type,
    ...(options.recoverAsOf === undefined ? {} : { recoverAsOf: options.recoverAsOf }),
  };
  const response = await (call ?? (await defaultCall(options)))(event);
  if (response.statusCode !== 200) {
    throw new UsageError(`preflight answered ${response.statusCode} ${shown(String(response.error))}: ${shown(String(response.message))}`);
  }
  const answer = response as unknown as PreflightAnswer;
  out.write(options.json ? `${jsonForTerminal(answer)}\n` : preflightTable(answer));
  return answer.ready ? EXIT.ok : EXIT.executionFailed;
};
