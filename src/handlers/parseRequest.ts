import type { z } from 'zod';
import { failure, type OperationResponse } from '../operations/responses';
import {
  ADDITIONAL_OPERATIONS,
  isOperationName,
  type OperationName,
  OPERATIONS,
  SUPPORTED_OPERATIONS,
  type ValidRequest,
} from './operationTable';
import { MAX_EVENT_BYTES } from './requestSchemas';

type Refused = { ok: false; response: OperationResponse };

export type ParsedRequest = { ok: true; request: ValidRequest } | Refused;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (message: string, extra: Record<string, unknown> = {}) => ({
  ok: false as const,
  response: failure(400, 'INVALID_PARAMETERS', message, extra),
});

const sizeOf = (event: unknown): number | undefined => {
  try {
    return Buffer.byteLength(JSON.stringify(event) ?? '', 'utf8');
  } catch {
    return undefined; // cyclic or too deep to serialise: refused below
  }
};

/** Our messages name their field; zod's generic ones (e.g. unrecognized keys) get the path in front. */
const describeIssues = (issues: z.core.$ZodIssue[]): string[] =>
  issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return !path || issue.message.startsWith(path) ? issue.message : `${path}: ${issue.message}`;
  });

/**
 * Turns an untrusted Lambda event into an operation and a validated input, or into the contract's
 * 400 answer. Nothing here throws, whatever the event.
 */
export const parseRequest = (event: unknown): ParsedRequest => {
  if (!isPlainObject(event)) {
    return { ok: false, response: failure(400, 'INVALID_EVENT', 'Event must be a JSON object') };
  }
  const size = sizeOf(event);
  if (size === undefined) return { ok: false, response: failure(400, 'INVALID_EVENT', 'Event could not be read as JSON') };
  if (size > MAX_EVENT_BYTES) {
    return {
      ok: false,
      response: failure(413, 'PAYLOAD_TOO_LARGE', `Event is ${size} bytes; the limit is ${MAX_EVENT_BYTES} bytes`),
    };
  }
  // An EventBridge scheduled event means find.
  if (event.source === 'aws.events' && event.operation === undefined) return { ok: true, request: { operation: 'find', input: {} } };

  const operation = event.operation;
  if (operation === undefined || operation === null) {
    return { ok: false, response: failure(400, 'MISSING_PARAMETERS', 'Missing required parameters: operation') };
  }
  if (typeof operation !== 'string') return invalid('operation must be a string');
  if (!isOperationName(operation)) {
    return {
      ok: false,
      response: failure(400, 'UNKNOWN_OPERATION', `Unknown operation: ${operation.slice(0, 128)}`, {
        supportedOperations: [...SUPPORTED_OPERATIONS],
        additionalOperations: [...ADDITIONAL_OPERATIONS],
      }),
    };
  }
  return parseAs(operation, event);
};

/** Checks an event against one operation's required fields and schema; the input comes out typed for that operation. */
export const parseAs = <K extends OperationName>(
  operation: K,
  event: Record<string, unknown>,
): { ok: true; request: ValidRequest<K> } | Refused => {
  const spec = OPERATIONS[operation];
  const missing = spec.required.filter((field) => event[field] === undefined || event[field] === null);
  if (missing.length) {
    return {
      ok: false,
      response: failure(400, 'MISSING_PARAMETERS', `Missing required parameters: ${missing.join(', ')}`, {
        missingParameters: missing,
      }),
    };
  }
  const parsed = spec.schema.safeParse(event);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues);
    return invalid(`Invalid parameters: ${problems.join('; ')}`, { invalidParameters: problems });
  }
  return { ok: true, request: { operation, input: parsed.data } };
};
