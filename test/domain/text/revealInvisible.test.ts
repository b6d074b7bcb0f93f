/**
 * revealInvisible: what a terminal or a report shows of a text from a caller, the ledger or AWS. Every
 * character that acts without being seen (controls, line breaks, bidi controls, zero-width characters) is
 * shown as an escape; ordinary text in any script, emoji included, is left exactly as it is.
 */
import fc from 'fast-check';
import { revealInvisible } from '../../../src/domain/text';

/** Written out independently of the code under test: C0, DEL, C1, U+2028/2029, bidi controls and marks, zero-width characters, BOM. */
const ACTING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060-\u2064\ufeff\u00ad]/;
const LONE_SURROGATE = /(?:[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const troublesome = fc.constantFrom(
  '\n',
  '\r',
  '\t',
  '\u001b[2J',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u200b',
  '\u200d',
  '\u200e',
  '\ufeff',
  '\u{e0041}',
);
const anyText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), troublesome, loneSurrogate))
  .map((parts) => parts.join(''));

describe('revealInvisible', () => {
  it.each([
    ['a line feed, a carriage return and a tab', 'a\nb\rc\td', 'a\\nb\\rc\\td'],
    ['ESC and BEL (a terminal colour and bell)', '\u001b[31mred\u0007', '\\u{1B}[31mred\\u{7}'],
    ['a bidi override ("Trojan Source")', 'invoice\u202Egnp.exe', 'invoice\\u{202E}gnp.exe'],
    ['bidi isolates', 'a\u2066b\u2069', 'a\\u{2066}b\\u{2069}'],
    ['a zero-width space inside an address', 'admin\u200B@corp', 'admin\\u{200B}@corp'],
    ['a zero-width joiner next to ASCII', 'a\u200Db', 'a\\u{200D}b'],
    ['DEL, a C1 control and the line separator', '\u007f\u0085\u2028', '\\u{7F}\\u{85}\\u{2028}'],
    ['an unpaired surrogate', 'a\ud800b', 'a\\u{D800}b'],
    ['a tag character outside a flag', 'x\u{E0067}', 'x\\u{E0067}'],
  ])('shows %s as escapes', (_what, text, shown) => {
    expect(revealInvisible(text)).toBe(shown);
  });

  it.each([
    ['plain ASCII', 'change-board@corp.example'],
    ['a Windows account and its backslash', 'CORP\\dr-lead'],
    ['accents and other scripts', 'Zürich 東京 Москва'],
    ['an emoji sequence joined by zero-width joiners', '👩‍💻 on call'],
    ['Persian, whose zero-width non-joiner separates letters', 'می‌خواهم'],
    ['Devanagari with a joiner after a virama', 'क्‍ष'],
    ['a subdivision flag (tag characters after the black flag)', '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland'],
  ])('leaves %s as it is', (_what, text) => {
    expect(revealInvisible(text)).toBe(text);
  });

  it('shows every acting character of any text, and nothing else changes', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = revealInvisible(text);
        // No control, line break, bidi control or unpaired surrogate is left, and no zero-width character except a joiner doing its job.
        expect(shown.replace(/\u200d|\u200c/g, '')).not.toMatch(ACTING);
        expect(shown).not.toMatch(LONE_SURROGATE);
        for (const joiner of shown.matchAll(/[\u200c\u200d]/g)) {
          const before = shown.slice(0, joiner.index).at(-1) ?? '';
          expect(before.charCodeAt(0) > 0x7f).toBe(true);
        }
        // Undo the escapes: the original text comes back, so nothing was dropped or reordered.
        const undone = shown.replace(/\\n|\\r|\\t|\\u\{([0-9A-F]+)\}/g, (escape, hex: string | undefined) =>
          hex === undefined
            ? (({ '\\n': '\n', '\\r': '\r', '\\t': '\t' } as Record<string, string>)[escape] ?? escape)
            : String.fromCodePoint(parseInt(hex, 16)),
        );
        const literalEscapes = /\\n|\\r|\\t|\\u\{[0-9A-F]+\}/.test(text);
        if (!literalEscapes) expect(undone).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
