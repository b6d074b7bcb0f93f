import { validationError } from './errors';

/** Request checks with DRS's constraints (API reference); a violation is a ValidationException naming the field. */

export const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;
export const RECOVERY_SNAPSHOT_ID = /^pit-[0-9a-zA-Z]{17}$/;
export const JOB_ID = /^drsjob-[0-9a-zA-Z]{17}$/;
export const RECOVERY_INSTANCE_ID = /^i-[0-9a-fA-F]{8,}$/;
export const ISO8601_DATE_TIME =
  /^[1-9][0-9]*-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?Z$/;

type Json = Record<string, unknown>;

const fail = (name: string, message: string): never => {
  throw validationError(`1 validation error detected: Value at '${name}' failed to satisfy constraint: ${message}`, [{ name, message }]);
};

export const parseBody = (raw: string): Json => {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw validationError('Request body is not valid JSON', [], 'cannotParse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw validationError('Request body must be a JSON object', [], 'cannotParse');
  }
  return parsed as Json;
};

export const optionalObject = (body: Json, name: string, path = name): Json | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return fail(path, 'Member must be an object');
  return value as Json;
};

export const optionalBoolean = (body: Json, name: string): boolean | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') return fail(name, 'Member must be a boolean');
  return value;
};

export const optionalString = (body: Json, name: string, pattern?: RegExp, path = name): string | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return fail(path, 'Member must be a string');
  if (pattern && !pattern.test(value)) return fail(path, `Member must satisfy regular expression pattern: ${pattern.source}`);
  return value;
};

export const requiredString = (body: Json, name: string, pattern?: RegExp, path = name): string => {
  const value = optionalString(body, name, pattern, path);
  return value === undefined ? fail(path, 'Member must not be null') : value;
};

export const optionalArray = (body: Json, name: string, min: number, max: number, path = name): unknown[] | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return fail(path, 'Member must be a list');
  if (value.length < min) return fail(path, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) return fail(path, `Member must have length less than or equal to ${max}`);
  return value as unknown[];
};

export const requiredArray = (body: Json, name: string, min: number, max: number): unknown[] => {
  const value = optionalArray(body, name, min, max);
  return value === undefined ? fail(name, 'Member must not be null') : value;
};

export const stringList = (values: unknown[] | undefined, path: string, pattern: RegExp): string[] | undefined =>
  values?.map((value, index) => {
    if (typeof value !== 'string') return fail(`${path}.${index + 1}`, 'Member must be a string');
    if (!pattern.test(value)) return fail(`${path}.${index + 1}`, `Member must satisfy regular expression pattern: ${pattern.source}`);
    return value;
  });

export const asObjectAt = (value: unknown, path: string): Json => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'Member must be an object');
  return value as Json;
};

export const optionalPositiveInt = (body: Json, name: string): number | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) return fail(name, 'Member must be an integer');
  if (value < 1) return fail(name, 'Member must have value greater than or equal to 1');
  return value;
};

export const optionalTags = (body: Json, name: string): Record<string, string> => {
  const value = optionalObject(body, name);
  if (!value) return {};
  const entries = Object.entries(value);
  if (entries.length > 50) fail(name, 'Member must have length less than or equal to 50');
  for (const [key, tagValue] of entries) {
    if (key.length > 256) fail(`${name}.${key}`, 'Map keys must have length less than or equal to 256');
    if (typeof tagValue !== 'string') fail(`${name}.${key}`, 'Map values must be strings');
    if ((tagValue as string).length > 256) fail(`${name}.${key}`, 'Map values must have length less than or equal to 256');
  }
  return value as Record<string, string>;
};

export const noDuplicates = (values: string[], path: string): void => {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) fail(path, `Member must not contain duplicates (${value})`);
    seen.add(value);
  }
};
