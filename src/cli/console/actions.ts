import { catchUpView } from '../../operations/catchUpView';
import { buildEvent } from '../handlerEvents';
import type { ConsoleBackend, ConsoleOperator } from './consoleBackend';
import { type Answer, failed, json, quoted } from './httpKit';

/** Who a direct invocation from the console names: a name typed, not a principal (the ledger marks it unverified). */
export const CONSOLE_ACTOR = 'console';

export const EXECUTION_ACTIONS = ['pause', 'resume', 'approve', 'decline', 'cancel', 'retry', 'skip'] as const;
export type ExecutionAction = (typeof EXECUTION_ACTIONS)[number];

export const isExecutionAction = (value: string): value is ExecutionAction => (EXECUTION_ACTIONS as readonly string[]).includes(value);

/** How long an action waits for the operator API before it answers 504 (a hung API must not hang the page). */
export const OPERATOR_API_TIMEOUT_MS = 15_000;

export interface ActionOptions {
  /** Default OPERATOR_API_TIMEOUT_MS. */
  timeoutMs?: number;
}

type Body = Record<string, unknown>;

/** The body's fields, each of its type; anything else named is refused, so a client learns what is not read. */
const fieldsOf = <K extends string>(body: Body, allowed: Record<K, 'string' | 'integer'>): Partial<Record<K, string | number>> | string => {
  // Own keys only: `in` would take `constructor` or `toString`, which every object inherits, as allowed fields.
  const unknown = Object.keys(body).filter((key) => !Object.hasOwn(allowed, key));
  if (unknown.length) return `unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => key.slice(0, 64)).join(', ')}`;
  const fields: Partial<Record<K, string | number>> = {};
  for (const [key, kind] of Object.entries(allowed) as Array<[K, 'string' | 'integer']>) {
    const value = body[key];
    if (value === undefined) continue;
    if (kind === 'string' && typeof value !== 'string') return `${key} must be a string`;
    if (kind === 'integer' && !Number.isInteger(value)) return `${key} must be a whole number`;
    fields[key] = value as string | number;
  }
  return fields;
};

const operatorNamed = (backend: ConsoleBackend, name: string): ConsoleOperator | undefined =>
  backend.operators().find((operator) => operator.name === name);

const unknownUser = (backend: ConsoleBackend, name: string): Answer => {
  const operators = backend.operators();
  const named = name.slice(0, 64);
  if (!backend.invokeDirect)
    return failed(
      400,
      'UNKNOWN_USER',
      `No operator "${named}": this console acts only as ${operators.map((operator) => `${operator.name} (${operator.principalArn})`).join(', ')}, signed with their own AWS credentials`,
    );
  return failed(
    400,
    'UNKNOWN_USER',
    operators.length === 0
      ? `No local user "${named}": the stack has no operators (start it with --users), act without one (a direct invocation, unverified)`
      : `No local user "${named}": the operators are ${operators.map((operator) => operator.name).join(', ')}`,
  );
};

/**
 * An action without `as` where the stack has operators (or, deployed, offers no direct invocation): nothing is
 * sent. A direct invocation checks no one's rights, so taking it here would let anyone skip them.
 */
const directRefused = (backend: ConsoleBackend): Answer => {
  const names = backend
    .operators()
    .map((operator) => operator.name)
    .join(' or ');
  return failed(
    400,
    'DIRECT_INVOCATION_REFUSED',
    backend.invokeDirect
      ? `This stack has operators: act as ${names} (as), so that their rights are checked and the ledger records a verified principal. An unverified direct invocation is offered only on a stack without users`
      : `Against a deployed stack every action is signed through its operator API, so the ledger records a verified principal: act as ${names} (as), never unverified`,
  );
};

/** Direct invocation (no `as`) only where nothing could be checked anyway: a local stack without users. */
const directAllowed = (backend: ConsoleBackend): backend is ConsoleBackend & Required<Pick<ConsoleBackend, 'invokeDirect'>> =>
  backend.invokeDirect !== undefined && backend.operators().length === 0;

/** The operator API did not answer in time: the request may still have reached it. */
class OperatorApiTimeout extends Error {
  constructor() {
    super('operator API timeout');
    this.name = 'OperatorApiTimeout';
  }
}

/**
 * Sends a request to the operator API signed as the operator (SigV4: a local user's key, as `invoke --as` signs,
 * or the caller's own AWS credentials, as `invoke --api` does): the API verifies it, IAM or the user's rights
 * allow the route, and the ledger records the principal. Its status is the answer's.
 */
