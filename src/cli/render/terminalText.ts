import { revealInvisible } from '../../domain/text';

/**
 * A text from the ledger, DRS or a caller, as the CLI prints it: every control character (ESC, BEL, CR, a line
 * feed shown as \n...), bidi override and zero-width character shown as a visible escape (see revealInvisible),
 * so that a name or a reason can neither drive the terminal (move the cursor, recolour, rewrite a line, set the
 * window title) nor forge a line nor read otherwise than it is stored. Ordinary text is printed as it is.
 */
export const shown = (value: string | number): string => revealInvisible(String(value));

/** A message of several lines of our own (an error listing problems), each line's content shown as above. */
export const shownLines = (text: string): string => text.split('\n').map(shown).join('\n');

/**
 * What JSON.stringify leaves raw in a string and a terminal would act on: DEL, the C1 controls, the line and
 * paragraph separators, the format characters (bidi controls, zero-width characters) and unpaired surrogates
 * (JSON.stringify escapes the C0 controls itself, and lone surrogates too).
 */
const JSON_UNSAFE = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const unicodeEscape = (char: string): string =>
  Array.from({ length: char.length }, (_, index) => `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`).join('');

/**
 * A value as one line of JSON that is safe on a terminal: JSON.stringify's output with every character a
 * terminal would act on written as a \u escape. The same JSON value (a parser reads back the same strings);
 * ordinary values give JSON.stringify's very bytes.
 */
export const jsonForTerminal = (value: unknown, space?: number): string => jsonTextForTerminal(JSON.stringify(value, null, space));

/** JSON text with every character a terminal would act on written as a \u escape (see jsonForTerminal). */
export const jsonTextForTerminal = (json: string): string => json.replace(JSON_UNSAFE, unicodeEscape);
