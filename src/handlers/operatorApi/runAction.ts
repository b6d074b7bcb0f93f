import type { z } from 'zod';
import type { VerifiedIdentity } from '../../domain/execution';
import { identifierProblem } from '../../domain/identifier';
import { cancel } from '../../operations/cancel';
import { decline } from '../../operations/decline';
import { getExecutionDetails } from '../../operations/getExecutionDetails';
import type { OperatorInput } from '../../operations/inputs';
import { listExecutions } from '../../operations/listExecutions';
import { listPlans } from '../../operations/listPlans';
import { pause } from '../../operations/pause';
import { preflight } from '../../operations/preflight';
import { executionNotFound, failure, type OperationResponse } from '../../operations/responses';
import { resume } from '../../operations/resume';
import { startExecution } from '../../operations/startExecution';
import { retryWave, skipWave } from '../../operations/waveRecovery';
import { bodyTextOf, queryOf } from './apiEvent';
import { describeIssues, listExecutionsQuery, operatorBody, preflightQuery, startBody } from './bodies';
import type { OperatorApiDeps } from './deps';
import type { MatchedRoute } from './routes';

/** Far beyond any valid body (a comment is at most 2048 characters); API Gateway's own limit is 10 MB. */
export const MAX_BODY_BYTES = 64 * 1024;

type Parsed<T> = { ok: true; value: T } | { ok: false; response: OperationResponse };

const invalid = (problems: string[]): { ok: false; response: OperationResponse } => ({
  ok: false,
  response: failure(400, 'INVALID_PARAMETERS', `Invalid parameters: ${problems.join('; ')}`, { invalidParameters: problems }),
});

const parseWith = <S extends z.ZodType>(schema: S, value: unknown): Parsed<z.output<S>> => {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : invalid(describeIssues(parsed.error.issues));
};

/** The JSON body (none: an empty object), checked against the route's schema. */
const parseBody = <S extends z.ZodType>(schema: S, event: unknown): Parsed<z.output<S>> => {
  const body = bodyTextOf(event);
  if (!body.ok) return { ok: false, response: failure(400, 'INVALID_JSON', 'The request body must be a JSON object') };
  if (body.text !== undefined && Buffer.byteLength(body.text, 'utf8') > MAX_BODY_BYTES) {
    return { ok: false, response: failure(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${MAX_BODY_BYTES} bytes`) };
  }
  if (body.text === undefined || body.text.trim() === '') return parseWith(schema, {});
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return { ok: false, response: failure(400, 'INVALID_JSON', 'The request body is not valid JSON') };
  }
  return parseWith(schema, json);
};

/** A path parameter held to the execution-handler's own id rule. */
const pathId = (route: MatchedRoute, name: 'planId' | 'executionId'): Parsed<string> => {
  const value = route.pathParameters[name];
  const problem = identifierProblem(name, value);
  return problem === undefined ? { ok: true, value: value as string } : invalid([problem]);
};

const identityOf = (principal: string, claim: string | undefined): VerifiedIdentity =>
  claim === undefined ? { principal } : { principal, claim };

const start = async (
  deps: OperatorApiDeps,
  route: MatchedRoute,
  principal: string,
  event: unknown,
  executionType: 'DRILL' | 'RECOVERY',
): Promise<OperationResponse> => {
  const planId = pathId(route, 'planId');
  if (!planId.ok) return planId.response;
  const body = parseBody(startBody, event);
  if (!body.ok) return body.response;
  const { name, accountContext, recoverAsOf, keepAliveMinutes, override } = body.value;
  return startExecution(deps, {
    planId: planId.value,
    executionType,
    initiatedBy: name ?? principal,
    identity: identityOf(principal, name),
    ...(accountContext ? { accountContext } : {}),
    ...(recoverAsOf === undefined ? {} : { recoverAsOf }),
    ...(keepAliveMinutes === undefined ? {} : { keepAliveMinutes }),
    ...(override ? { override } : {}),
  });
};

/** An operator's request on an execution, its plan taken from the ledger (the caller names only the execution). */
const onExecution = async (
  deps: OperatorApiDeps,
  route: MatchedRoute,
  principal: string,
  event: unknown,
  operation: (deps: OperatorApiDeps, input: OperatorInput) => Promise<OperationResponse>,
  options: { approving?: boolean } = {},
): Promise<OperationResponse> => {
  const executionId = pathId(route, 'executionId');
  if (!executionId.ok) return executionId.response;
  const body = parseBody(operatorBody, event);
  if (!body.ok) return body.response;
  const { name, comment, ticket, reason, waveNumber, retryRound } = body.value;
  if (options.approving && comment === undefined) {
    return failure(400, 'MISSING_PARAMETERS', 'Missing required parameters: comment', { missingParameters: ['comment'] });
  }
  const { state } = await deps.store.load(executionId.value);
  if (state.status === 'NOT_STARTED') return executionNotFound(executionId.value);
  return operation(deps, {
    executionId: executionId.value,
    planId: state.planId,
    requestedBy: name ?? principal,
    identity: identityOf(principal, name),
    ...(comment === undefined ? {} : { comment }),
    ...(ticket === undefined ? {} : { ticket }),
    ...(reason === undefined ? {} : { reason }),
    ...(waveNumber === undefined ? {} : { waveNumber }),
    ...(retryRound === undefined ? {} : { retryRound }),
    ...(options.approving === undefined ? {} : { approving: options.approving }),
  });
};

/** Runs a verified principal's request on its route. */
export const runAction = async (
  deps: OperatorApiDeps,
  route: MatchedRoute,
  principal: string,
  event: unknown,
): Promise<OperationResponse> => {
  switch (route.action) {
    case 'listPlans':
      return listPlans(deps);
    case 'listExecutions': {
      const query = parseWith(listExecutionsQuery, queryOf(event));
      return query.ok ? listExecutions(deps, query.value) : query.response;
    }
    case 'startDrill':
      return start(deps, route, principal, event, 'DRILL');
    case 'startRecovery':
      return start(deps, route, principal, event, 'RECOVERY');
    case 'preflight': {
      const planId = pathId(route, 'planId');
      if (!planId.ok) return planId.response;
      const query = parseWith(preflightQuery, queryOf(event));
      if (!query.ok) return query.response;
      return preflight(deps, {
        planId: planId.value,
        executionType: query.value.type ?? 'DRILL',
        ...(query.value.recoverAsOf === undefined ? {} : { recoverAsOf: query.value.recoverAsOf }),
      });
    }
    case 'getExecution': {
      const executionId = pathId(route, 'executionId');
      return executionId.ok ? getExecutionDetails(deps, { executionId: executionId.value }) : executionId.response;
    }
    case 'pause':
      return onExecution(deps, route, principal, event, pause);
    case 'resume':
      // A plain resume: into a wave that waits for approval it is refused (409), so that IAM's approve route decides.
      return onExecution(deps, route, principal, event, resume, { approving: false });
    case 'approve':
      // Approving is resuming into the wave that waits for approval; an approval always says why.
      return onExecution(deps, route, principal, event, resume, { approving: true });
    case 'decline':
      return onExecution(deps, route, principal, event, decline);
    case 'cancel':
      return onExecution(deps, route, principal, event, cancel);
    case 'retryWave':
      return onExecution(deps, route, principal, event, retryWave);
    case 'skipWave':
      return onExecution(deps, route, principal, event, skipWave);
  }
};
