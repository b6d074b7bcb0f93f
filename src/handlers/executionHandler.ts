import { LedgerIntegrityError } from '../ports/ledgerErrors';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { configFromEnv } from '../config';
import type { Log, OperationDeps } from '../operations/deps';
import { failure, type OperationResponse } from '../operations/responses';
import { dispatch } from './dispatch';
import { parseRequest } from './parseRequest';
import { type OperationSurface, surfaceOf } from './operationTable';
import { requestLog } from './requestLog';
import { buildDeps } from './wiring';

/**
 * Runs one execution-handler request with the given dependencies: parse, dispatch, and never let an
 * exception escape as a stack trace. The raw event is never logged (it may hold a task token). Every line
 * the request writes, its operation's included, carries its own keys even while other requests share the
 * logger (the local stack runs them concurrently): the operation gets the shared deps with a per-request log.
 */
export const handleRequest = async (
  deps: OperationDeps,
  logger: Log,
  event: unknown,
  context?: Pick<Context, 'functionName' | 'awsRequestId'>,
  surface: OperationSurface = 'public',
): Promise<OperationResponse> => {
  const parsed = parseRequest(event);
  if (!parsed.ok) {
    logger.warn('Request refused', { statusCode: parsed.response.statusCode, error: parsed.response.error });
    return parsed.response;
  }
  const { request } = parsed;
  if (surfaceOf(request.operation) !== surface) {
    const response = wrongSurface(request.operation, surface);
    logger.warn('Request refused', { statusCode: response.statusCode, error: response.error, operation: request.operation });
    return response;
  }
  const input: Record<string, unknown> = request.input;
  const keys = {
    operation: request.operation,
    ...(typeof input.executionId === 'string' ? { executionId: input.executionId } : {}),
    ...(typeof input.planId === 'string' ? { planId: input.planId } : {}),
  };
  const log = requestLog(logger, keys);
  try {
    const response = await dispatch({ ...deps, log }, request, context?.functionName ?? deps.config.functionName);
    log.info('Request answered', { statusCode: response.statusCode, ...(response.error ? { error: response.error } : {}) });
    return response;
  } catch (error) {
    log.error('Request failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
    if (error instanceof LedgerIntegrityError) {
      // A ledger written around the store: retrying cannot mend it, and nothing is decided on it.
      return failure(500, 'LEDGER_INTEGRITY', error.message, { retryable: false, seq: error.seq });
    }
    return failure(500, 'INTERNAL_ERROR', 'The request could not be completed; it is safe to retry', {
      retryable: true,
      ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
    });
  }
};

/**
 * An internal operation reached the public function (or the reverse): refused before anything is read. The
 * public function holds no way to accept a task token, so no caller can swap the state machine's.
 */
const wrongSurface = (operation: string, surface: OperationSurface): OperationResponse =>
  surface === 'public'
    ? failure(403, 'INTERNAL_OPERATION', `${operation} is called by the drill state machine only, on the internal function`)
    : failure(403, 'PUBLIC_OPERATION', `${operation} is not answered by the internal function; invoke the execution-handler`);

const logger = new Logger({ serviceName: 'execution-handler' });
let deps: OperationDeps | undefined;

/** The Lambda entry point. Module load stays trivial; dependencies are built on the first call. */
export const handler = async (event: unknown, context?: Context): Promise<OperationResponse> => {
  deps ??= buildDeps(configFromEnv(), logger);
  return handleRequest(deps, logger, event, context);
};
