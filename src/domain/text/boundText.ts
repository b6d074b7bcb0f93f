/** What marks a text that was cut to fit: readers must never take a cut text for the whole. */
export const CUT_MARK = '…';

const utf8Bytes = (codePoint: number): number => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/** The text's size in UTF-8 bytes, as DynamoDB counts a string value. */
export const utf8Length = (text: string): number => {
  let bytes = 0;
  for (const char of text) bytes += utf8Bytes(char.codePointAt(0) ?? 0);
  return bytes;
};

/**
 * The text cut to at most `maxBytes` UTF-8 bytes, on a code point boundary, ending with CUT_MARK when cut.
 * Pure: the domain bounds what it stores; adapters keep a digest of the full text where it matters.
 */
export const boundText = (text: string, maxBytes: number): string => {
  if (text.length <= maxBytes / 4 || utf8Length(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Length(CUT_MARK);
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8Bytes(char.codePointAt(0) ?? 0);
    if (used + size > budget) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end) + CUT_MARK;
};
