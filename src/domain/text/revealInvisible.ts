/**
 * Characters that are not seen but act: C0 controls (line feed, tab, ESC, BEL, CR...), DEL and the C1 controls
 * (they move a terminal's cursor, ring it, rewrite a line, start a new Markdown block or table row); the line and
 * paragraph separators; every Unicode format character (the bidi embeddings, overrides and isolates
 * U+202A-U+202E and U+2066-U+2069, the marks U+200E, U+200F and U+061C, the zero-width space, non-joiner and
 * joiner U+200B-U+200D, the word joiner U+2060, the byte order mark U+FEFF, the soft hyphen, the tag
 * characters...: they make a text read otherwise than it is stored, "Trojan Source"); and unpaired surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const ZWNJ = 0x200c;
const ZWJ = 0x200d;
const WAVING_BLACK_FLAG = 0x1f3f4;
const isTag = (codePoint: number): boolean => codePoint >= 0xe0020 && codePoint <= 0xe007f;

/** Letters and marks of other scripts than ASCII's, emoji and their modifiers: what the zero-width (non-)joiner does its job between. */
const JOINABLE = /^[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]$/u;
const isJoinable = (codePoint: number | undefined): boolean =>
  codePoint !== undefined && codePoint > 0x7f && JOINABLE.test(String.fromCodePoint(codePoint));

const codePointBefore = (text: string, index: number): number | undefined => {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (index >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(index - 2);
  }
  return low;
};

/**
 * Where a format character does its typographic job, it stays: a zero-width joiner or non-joiner between two
 * letters of a script that needs them (Persian, Devanagari...) or inside an emoji sequence (👩‍💻), and the tag
 * characters of a subdivision flag (🏴 + tags). Next to ASCII, at an edge or anywhere else it is shown.
 */
const doesItsJob = (text: string, offset: number, codePoint: number): boolean => {
  if (codePoint === ZWJ || codePoint === ZWNJ) {
    return isJoinable(codePointBefore(text, offset)) && isJoinable(text.codePointAt(offset + 1));
  }
  if (isTag(codePoint)) {
    let index = offset;
    let before = codePointBefore(text, index);
    while (before !== undefined && isTag(before)) {
      index -= 2; // tags are astral: two UTF-16 units each
      before = codePointBefore(text, index);
    }
    return before === WAVING_BLACK_FLAG;
  }
  return false;
};

const escapeOf = (char: string): string => NAMED_ESCAPES[char] ?? `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;

/**
 * The text with every invisible character that acts (see INVISIBLE) shown as a visible escape: `\n`, `\r`,
 * `\t`, and `\u{1B}`, `\u{202E}`... for the others. Ordinary text, in any script and with emoji, comes back
 * unchanged (the same string). Used wherever a text from a caller, the ledger or AWS is shown to a person: a
 * terminal, a report. It does not escape the backslash itself, so that a text holding "\n" literally reads the
 * same as one holding a line feed: shown for a person, not for a parser.
 */
export const revealInvisible = (text: string): string => {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE, (char: string, offset: number) =>
    doesItsJob(text, offset, char.codePointAt(0) ?? 0) ? char : escapeOf(char),
  );
};
