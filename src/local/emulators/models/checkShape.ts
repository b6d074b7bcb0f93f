import { compileModelPattern } from './javaPattern';
import { type MemberRef, type ServiceModel, type Shape, shapeNamed } from './serviceModel';
import type { Violation } from './violation';

export interface ShapeCheckOptions {
  /**
   * Scalars come as text: awsQuery requests and answers, and members bound to HTTP headers, query
   * strings or the URI, carry numbers, booleans and timestamps as strings.
   */
  text: boolean;
  /**
   * Members the model does not have: ignored in requests, as AWS ignores them; reported in answers,
   * where they mean our serialisation has drifted from AWS's.
   */
  unknownMembers: 'ignore' | 'report';
  /** How a body timestamp without its own format is written: epoch seconds (JSON protocols) or ISO 8601 (awsQuery). */
  timestampFormat: 'unixTimestamp' | 'iso8601';
}

/**
 * Where a value sits: one step from its parent, spelled out into AWS's paths only when a violation names it,
 * so that checking a valid answer builds no path strings.
 */
interface Position {
  readonly parent?: Position;
  /** Appended to the parent's path (`.Member`, `[3]`, ` key "k"`, `["k"]`); the shape's name at the top. */
  readonly step: string;
  /** The member path's own segment ('' at the top). */
  readonly member: string;
}

