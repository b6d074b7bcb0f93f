import { withoutExternalId } from '../../domain/plan';
import type { ExecutionStatus } from '../../domain/execution/vocabulary';
import { DEFAULT_EXECUTIONS_LIMIT, listExecutionRows, MAX_EXECUTIONS_LIMIT } from '../executionRows';
import { UsageError } from '../exitCodes';
import type { ConsoleBackend } from './consoleBackend';
import { type Answer, failed, json } from './httpKit';

/**
 * `GET /api/users`: who the console may act as, with their rights; never a key. Against a deployed stack, the caller
 * alone, with every right and `rightsDecidedBy: 'IAM'`: the console cannot read IAM's policies, so it offers each
 * action and IAM's refusal (403) comes back as it is.
 */
export const listUsers = (backend: ConsoleBackend): Answer =>
  json(200, {
    users: backend.operators().map(({ name, principalArn, rights, rightsDecidedBy }) => ({
      name,
      principalArn,
      rights: [...rights],
      ...(rightsDecidedBy ? { rightsDecidedBy } : {}),
    })),
  });

/** `GET /api/plans`: the stored plans, without a target's ExternalId (a shared secret with the target account). */
export const listPlans = async (backend: ConsoleBackend): Promise<Answer> =>
  json(200, { plans: (await backend.ledger.plans.list()).map((plan) => withoutExternalId(plan)) });

const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'];

const isStatus = (value: string): value is ExecutionStatus => (EXECUTION_STATUSES as readonly string[]).includes(value);

/** `GET /api/executions?plan=&status=&limit=&nextToken=`: newest first, as `drs-ledger executions --json` lists them. */
export const listExecutions = async (backend: ConsoleBackend, query: URLSearchParams): Promise<Answer> => {
  const plan = query.get('plan') || undefined;
  const status = query.get('status') || undefined;
  const limitText = query.get('limit');
  const nextToken = query.get('nextToken') || undefined;
  if (status !== undefined && !isStatus(status))
    return failed(400, 'BAD_REQUEST', `status must be one of ${EXECUTION_STATUSES.join(', ')}`);
  const limit = limitText === null || limitText === '' ? DEFAULT_EXECUTIONS_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXECUTIONS_LIMIT)
    return failed(400, 'BAD_REQUEST', `limit must be a whole number from 1 to ${MAX_EXECUTIONS_LIMIT}`);
  try {
    const { rows, nextToken: next } = await listExecutionRows(backend.ledger, {
      limit,
      ...(plan ? { plan } : {}),
      ...(status ? { status } : {}),
      ...(nextToken ? { nextToken } : {}),
    });
    return json(200, { executions: rows, ...(next ? { nextToken: next } : {}) });
  } catch (error) {
    // A token this listing never gave: the caller's to fix.
    if (error instanceof UsageError) return failed(400, 'BAD_REQUEST', error.message.replace('--next-token', 'nextToken'));
    throw error;
  }
};

/** `GET /api/executions/{id}`: get_execution_details, its status code the answer's. */
export const executionDetails = async (backend: ConsoleBackend, executionId: string): Promise<Answer> => {
  const response = await backend.executionDetails(executionId);
  return json(response.statusCode, response);
};