const signed = async (
  backend: ConsoleBackend,
  operator: ConsoleOperator,
  path: string,
  body: Body,
  options: ActionOptions,
): Promise<Answer> => {
  const timeoutMs = options.timeoutMs ?? OPERATOR_API_TIMEOUT_MS;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The signal stops the request where the sender can (a local user's); the race answers for one that cannot.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort(new OperatorApiTimeout());
      reject(new OperatorApiTimeout());
    }, timeoutMs);
  });
  let answer;
  try {
    answer = await Promise.race([operator.send({ method: 'POST', path, body }, abort.signal), timedOut]);
  } catch (error) {
    if (error instanceof OperatorApiTimeout || abort.signal.aborted)
      return failed(
        504,
        'OPERATOR_API_TIMEOUT',
        `The operator API at ${backend.operatorApi} did not answer within ${Math.round(timeoutMs / 100) / 10} s: the action may still have been recorded, so look at the execution's ledger before trying again`,
      );
    return failed(
      502,
      'OPERATOR_API_UNAVAILABLE',
      `The operator API at ${backend.operatorApi} did not answer: ${String(error).slice(0, 200)}`,
    );
  } finally {
    clearTimeout(timer);
  }
  return json(answer.status, { statusCode: answer.status, ...answer.body });
};

/** A direct invocation of the execution-handler: no principal, so the ledger records the name as unverified. */
const direct = async (invoke: NonNullable<ConsoleBackend['invokeDirect']>, event: Body): Promise<Answer> => {
  const response = await invoke(event);
  return json(response.statusCode, response);
};

/** `POST /api/plans/{planId}/start` `{ as?, type }`: a drill or a recovery of the plan. */
export const startExecution = async (backend: ConsoleBackend, planId: string, body: Body, options: ActionOptions = {}): Promise<Answer> => {
  const fields = fieldsOf(body, { as: 'string', type: 'string' });
  if (typeof fields === 'string') return failed(400, 'BAD_REQUEST', fields);
  const { as, type } = fields as { as?: string; type?: string };
  if (type !== 'DRILL' && type !== 'RECOVERY') return failed(400, 'BAD_REQUEST', 'type must be DRILL or RECOVERY');
  if (as !== undefined) {
    const operator = operatorNamed(backend, as);
    if (!operator) return unknownUser(backend, as);
    return signed(backend, operator, `/plans/${encodeURIComponent(planId)}/${type === 'DRILL' ? 'drills' : 'recoveries'}`, {}, options);
  }
  if (!directAllowed(backend)) return directRefused(backend);
  // The event `drs-ledger invoke start_execution` sends.
  return direct(backend.invokeDirect, buildEvent('start_execution', { planId, type, initiatedBy: CONSOLE_ACTOR }));
};

/** `POST /api/executions/{id}/{action}` `{ as?, comment?, ticket?, reason?, waveNumber? }`. */
export const actOnExecution = async (
  backend: ConsoleBackend,
  executionId: string,
  action: ExecutionAction,
  body: Body,
  options: ActionOptions = {},
): Promise<Answer> => {
  const fields = fieldsOf(body, {
    as: 'string',
    comment: 'string',
    ticket: 'string',
    reason: 'string',
    waveNumber: 'integer',
    retryRound: 'integer',
  });
  if (typeof fields === 'string') return failed(400, 'BAD_REQUEST', fields);
  const { as, comment, ticket, reason, waveNumber, retryRound } = fields as {
    as?: string;
    comment?: string;
    ticket?: string;
    reason?: string;
    waveNumber?: number;
    retryRound?: number;
  };
  const given = {
    ...(comment !== undefined ? { comment } : {}),
    ...(ticket !== undefined ? { ticket } : {}),
    ...(reason !== undefined ? { reason } : {}),
    // The round the page showed: a press repeated after that round failed again starts nothing.
    ...(retryRound !== undefined && action === 'retry' ? { retryRound } : {}),
  };
  if (as !== undefined) {
    const operator = operatorNamed(backend, as);
    if (!operator) return unknownUser(backend, as);
    return signed(
      backend,
      operator,
      `/executions/${encodeURIComponent(executionId)}/${action}`,
      { ...given, ...(waveNumber !== undefined ? { waveNumber } : {}) },
      options,
    );
  }
  if (!directAllowed(backend)) return directRefused(backend);
  // Retry and skip are the execution-handler's retry_wave and skip_wave, and always name their wave.
  const recovery = action === 'retry' ? 'retry_wave' : action === 'skip' ? 'skip_wave' : undefined;
  if (waveNumber !== undefined && recovery === undefined)
    return failed(400, 'BAD_REQUEST', 'waveNumber is checked by the operator API only: act as a user (as), or leave it out');
  // A direct invocation names the execution's plan: the ledger's, not the caller's.
  const view = await catchUpView(backend.ledger.store, executionId, await backend.ledger.views.get(executionId));
  if (!view) return failed(404, 'EXECUTION_NOT_FOUND', `Execution not found: ${quoted(executionId)}`);
  return direct(
    backend.invokeDirect,
    buildEvent(recovery ?? action, {
      executionId,
      planId: view.planId,
      initiatedBy: CONSOLE_ACTOR,
      ...given,
      ...(recovery && waveNumber !== undefined ? { waveNumber } : {}),
    }),
  );
};
