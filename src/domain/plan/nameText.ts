import { z } from 'zod';

/**
 * Plan and wave names are shown in terminals, reports and notification subjects: 256 characters at most,
 * counted as zod counts them, in code points (an emoji is one), so up to 512 UTF-16 code units.
 */
export const MAX_NAME_LENGTH = 256;

/**
 * Characters a name may not hold. C0 controls (line feed, tab...), DEL and C1 controls: a line break
 * in a plan name made SNS refuse every notification about it, and controls rewrite terminal output.
 * The Unicode line and paragraph separators: line breaks too. The bidi embedding, override and isolate
 * controls (U+202A-U+202E, U+2066-U+2069): invisible, they make a name read otherwise than it is stored
 * ("Trojan Source"). And unpaired surrogates: not text at all, they cannot be encoded as UTF-8.
 */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/u;

const codePointLabel = (char: string): string => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why the name is refused, naming the first forbidden character (they are invisible) and where it is; undefined if it is fine. */
export const forbiddenCharacterProblem = (name: string): string | undefined => {
  const found = FORBIDDEN.exec(name);
  if (!found) return undefined;
  return (
    `must not contain control characters, line breaks or bidirectional-text controls ` +
    `(found ${codePointLabel(found[0])} at character ${[...name.slice(0, found.index)].length + 1})`
  );
};

/** A plan or wave name: trimmed (a YAML block scalar's final line break goes), non-empty, bounded, printable. */
export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must be a non-empty string')
  .max(MAX_NAME_LENGTH)
  .superRefine((name, context) => {
    const problem = forbiddenCharacterProblem(name);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
