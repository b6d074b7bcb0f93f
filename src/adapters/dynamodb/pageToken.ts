import type { Item } from './marshalEvent';

/** A nextToken the caller altered, truncated or took from another listing. */
export class InvalidNextTokenError extends Error {
  readonly code = 'InvalidNextToken';
  constructor(reason: string) {
    super(`Invalid nextToken: ${reason}`);
    this.name = 'InvalidNextTokenError';
  }
}

export const isInvalidNextToken = (value: unknown): value is InvalidNextTokenError =>
  typeof value === 'object' && value !== null && (value as { code?: unknown }).code === 'InvalidNextToken';

/** The opaque token handed to callers: base64url of the LastEvaluatedKey's JSON. */
export const encodePageToken = (lastEvaluatedKey: Item): string =>
  Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');

/**
 * Reads a token back into an ExclusiveStartKey. A key is only accepted if it has exactly the expected
 * string attributes (`fixed` ones with the given value), so a token cannot steer the query elsewhere.
 */
export const decodePageToken = (token: string, attributes: readonly string[], fixed: Readonly<Record<string, string>> = {}): Item => {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidNextTokenError('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidNextTokenError('not a page key');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidNextTokenError('not a page key');
  }
  const record = parsed as Record<string, unknown>;
  const names = Object.keys(record).sort();
  if (names.join(',') !== [...attributes].sort().join(',')) {
    throw new InvalidNextTokenError(`expected the attributes ${attributes.join(', ')}`);
  }
  const key: Item = {};
  for (const name of attributes) {
    const value = record[name] as { S?: unknown } | null;
    if (typeof value !== 'object' || value === null || Object.keys(value).length !== 1 || typeof value.S !== 'string' || !value.S) {
      throw new InvalidNextTokenError(`attribute ${name} is not a string`);
    }
    const expected = fixed[name];
    if (expected !== undefined && value.S !== expected) throw new InvalidNextTokenError(`attribute ${name} is not ${expected}`);
    key[name] = { S: value.S };
  }
  return key;
};
