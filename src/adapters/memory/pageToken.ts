import { InvalidNextTokenError } from '../dynamodb/pageToken';

/**
 * The opaque nextToken of an in-memory listing: base64url of the listing's name and the sort key of the last
 * entry handed out. A token altered, truncated or taken from another listing is refused with the same error
 * the DynamoDB stores throw (code `InvalidNextToken`).
 */
export const encodeMemoryToken = (listing: string, after: readonly string[]): string =>
  Buffer.from(JSON.stringify({ listing, after }), 'utf8').toString('base64url');

export const decodeMemoryToken = (token: string, listing: string, keyLength: number): string[] => {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidNextTokenError('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidNextTokenError('not a page key');
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { listing?: unknown; after?: unknown };
  if (record.listing !== listing) throw new InvalidNextTokenError(`not a token of ${listing}`);
  const after = record.after;
  if (!Array.isArray(after) || after.length !== keyLength || !after.every((part) => typeof part === 'string' && part.length > 0)) {
    throw new InvalidNextTokenError('not a page key');
  }
  return after as string[];
};

/** Same bounds as the DynamoDB stores: a page is 1 to 1,000 entries. */
export const checkPageSize = (pageSize: number): void => {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new RangeError(`pageSize must be an integer from 1 to 1000, got ${pageSize}`);
  }
};

/** Compares sort keys part by part (as strings, the way DynamoDB orders S keys: by code unit). */
export const compareKeys = (a: readonly string[], b: readonly string[]): number => {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const x = a[index] ?? '';
    const y = b[index] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** A listing: its name (in its tokens) and its sort key, `keyLength` strings per entry. */
export interface Listing<T> {
  name: string;
  keyLength: number;
  keyOf: (entry: T) => string[];
}

/** One page of `entries` in `listing`'s order after the token's position, with a token when more follow. */
export const pageOf = <T>(
  listing: Listing<T>,
  entries: readonly T[],
  pageSize: number,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } => {
  checkPageSize(pageSize);
  const { name, keyLength, keyOf } = listing;
  const after = nextToken === undefined ? undefined : decodeMemoryToken(nextToken, name, keyLength);
  const sorted = [...entries].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  const rest = after === undefined ? sorted : sorted.filter((entry) => compareKeys(keyOf(entry), after) > 0);
  const page = rest.slice(0, pageSize);
  const last = page.at(-1);
  return rest.length > pageSize && last !== undefined ? { page, nextToken: encodeMemoryToken(name, keyOf(last)) } : { page };
};
