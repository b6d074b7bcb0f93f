/**
 * Generated malformed execution-handler events. Each carries at least one definite violation (a missing,
 * retyped or malformed field, an unknown operation, a root that is not an object, deep nesting where a
 * string belongs, an oversize value), and noise on top (extra fields, unicode, injection-like strings);
 * or it is well formed but names executions and plans that do not exist. None may be answered with
 * anything but a 4xx, and none may write.
 */
import { OPERATIONS as OPERATION_TABLE } from '../../../src/handlers/operationTable';
import fc from 'fast-check';

export const INJECTIONS = [
  'exec-1" OR "1"="1',
  "exec-1' OR '1'='1' --",
  '../../etc/passwd',
  '..\\..\\windows\\system32',
  '#seq = :seq',
  'attribute_not_exists(seq) OR attribute_exists(hash)',
  ':id',
  'executionId = :id AND seq > :from',
  'SET #active = :id REMOVE #claimedAt',
  '${jndi:ldap://127.0.0.1/x}',
  '<script>alert(1)</script>',
  '\u0000exec-1',
  'exec-1\nseq=1',
  'ｅｘｅｃ－１',
  '🙂🙃',
  '\u202eexec-1',
  'exec\u200b-1',
  '\ud800',
  'x'.repeat(129),
  '',
  ' ',
];

/**
 * Required fields per operation, from the handler's one operation table. Left out: find (it takes nothing)
 * and attach_state_machine, whose runs this suite does not start (its ARN is derived, never supplied whole).
 */
const REQUIRED: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(OPERATION_TABLE)
    .filter(([name]) => name !== 'find' && name !== 'attach_state_machine')
    .map(([name, spec]) => [name, spec.required]),
);
const OPERATIONS = Object.keys(REQUIRED);
/** Fields whose value must match the id pattern. */
const ID_FIELDS = new Set(['executionId', 'planId']);

/** A nesting of `depth` objects or arrays around a leaf. */
export const nested = (depth: number, leaf: unknown = 'x', asArray = false): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = asArray ? [value] : { a: value };
  return value;
};

const hostile = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer().map((depth) => nested(50 + (Math.abs(depth) % 2000))),
);

/** Not a string where a string must be. */
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.nat({ max: 3000 }).map((depth) => nested(depth + 1, 'exec-1', depth % 2 === 0)),
);

/** An id that exists nowhere but is well formed. */
const unknownId = fc.stringMatching(/^[a-z][a-z0-9-]{3,40}$/);

/** The fields of well-formed events, built once (arbitraries are costly to build). */
const validFields = (real: { executionIds: string[]; planIds: string[] }) =>
  fc.record({
    executionId: fc.oneof(fc.constantFrom(...real.executionIds), unknownId),
    planId: fc.oneof(fc.constantFrom(...real.planIds), unknownId),
    initiatedBy: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .filter((value) => value.trim().length > 0 && !/[\u0000-\u001f\u007f]/.test(value)),
    executionType: fc.constantFrom('DRILL', 'RECOVERY'),
    taskToken: fc.string({ minLength: 1, maxLength: 50 }),
  });

/** A well-formed event of `operation` from generated fields. */
const shapeOf = (operation: string, fields: Record<string, unknown>): Record<string, unknown> => {
  const event: Record<string, unknown> = { operation };
  for (const name of REQUIRED[operation] ?? []) event[name] = fields[name];
  return event;
};

type Violation = (event: Record<string, unknown>, pick: number, value: unknown) => void;
const requiredOf = (event: Record<string, unknown>): readonly string[] =>
  typeof event.operation === 'string' ? (REQUIRED[event.operation] ?? ['executionId']) : ['executionId'];
const pickField = (event: Record<string, unknown>, pick: number): string => {
  const fields = requiredOf(event);
  return fields[pick % fields.length] as string;
};

