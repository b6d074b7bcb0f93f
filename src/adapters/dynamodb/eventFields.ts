import type { ExecutionEvent } from '../../domain/execution';
import { MalformedEventItemError } from '../../ports/ledgerErrors';

const requireField = <T>(record: Record<string, unknown>, name: string, check: (value: unknown) => value is T): T => {
  const value = record[name];
  if (!check(value)) throw new MalformedEventItemError(`Event item field "${name}" is missing or malformed`);
  return value;
};
const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The members of an event (its envelope, then `data`), whatever format stored them. */
export const EVENT_MEMBERS = ['executionId', 'planId', 'seq', 'type', 'occurredAt', 'actor', 'schemaVersion', 'data'] as const;

/**
 * The event whose fields `record` holds, each checked: a missing or mistyped one throws MalformedEventItemError
 * naming it. Members not in EVENT_MEMBERS are left out (the audit's reading of an item names them).
 */
export const eventFromFields = (record: Record<string, unknown>): ExecutionEvent =>
  ({
    executionId: requireField(record, 'executionId', isString),
    planId: requireField(record, 'planId', isString),
    seq: requireField(record, 'seq', isNumber),
    type: requireField(record, 'type', isString),
    occurredAt: requireField(record, 'occurredAt', isString),
    actor: requireField(record, 'actor', isString),
    schemaVersion: requireField(record, 'schemaVersion', isNumber),
    data: requireField(record, 'data', isObject),
  }) as ExecutionEvent;

/** A stored hash or prevHash (formats 1 and 2 keep them as hex text). */
export const requireHashText = (record: Record<string, unknown>, name: string): string => requireField(record, name, isString);