const TEXT_LOCATIONS = new Set(['header', 'querystring', 'uri']);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INT_RANGE = { integer: [-(2 ** 31), 2 ** 31 - 1], long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;
const QUOTE_LIMIT = 256;
const SINGULAR: Record<string, string> = { items: 'item', entries: 'entry', characters: 'character', bytes: 'byte' };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : value instanceof Uint8Array ? 'bytes' : `a ${typeof value}`;

/** How AWS quotes a value in a ValidationException: never a sensitive one, nor a long one. */
const quote = (value: unknown, shape: Shape): string => {
  if (value === undefined || value === null) return 'null';
  // Bytes are never quoted: "Value at 'message' failed to satisfy constraint", as KMS words it.
  if (shape.sensitive || shape.type === 'blob') return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > QUOTE_LIMIT ? '' : `'${text}'`;
};

/** AWS names a member by its path from the top with first letters lowered: `sourceServers.1.sourceServerID`. */
const childMemberPath = (parent: string, child: string): string => (parent ? `${parent}.${child}` : child);

const pathOf = (at: Position): string => (at.parent ? pathOf(at.parent) + at.step : at.step);
const memberPathOf = (at: Position): string => (at.parent ? childMemberPath(memberPathOf(at.parent), at.member) : at.member);

interface Walk {
  model: ServiceModel;
  options: ShapeCheckOptions;
  violations: Violation[];
}

const add = (walk: Walk, at: Position, shape: Shape, actual: unknown, problem: string, constraint: string): void => {
  walk.violations.push({ path: pathOf(at), problem, memberPath: memberPathOf(at), constraint, quotedValue: quote(actual, shape) });
};

const wrongType = (walk: Walk, at: Position, shape: Shape, actual: unknown, expected: string): void =>
  add(walk, at, shape, actual, `expected ${expected}, got ${typeName(actual)}`, `Member must be ${expected}`);

const bounds = (walk: Walk, at: Position, shape: Shape, actual: unknown, size: number, unit: string, what: 'length' | 'value'): void => {
  if (shape.min === undefined && shape.max === undefined) return;
  const shown = what === 'value' ? `${size}` : `${size} ${size === 1 ? SINGULAR[unit] : unit}`;
  if (shape.min !== undefined && size < shape.min) {
    add(walk, at, shape, actual, `${shown}, at least ${shape.min}`, `Member must have ${what} greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && size > shape.max) {
    add(walk, at, shape, actual, `${shown}, at most ${shape.max}`, `Member must have ${what} less than or equal to ${shape.max}`);
  }
};

/** Code points, as Smithy's length trait counts them; without a surrogate pair that is the string's length. */
const characters = (text: string): number => {
  let pairs = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs += 1;
        index += 1;
      }
    }
  }
  return text.length - pairs;
};

const visit = (walk: Walk, name: string, actual: unknown, at: Position, ref: MemberRef | undefined): void => {
  const { model, options } = walk;
  const shape = shapeNamed(model, name);
  const text = options.text || (ref?.location !== undefined && TEXT_LOCATIONS.has(ref.location));
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(actual)) return wrongType(walk, at, shape, actual, 'an object');
      const members = shape.members ?? {};
      const required = shape.required ?? [];
      let set = 0;
      for (const memberName in members) {
        const memberRef = members[memberName] as MemberRef;
        const memberValue = actual[memberName];
        const memberAt: Position = { parent: at, step: `.${memberName}`, member: lowerFirst(memberName) };
        if (memberValue === undefined || memberValue === null) {
          if (required.includes(memberName))
            add(walk, memberAt, shapeNamed(model, memberRef.shape), undefined, 'required, missing', 'Member must not be null');
          continue;
        }
        set += 1;
        visit(walk, memberRef.shape, memberValue, memberAt, memberRef);
      }
      if (options.unknownMembers === 'report') {
        for (const key of Object.keys(actual)) {
          if (!(key in members) && actual[key] !== undefined) {
            add(
              walk,
              { parent: at, step: `.${key}`, member: key },
              shape,
              undefined,
              `not a member of ${name}`,
              'Member is not in the model',
            );
          }
        }
      }
      if (shape.union && set !== 1)
        add(walk, at, shape, undefined, `${set} members set, a union takes exactly 1`, 'Member must have exactly one member set');
      return;
    }
    case 'list': {
      if (!Array.isArray(actual)) return wrongType(walk, at, shape, actual, 'a list');
      bounds(walk, at, shape, actual, actual.length, 'items', 'length');
      const member = shape.member as MemberRef;
      actual.forEach((item, index) =>
        visit(walk, member.shape, item, { parent: at, step: `[${index}]`, member: String(index + 1) }, member),
      );
      return;
    }
    case 'map': {
      if (!isPlainObject(actual)) return wrongType(walk, at, shape, actual, 'a map');
      const entries = Object.entries(actual).filter(([, entry]) => entry !== undefined);
      bounds(walk, at, shape, actual, entries.length, 'entries', 'length');
      const key = shape.key as MemberRef;
      const mapValue = shape.value as MemberRef;
      for (const [entryKey, entryValue] of entries) {
        const quoted = JSON.stringify(entryKey);
        visit(walk, key.shape, entryKey, { parent: at, step: ` key ${quoted}`, member: entryKey }, key);
        visit(walk, mapValue.shape, entryValue, { parent: at, step: `[${quoted}]`, member: entryKey }, mapValue);
      }
      return;
    }
    case 'string': {
      if (typeof actual !== 'string') return wrongType(walk, at, shape, actual, 'a string');
      bounds(walk, at, shape, actual, characters(actual), 'characters', 'length');
      if (shape.enum && !shape.enum.includes(actual)) {
        add(
          walk,
          at,
          shape,
          actual,
          `'${actual}' is not one of ${shape.enum.join(', ')}`,
          `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
        );
      }
      if (shape.pattern !== undefined) {
        const regex = compileModelPattern(shape.pattern);
        if (regex && !regex.test(actual)) {
          const problem = `${quote(actual, shape) || 'the value'} does not match ${shape.pattern}`;
          add(walk, at, shape, actual, problem, `Member must satisfy regular expression pattern: ${shape.pattern}`);
        }
      }
      return;
    }
    case 'integer':
    case 'long': {
      const number = text && typeof actual === 'string' && /^-?\d+$/.test(actual) ? Number(actual) : actual;
      const [low, high] = INT_RANGE[shape.type];
      if (typeof number !== 'number' || !Number.isInteger(number) || number < low || number > high)
        return wrongType(walk, at, shape, actual, `an ${shape.type}`);
      bounds(walk, at, shape, actual, number, '', 'value');
      return;
    }
    case 'float':
    case 'double': {
      const number = text && typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : actual;
      if (typeof number !== 'number' || !Number.isFinite(number)) return wrongType(walk, at, shape, actual, 'a number');
      bounds(walk, at, shape, actual, number, '', 'value');
      return;
    }
    case 'boolean': {
      const ok = typeof actual === 'boolean' || (text && (actual === 'true' || actual === 'false'));
      if (!ok) wrongType(walk, at, shape, actual, 'a boolean');
      return;
    }
    case 'timestamp': {
      const format = shape.timestampFormat ?? (ref?.location === 'header' ? 'rfc822' : options.text ? 'iso8601' : options.timestampFormat);
      const ok =
        format === 'unixTimestamp'
          ? (typeof actual === 'number' && Number.isFinite(actual)) ||
            (text && typeof actual === 'string' && Number.isFinite(Number(actual)))
          : typeof actual === 'string' && !Number.isNaN(Date.parse(actual)) && (format === 'rfc822' || ISO_8601.test(actual));
      if (!ok)
        add(
          walk,
          at,
          shape,
          actual,
          `${quote(actual, shape) || 'the value'} is not a ${format} timestamp`,
          `Member must be a ${format} timestamp`,
        );
      return;
    }
    case 'blob': {
      // In a JSON or text document a blob is base64; as a REST payload it is the body's bytes.
      let bytes: number;
      if (actual instanceof Uint8Array) bytes = actual.length;
      else if (typeof actual === 'string' && BASE64.test(actual)) bytes = Buffer.from(actual, 'base64').length;
      else return wrongType(walk, at, shape, actual, 'base64 text or bytes');
      bounds(walk, at, shape, actual, bytes, 'bytes', 'length');
      return;
    }
    default:
      return;
  }
};

/**
 * Every way `value` breaks the shape `shapeName` of `model`: required members, types, lengths,
 * list and map sizes, number ranges, enums, patterns, timestamps and blobs, each named by its path.
 */
export const checkShape = (model: ServiceModel, shapeName: string, value: unknown, options: ShapeCheckOptions): Violation[] => {
  const walk: Walk = { model, options, violations: [] };
  visit(walk, shapeName, value, { step: shapeName, member: '' }, undefined);
  return walk.violations;
};