const VIOLATIONS = {
  missingField: (event, pick) => {
    delete event[pickField(event, pick)];
  },
  nullField: (event, pick) => {
    event[pickField(event, pick)] = null;
  },
  wrongType: (event, pick, value) => {
    event[pickField(event, pick)] = value;
  },
  malformedId: (event, pick) => {
    const ids = requiredOf(event).filter((name) => ID_FIELDS.has(name));
    event[ids[pick % ids.length] ?? 'executionId'] = INJECTIONS[pick % INJECTIONS.length];
  },
  badExecutionType: (event, pick) => {
    event.operation = 'start_execution';
    event.planId ??= 'rp-nowhere';
    event.initiatedBy ??= 'ops';
    event.executionType = ['drill', 'Recovery', 'TEST', '', 'DRILL ', 'DRILL\u0000'][pick % 6];
  },
  unknownOperation: (event, pick, value) => {
    event.operation =
      pick % 2 === 0 ? INJECTIONS[pick % INJECTIONS.length] : `${typeof event.operation === 'string' ? event.operation : 'op'}_${pick}`;
    if (pick % 5 === 0) event.operation = value;
  },
  missingOperation: (event) => {
    delete event.operation;
  },
  foreignRole: (event) => {
    event.operation = 'start_execution';
    event.planId ??= 'rp-nowhere';
    event.initiatedBy ??= 'ops';
    event.executionType ??= 'DRILL';
    event.accountContext = { accountId: '123456789012', region: 'us-east-1', roleName: 'OrganizationAccountAccessRole' };
  },
  oversizeText: (event, pick) => {
    const fields = ['requestedBy', 'initiatedBy', 'reason', 'taskToken'];
    const field = fields[pick % fields.length] as string;
    event.operation = field === 'taskToken' ? 'wait_for_resume' : 'pause';
    event.executionId ??= 'exec-nowhere';
    event.planId ??= 'rp-nowhere';
    if (field === 'taskToken') event.taskToken = 't'.repeat(8193);
    else event[field] = 'y'.repeat(2000);
  },
  controlCharacters: (event) => {
    event.operation = 'start_execution';
    event.planId ??= 'rp-nowhere';
    event.executionType ??= 'DRILL';
    event.initiatedBy = 'ops\u0000\u001b[31m';
  },
  malformedObservation: (event, _pick, value) => {
    event.operation = 'poll';
    event.executionId ??= 'exec-nowhere';
    event.planId ??= 'rp-nowhere';
    event.observation = { jobId: value, status: 'DONE', servers: 'all', observedAt: 'yesterday' };
  },
} satisfies Record<string, Violation>;
type ViolationKind = keyof typeof VIOLATIONS;

export type MalformedKind = ViolationKind | 'notAnObject' | 'wellFormedButUnknownIds' | 'deepNesting' | 'oversize';

export interface MalformedEvent {
  kind: MalformedKind;
  /** The payload's JSON text. */
  payload: string;
}

/** `count` events, reproducible from `seed`. */
export const malformedEvents = (count: number, real: { executionIds: string[]; planIds: string[] }, seed = 6): MalformedEvent[] => {
  const mutated = fc
    .record({
      operation: fc.constantFrom(...OPERATIONS),
      kinds: fc.uniqueArray(fc.constantFrom(...(Object.keys(VIOLATIONS) as ViolationKind[])), { minLength: 1, maxLength: 2 }),
      pick: fc.nat(),
      value: notAString,
      extras: fc.dictionary(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), hostile, { maxKeys: 3 }),
      fields: validFields(real),
    })
    .map((draft): MalformedEvent => {
      const event = shapeOf(draft.operation, draft.fields);
      for (const kind of draft.kinds) VIOLATIONS[kind](event, draft.pick, draft.value);
      const withNoise = { ...draft.extras, ...event };
      return { kind: draft.kinds[0] as MalformedKind, payload: JSON.stringify(withNoise) };
    });
  const notAnObject = fc
    .oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), fc.string(), fc.double(), fc.boolean(), fc.constant(null))
    .map((value): MalformedEvent => ({ kind: 'notAnObject', payload: JSON.stringify(value) }));
  // Well formed, but every id is one that exists nowhere: answered 404, and nothing written.
  const unknownIds = fc
    .record({
      operation: fc.constantFrom(...OPERATIONS),
      extras: fc.dictionary(fc.string({ maxLength: 8 }), hostile, { maxKeys: 3 }),
      fields: validFields({ executionIds: ['exec-nowhere-1'], planIds: ['rp-nowhere-1'] }),
    })
    .map(({ operation, extras, fields }): MalformedEvent => ({
      kind: 'wellFormedButUnknownIds',
      payload: JSON.stringify({ ...extras, ...shapeOf(operation, fields) }),
    }));
  const all = fc.oneof({ arbitrary: mutated, weight: 8 }, { arbitrary: notAnObject, weight: 1 }, { arbitrary: unknownIds, weight: 1 });
  return fc.sample(all, { numRuns: count, seed });
};

/** Payloads between Lambda's 256 KB async limit and its 6 MB synchronous limit: the handler answers 413. */
export const oversizePayloads = (count: number): MalformedEvent[] =>
  Array.from({ length: count }, (_, index) => {
    const size = 262_145 + Math.floor(((6_200_000 - 262_145) * index) / Math.max(1, count - 1));
    const base = { operation: 'get_execution_details', executionId: 'exec-nowhere-1' };
    const padding = size - JSON.stringify({ ...base, padding: '' }).length;
    return { kind: 'oversize' as const, payload: JSON.stringify({ ...base, padding: 'p'.repeat(padding) }) };
  });

/** Nesting deeper than JSON.stringify can follow (the handler cannot even measure such an event). */
export const deeplyNested = (): MalformedEvent[] => [
  {
    kind: 'deepNesting',
    payload: `{"operation":"poll","executionId":"exec-nowhere-1","planId":"rp-nowhere-1","extra":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
  },
  { kind: 'deepNesting', payload: `{"operation":${'['.repeat(20_000)}"poll"${']'.repeat(20_000)}}` },
  { kind: 'deepNesting', payload: `${'['.repeat(50_000)}${']'.repeat(50_000)}` },
];
