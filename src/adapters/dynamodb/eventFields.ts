import type { ExecutionEvent } from '../../domain/execution';
import { MalformedEventItemError } from '../../ports/ledgerErrors';

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The members of an event (its envelope, then `data`), whatever format stored them. */
export const EVENT_MEMBERS = ['executionId', 'planId', 'seq', 'type', 'occurredAt', 'actor', 'schemaVersion', 'data'] as const;

const checked = <T>(name: string, value: unknown, check: (value: unknown) => value is T): T => {
  if (!check(value)) throw new MalformedEventItemError(`Event item field "${name}" is missing or malformed`);
  return value;
};

/** A member `record` leaves out (JSON never holds undefined) stands for `defaults`' value of it. */
const orDefault = (record: Record<string, unknown>, name: string, defaults: Readonly<Record<string, unknown>>): unknown =>
  record[name] === undefined ? defaults[name] : record[name];

const NO_DEFAULTS: Readonly<Record<string, unknown>> = {};

/**
 * The event whose fields `record` holds, each checked: a missing or mistyped one throws MalformedEventItemError
 * naming it. Members not in EVENT_MEMBERS are left out (the audit's reading of an item names them). `keys` (an
 * item's own executionId and seq) stand in for the record's, and `defaults` for members it leaves out: a packed
 * item's event is read without copying it into another record first, on every item of a replay.
 */
export const eventFromFields = (
  record: Record<string, unknown>,
  keys: { executionId: unknown; seq: unknown } = record as { executionId: unknown; seq: unknown },
  defaults: Readonly<Record<string, unknown>> = NO_DEFAULTS,
): ExecutionEvent =>
  ({
    executionId: checked('executionId', keys.executionId, isString),
    planId: checked('planId', record.planId, isString),
    seq: checked('seq', keys.seq, isNumber),
    type: checked('type', record.type, isString),
    occurredAt: checked('occurredAt', record.occurredAt, isString),
    actor: checked('actor', orDefault(record, 'actor', defaults), isString),
    schemaVersion: checked('schemaVersion', orDefault(record, 'schemaVersion', defaults), isNumber),
    data: checked('data', record.data, isObject),
  }) as ExecutionEvent;

/** A stored hash or prevHash (formats 1 and 2 keep them as hex text). */
export const requireHashText = (record: Record<string, unknown>, name: string): string => checked(name, record[name], isString);
