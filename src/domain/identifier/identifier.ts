import { z } from 'zod';

/**
 * The ids the execution-handler accepts for executions and plans. They become DynamoDB keys, Step Functions
 * names and file names (evidence reports), so the alphabet has no path separator, no whitespace and no
 * control character, and an id cannot start with a dot: `..` and `../x` are not ids.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const MAX_ID_LENGTH = 128;

/** DRS job ids, as DRS's API model gives them (`drsjob-` and 17 characters). */
export const DRS_JOB_ID_PATTERN = /^drsjob-[0-9a-zA-Z]{17}$/;

/** The handler's own schema of an id field: every boundary that takes an id (requests, imports, files) uses this one. */
export const identifierSchema = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(MAX_ID_LENGTH, `${what} must be at most ${MAX_ID_LENGTH} characters`)
    .regex(ID_PATTERN, `${what} must contain only letters, digits, and _ . : - (starting with a letter or digit)`);

/** Why `value` is not an id the handler accepts (the schema's own message), or undefined when it is one. */
export const identifierProblem = (what: string, value: unknown): string | undefined => {
  const parsed = identifierSchema(what).safeParse(value);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? `${what} is not a valid id`);
};
