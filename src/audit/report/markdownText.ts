import { revealInvisible } from '../../domain/text';

/**
 * ASCII punctuation a Markdown dialect gives meaning to, escaped with a backslash (CommonMark renders a
 * backslash-escaped ASCII punctuation character as itself, literally): escapes `\`, code spans `` ` ``,
 * emphasis `* _`, links and images `[ ] ( ) !`, attribute blocks `{ }` (markdown-it-attrs), headings and
 * issue references `#`, list and table markers `+ - |`, ordered lists and autolinked domains `.`,
 * strikethrough `~`, highlight and setext underlines `=`, math `$`, superscript `^`, autolinked schemes `:`
 * and e-mail addresses and mentions `@`. With `.`, `:` and `@` escaped, no renderer's linkify finds a URL,
 * a domain or an address in the text.
 */
const BACKSLASHED = /[\\`*_{}[\]()!#+\-.|~=$^:@]/g;

/** HTML's own: as entities, so that no renderer that lets HTML through sees a tag or a character reference. */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Any text from a caller, the ledger or AWS as inert inline Markdown: it renders as exactly its characters
 * (invisible ones shown as escapes, see revealInvisible), never as markup, a link, an image, HTML, a new block
 * or a new table cell or row. Line breaks and every control character become visible escapes, so the text
 * stays on its line; leading and trailing spaces (any Unicode space) become character references, so it
 * cannot indent a block nor end in a hard line break, and no renderer trims them away. Safe anywhere inline: in a heading, a paragraph, a list item or a table cell.
 */
export const markdownText = (text: string): string =>
  revealInvisible(text)
    .replace(BACKSLASHED, (char) => `\\${char}`)
    .replace(/[&<>]/g, (char) => ENTITIES[char] ?? char)
    .replace(/^\s+|\s+$/g, (spaces) => [...spaces].map((space) => `&#${space.codePointAt(0)};`).join(''));

const longestBacktickRun = (text: string): number => Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));

/**
 * A text (an id, an ARN, a hash) as a Markdown code span: literal by construction, the fence one backtick longer
 * than the longest run of backticks inside, padded with a space on each side when the text starts or ends with
 * a backtick or a space (CommonMark strips exactly one from each side). Invisible characters are shown as
 * escapes, so a line break cannot end the span's line. `in-table`: GFM splits table cells on a pipe even inside
 * a code span, unless escaped, and unescapes it there. The text must not be empty (callers show '—').
 */
export const markdownCode = (text: string, where: 'inline' | 'in-table' = 'inline'): string => {
  const visible = revealInvisible(text);
  const content = where === 'in-table' ? visible.replace(/\|/g, '\\|') : visible;
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  // A span of spaces only is kept as it is; any other is stripped of one space each side, when it has both.
  const padding = /^[` ]|[` ]$/.test(content) && /[^ ]/.test(content) ? ' ' : '';
  return `${fence}${padding}${content}${padding}${fence}`;
};
