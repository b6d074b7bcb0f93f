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
  return handleRequest(deps, logger, event, context, 'internal');
};
