import { invalidArgument } from '../errors';

/** The most keys (or versions) one listing answers, as S3. */
export const MAX_KEYS = 1000;

/** S3 lists keys in UTF-8 binary order. */
export const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** max-keys as S3 takes it: an integer, capped at 1,000. */
export const maxKeysOf = (text: string | null): number => {
  if (text === null) return MAX_KEYS;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', text);
  return Math.min(value, MAX_KEYS);
};
