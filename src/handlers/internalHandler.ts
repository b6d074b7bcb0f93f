import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { configFromEnv } from '../config';
import type { OperationDeps } from '../operations/deps';
import type { OperationResponse } from '../operations/responses';
import { handleRequest } from './executionHandler';
import { buildDeps } from './wiring';

const logger = new Logger({ serviceName: 'execution-internal' });
let deps: OperationDeps | undefined;

/**
 * The internal function: the operations only the drill state machine calls (wait_for_resume,
 * attach_state_machine). Its resource policy and the IAM grants admit the state machine's role alone.
 */
export const handler = async (event: unknown, context?: Context): Promise<OperationResponse> => {
  deps ??= buildDeps(configFromEnv(), logger);
  return failedWaitThrows(event, await handleRequest(deps, logger, event, context, 'internal'));
};

/** The error a refused wait_for_resume throws: Step Functions then fails the task, and the state machine's Catch runs. */
export class WaitForResumeRefused extends Error {
  constructor(response: OperationResponse) {
    super(`wait_for_resume refused: ${String(response.statusCode)} ${String(response.error)}: ${String(response.message)}`);
    this.name = 'WaitForResumeRefused';
  }
}

/**
 * A waitForTaskToken task ignores what the function returns and waits for its token: a wait_for_resume that was
 * refused (a second token for a live wait, a pause recorded before tokens were attached) must fail the task
 * instead, or the run would stay parked for days. The state machine's Catch then goes back to its paced loop.
 */
export const failedWaitThrows = (event: unknown, response: OperationResponse): OperationResponse => {
  const operation = (event as { operation?: unknown } | null)?.operation;
  if (operation === 'wait_for_resume' && response.statusCode >= 400) throw new WaitForResumeRefused(response);
  return response;
};
