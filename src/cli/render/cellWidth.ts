/**
 * How many terminal cells a text takes, and the text cut to a number of cells. A live block redrawn in place
 * must know how many rows each of its lines takes: a line one cell too wide wraps, and the next redraw moves
 * the cursor up one row too few (the block piles up). Texts here are plain (shown, no escape sequences): the
 * colours are added after fitting.
 */

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** East Asian Wide and Fullwidth blocks (Hangul Jamo, CJK, Kana, Hangul syllables, fullwidth forms, the SIP/TIP). */
const WIDE =
  /[\u1100-\u115F\u231A\u231B\u2329\u232A\u23E9-\u23EC\u23F0\u23F3\u25FD\u25FE\u2614\u2615\u2648-\u2653\u267F\u2693\u26A1\u26AA\u26AB\u26BD\u26BE\u26C4\u26C5\u26CE\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD\u2705\u270A\u270B\u2728\u274C\u274E\u2753-\u2755\u2757\u2795-\u2797\u27B0\u27BF\u2B1B\u2B1C\u2B50\u2B55\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F004}\u{1F0CF}\u{1F18E}\u{1F191}-\u{1F19A}\u{1F200}-\u{1F251}\u{1F300}-\u{1F64F}\u{1F680}-\u{1F6FF}\u{1F7E0}-\u{1F7EB}\u{1F90C}-\u{1F9FF}\u{1FA70}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;
/** An emoji asked for in its picture form (VS16) takes two cells, whatever its code point's default. */
const EMOJI_PRESENTATION = /\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}{2}/u;
/** Marks and joiners draw on the cell before them; a grapheme of only those takes none. */
const ZERO_WIDTH = /^[\p{M}\u200B-\u200D\u2060\uFEFF]+$/u;

const graphemeWidth = (grapheme: string): number => {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (WIDE.test(grapheme) || EMOJI_PRESENTATION.test(grapheme)) return 2;
  return 1;
};

const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (part) => part.segment);

/** The cells a plain text takes on a terminal (wide characters two, combining marks none). */
export const cellWidth = (text: string): number => {
  // Most texts are ASCII: no need to segment them.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const grapheme of graphemes(text)) width += graphemeWidth(grapheme);
  return width;
};

const ELLIPSIS = '…';

/** The text cut to at most `width` cells, ending in "…" when cut (never cutting a character in two). */
export const truncateToWidth = (text: string, width: number): string => {
  if (cellWidth(text) <= width) return text;
  if (width <= 0) return '';
  let kept = '';
  let used = 0;
  for (const grapheme of graphemes(text)) {
    const next = graphemeWidth(grapheme);
    if (used + next > width - 1) break;
    kept += grapheme;
    used += next;
  }
  // A cut right after a space reads as a gap: the ellipsis goes against the word.
  return kept.trimEnd() + ELLIPSIS;
};

/** The text padded with spaces (or cut, with "…") to exactly `width` cells. */
export const fitToWidth = (text: string, width: number): string => {
  const cut = truncateToWidth(text, width);
  return cut + ' '.repeat(Math.max(0, width - cellWidth(cut)));
};

/** The text broken into pieces of at most `width` cells each (at character boundaries; at least one piece). */
export const wrapToWidth = (text: string, width: number): string[] => {
  if (cellWidth(text) <= width) return [text];
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const grapheme of graphemes(text)) {
    const next = graphemeWidth(grapheme);
    if (used + next > width && piece !== '') {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += grapheme;
    used += next;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
};
