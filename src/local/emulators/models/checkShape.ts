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

interface Position {
  path: string;
  memberPath: string;
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

/** AWS names a member by its path from the top with first letters lowered: `sourceServers.1.sourceServerID`. */
const childMemberPath = (parent: string, child: string): string => (parent ? `${parent}.${child}` : child);

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

/**
 * Every way `value` breaks the shape `shapeName` of `model`: required members, types, lengths,
 * list and map sizes, number ranges, enums, patterns, timestamps and blobs, each named by its path.
 */
export const checkShape = (
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  options: ShapeCheckOptions,
  position: Position = { path: shapeName, memberPath: '' },
): Violation[] => {
  const violations: Violation[] = [];
  const add = (at: Position, shape: Shape, actual: unknown, problem: string, constraint: string): void => {
    violations.push({ path: at.path, problem, memberPath: at.memberPath, constraint, quotedValue: quote(actual, shape) });
  };

  const bounds = (at: Position, shape: Shape, actual: unknown, size: number, unit: string, what: 'length' | 'value'): void => {
    const shown = what === 'value' ? `${size}` : `${size} ${size === 1 ? SINGULAR[unit] : unit}`;
    if (shape.min !== undefined && size < shape.min) {
      add(at, shape, actual, `${shown}, at least ${shape.min}`, `Member must have ${what} greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && size > shape.max) {
      add(at, shape, actual, `${shown}, at most ${shape.max}`, `Member must have ${what} less than or equal to ${shape.max}`);
    }
  };

  const visit = (name: string, actual: unknown, at: Position, ref: MemberRef | undefined): void => {
    const shape = shapeNamed(model, name);
    const text = options.text || (ref?.location !== undefined && TEXT_LOCATIONS.has(ref.location));
    const wrongType = (expected: string): void =>
      add(at, shape, actual, `expected ${expected}, got ${typeName(actual)}`, `Member must be ${expected}`);
    switch (shape.type) {
      case 'structure': {
        if (!isPlainObject(actual)) return wrongType('an object');
        const members = shape.members ?? {};
        const required = new Set(shape.required ?? []);
        let set = 0;
        for (const [memberName, memberRef] of Object.entries(members)) {
          const memberValue = actual[memberName];
          const memberAt = {
            path: `${at.path}.${memberName}`,
            memberPath: childMemberPath(at.memberPath, lowerFirst(memberName)),
          };
          if (memberValue === undefined || memberValue === null) {
            if (required.has(memberName))
              add(memberAt, shapeNamed(model, memberRef.shape), undefined, 'required, missing', 'Member must not be null');
            continue;
          }
          set += 1;
          visit(memberRef.shape, memberValue, memberAt, memberRef);
        }
        if (options.unknownMembers === 'report') {
          for (const key of Object.keys(actual)) {
            if (!(key in members) && actual[key] !== undefined) {
              const unknownAt = { path: `${at.path}.${key}`, memberPath: childMemberPath(at.memberPath, key) };
              add(unknownAt, shape, undefined, `not a member of ${name}`, 'Member is not in the model');
            }
          }
        }
        if (shape.union && set !== 1)
          add(at, shape, undefined, `${set} members set, a union takes exactly 1`, 'Member must have exactly one member set');
        return;
      }
      case 'list': {
        if (!Array.isArray(actual)) return wrongType('a list');
        bounds(at, shape, actual, actual.length, 'items', 'length');
        const member = shape.member as MemberRef;
        actual.forEach((item, index) =>
          visit(
            member.shape,
            item,
            { path: `${at.path}[${index}]`, memberPath: childMemberPath(at.memberPath, String(index + 1)) },
            member,
          ),
        );
        return;
      }
      case 'map': {
        if (!isPlainObject(actual)) return wrongType('a map');
        const entries = Object.entries(actual).filter(([, entry]) => entry !== undefined);
        bounds(at, shape, actual, entries.length, 'entries', 'length');
        const key = shape.key as MemberRef;
        const mapValue = shape.value as MemberRef;
        for (const [entryKey, entryValue] of entries) {
          const entryMemberPath = childMemberPath(at.memberPath, entryKey);
          visit(key.shape, entryKey, { path: `${at.path} key ${JSON.stringify(entryKey)}`, memberPath: entryMemberPath }, key);
          visit(mapValue.shape, entryValue, { path: `${at.path}[${JSON.stringify(entryKey)}]`, memberPath: entryMemberPath }, mapValue);
        }
        return;
      }
      case 'string': {
        if (typeof actual !== 'string') return wrongType('a string');
        // Lengths count characters (code points), as Smithy's length trait does.
        bounds(at, shape, actual, [...actual].length, 'characters', 'length');
        if (shape.enum && !shape.enum.includes(actual)) {
          add(
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
            add(at, shape, actual, problem, `Member must satisfy regular expression pattern: ${shape.pattern}`);
          }
        }
        return;
      }
      case 'integer':
      case 'long': {
        const number = text && typeof actual === 'string' && /^-?\d+$/.test(actual) ? Number(actual) : actual;
        const [low, high] = INT_RANGE[shape.type];
        if (typeof number !== 'number' || !Number.isInteger(number) || number < low || number > high) return wrongType(`an ${shape.type}`);
        bounds(at, shape, actual, number, '', 'value');
        return;
      }
      case 'float':
      case 'double': {
        const number = text && typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : actual;
        if (typeof number !== 'number' || !Number.isFinite(number)) return wrongType('a number');
        bounds(at, shape, actual, number, '', 'value');
        return;
      }
      case 'boolean': {
        const ok = typeof actual === 'boolean' || (text && (actual === 'true' || actual === 'false'));
        if (!ok) wrongType('a boolean');
        return;
      }
      case 'timestamp': {
        const format =
          shape.timestampFormat ?? (ref?.location === 'header' ? 'rfc822' : options.text ? 'iso8601' : options.timestampFormat);
        const ok =
          format === 'unixTimestamp'
            ? (typeof actual === 'number' && Number.isFinite(actual)) ||
              (text && typeof actual === 'string' && Number.isFinite(Number(actual)))
            : typeof actual === 'string' && !Number.isNaN(Date.parse(actual)) && (format === 'rfc822' || ISO_8601.test(actual));
        if (!ok)
          add(
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
        else return wrongType('base64 text or bytes');
        bounds(at, shape, actual, bytes, 'bytes', 'length');
        return;
      }
      default:
        return;
    }
  };

  visit(shapeName, value, position, undefined);
  return violations;
};
