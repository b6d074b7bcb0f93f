/**
 * The Markdown report's escaping, held to a real renderer: whatever a text holds, markdown-it (raw HTML let
 * through, linkify on) renders it as exactly its characters (invisible ones shown as escapes) and nothing
 * else: no markup, link, image, HTML, entity, new block, new table cell or row. In a heading, a paragraph and a
 * table cell; ids as code spans, in and out of tables.
 */
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { markdownCode, markdownText } from '../../src/audit/report/markdownText';
import { revealInvisible } from '../../src/domain/text';

type Token = MarkdownIt.Token;

const renderer = new MarkdownIt({ html: true, linkify: true });

/** The block tokens' types, and the children of each inline token. */
const parse = (markdown: string): { blocks: string[]; inlines: Token[][] } => {
  const tokens = renderer.parse(markdown, {});
  return {
    blocks: tokens.map((token) => token.type),
    inlines: tokens.filter((token) => token.type === 'inline').map((token) => token.children ?? []),
  };
};
const kinds = (children: Token[]): string[] => [...new Set(children.map((child) => child.type))];
const content = (children: Token[]): string => children.map((child) => child.content).join('');

const PAYLOADS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="alert(1)">',
  '[click](javascript:alert(1))',
  '![pic](https://evil.example/x.png)',
  'Payroll\n\n## Verification PASSED\n',
  'db | forged | cells',
  'a\n| forged | row |',
  '**bold** _em_ ~~strike~~ `code` $x$ ==mark== ^sup^ {onclick=alert(1)}',
  '<https://evil.example> https://evil.example www.evil.example admin@evil.example',
  '&amp; &lt;b&gt; &#60;script&#62;',
  '# heading',
  '1. list',
  '- item',
  '> quote',
  '    indented',
  '```\nfence',
  'trailing spaces  ',
  'x\\',
  'invoice\u202Egnp.exe\u001b[2J\u0007',
  '=====',
  '---',
];
const troublesome = fc.constantFrom(
  ...PAYLOADS,
  '|',
  '\\',
  '`',
  '<',
  '>',
  '&',
  '[',
  ']',
  '(',
  ')',
  '!',
  '*',
  '_',
  '#',
  '\n',
  '\r',
  ' ',
  '\u202e',
  '\u200b',
);
const anyText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' }), troublesome))
  .map((parts) => parts.join(''));

describe('markdownText: any text as inert inline Markdown', () => {
  it.each(PAYLOADS)('renders %p in a paragraph as its characters, nothing else', (text) => {
    const { blocks, inlines } = parse(`Before ${markdownText(text)} after`);
    expect(blocks).toEqual(['paragraph_open', 'inline', 'paragraph_close']);
    expect(kinds(inlines[0] ?? [])).toEqual(['text']);
    expect(content(inlines[0] ?? [])).toBe(`Before ${revealInvisible(text)} after`);
  });

  it('renders any text in a paragraph, a heading and a table cell as its characters', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = revealInvisible(text);
        const paragraph = parse(`Before ${markdownText(text)} after`);
        expect(paragraph.blocks).toEqual(['paragraph_open', 'inline', 'paragraph_close']);
        expect(kinds(paragraph.inlines[0] ?? [])).toEqual(['text']);
        expect(content(paragraph.inlines[0] ?? [])).toBe(`Before ${shown} after`);

        const heading = parse(`# Evidence: ${markdownText(text)} (seq 1)`);
        expect(heading.blocks).toEqual(['heading_open', 'inline', 'heading_close']);
        expect(kinds(heading.inlines[0] ?? [])).toEqual(['text']);
        expect(content(heading.inlines[0] ?? [])).toBe(`Evidence: ${shown} (seq 1)`);

        const table = parse(`| Hostname | Status |\n| --- | --- |\n| ${markdownText(text)} | LAUNCHED |`);
        expect(table.blocks.filter((type) => type === 'tr_open')).toHaveLength(2);
        expect(table.blocks.filter((type) => type === 'td_open')).toHaveLength(2);
        const [cell, status] = table.inlines.slice(2);
        expect(kinds(cell ?? []).filter((kind) => kind !== 'text')).toEqual([]);
        expect(content(cell ?? [])).toBe(shown);
        expect(content(status ?? [])).toBe('LAUNCHED');
      }),
      { numRuns: 400 },
    );
  });
});

describe('markdownCode: any text as a code span', () => {
  it('keeps any text literal in a code span, in a paragraph and in a table cell', () => {
    fc.assert(
      fc.property(
        anyText.filter((text) => text !== ''),
        (text) => {
          const shown = revealInvisible(text);
          const paragraph = parse(`Execution ${markdownCode(text)} · DRILL`);
          expect(paragraph.blocks).toEqual(['paragraph_open', 'inline', 'paragraph_close']);
          expect(paragraph.inlines[0]?.map((child) => child.type)).toEqual(['text', 'code_inline', 'text']);
          expect(paragraph.inlines[0]?.[1]?.content).toBe(shown);

          const table = parse(`| Server | Status |\n| --- | --- |\n| ${markdownCode(text, 'in-table')} | LAUNCHED |`);
          expect(table.blocks.filter((type) => type === 'td_open')).toHaveLength(2);
          const [cell, status] = table.inlines.slice(2);
          expect(cell?.map((child) => child.type)).toEqual(['code_inline']);
          expect(cell?.[0]?.content).toBe(shown);
          expect(content(status ?? [])).toBe('LAUNCHED');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('fences a text holding backticks with a longer run', () => {
    expect(markdownCode('a``b')).toBe('```a``b```');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
  });
});
