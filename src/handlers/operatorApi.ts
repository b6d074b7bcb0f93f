import { Logger } from '@aws-lambda-powertools/logger';
import { configFromEnv } from '../config';
import { failure, type OperationResponse } from '../operations/responses';
import type { Log } from '../operations/deps';
import { LedgerIntegrityError } from '../ports/ledgerErrors';
import { routeOf, verifiedPrincipalOf } from './operatorApi/apiEvent';
import { buildOperatorApiDeps, type OperatorApiDeps } from './operatorApi/deps';
import { httpAnswer, type OperatorApiAnswer } from './operatorApi/httpAnswer';
import { runAction } from './operatorApi/runAction';
import { OPERATOR_ROUTE_KEYS } from './operatorApi/routes';
import { requestLog } from './requestLog';

export type { OperatorApiDeps } from './operatorApi/deps';
export type { OperatorApiAnswer } from './operatorApi/httpAnswer';

const answered = (logger: Log, response: OperationResponse): OperatorApiAnswer => {
  const level = response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info';
  logger[level]('Request answered', { statusCode: response.statusCode, ...(response.error ? { error: response.error } : {}) });
  return httpAnswer(response);
};

/**
 * The operator API (API Gateway HTTP API, IAM authorization; locally the SigV4-verifying server): the
 * principal the authorizer verified acts, recorded as the actor; a body's `name` is kept apart as a claim. A
 * request without a verified principal is refused before anything is read. The raw event is never logged.
 */
export const handleOperatorApiRequest = async (deps: OperatorApiDeps, logger: Log, event: unknown): Promise<OperatorApiAnswer> => {
  const principal = verifiedPrincipalOf(event);
  if (principal === undefined) {
    return answered(
      logger,
      failure(403, 'FORBIDDEN', 'The operator API acts only for a principal IAM verified: the request context names none'),
    );
  }
  const route = routeOf(event);
  if (!route) {
    return answered(logger, failure(404, 'ROUTE_NOT_FOUND', 'No such route', { routes: [...OPERATOR_ROUTE_KEYS] }));
  }
  const keys = { route: route.routeKey, principal, ...route.pathParameters };
  // Its keys travel with each line, the action's own included: requests share the logger, concurrently locally.
  const log = requestLog(logger, keys);
  try {
    return answered(log, await runAction({ ...deps, log }, route, principal, event));
  } catch (error) {
    log.error('Request failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
    if (error instanceof LedgerIntegrityError) {
      return httpAnswer(failure(500, 'LEDGER_INTEGRITY', error.message, { retryable: false, seq: error.seq }));
    }
    return httpAnswer(failure(500, 'INTERNAL_ERROR', 'The request could not be completed; it is safe to retry', { retryable: true }));
  }
};

const logger = new Logger({ serviceName: 'operator-api' });
let deps: OperatorApiDeps | undefined;

/** The Lambda entry point (API Gateway HTTP API, payload format 2.0). Dependencies are built on the first call. */
export const handler = async (event: unknown): Promise<OperatorApiAnswer> => {
  deps ??= buildOperatorApiDeps(configFromEnv(), logger);
  return handleOperatorApiRequest(deps, logger, event);
};
