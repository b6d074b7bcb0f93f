/**
 * What the CLI prints of a text from the ledger, DRS or a caller: nothing a terminal acts on, ordinary text
 * byte for byte, and JSON that still reads back to the very same values.
 */
import fc from 'fast-check';
import { jsonForTerminal, shown, shownLines } from '../../src/cli/render/terminalText';

/** Raw, what a terminal acts on: C0 (the line feed too), DEL, C1, line separators, bidi controls, zero-width characters. */
const ACTING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/u;
/** The same, but for the zero-width (non-)joiners an emoji or a script needs between two of its characters (see revealInvisible). */
const ACTING_OUTSIDE_JOINS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\ufeff]/u;

const troublesome = fc.constantFrom(
  '\u001b[2J',
  '\u001b]0;title\u0007',
  '\r',
  '\n',
  '\t',
  '\u007f',
  '\u009b',
  '\u2028',
  '\u202e',
  '\u2067',
  '\u200b',
  '\ufeff',
);
const anyText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), troublesome))
  .map((parts) => parts.join(''));

describe('terminal text', () => {
  it('prints ordinary names, ids and reasons as they are', () => {
    for (const text of [
      'Production DR Plan',
      'db-primary (s-0acdfe0516d16fbfc)',
      'CORP\\dr-lead',
      'Zürich 東京 👩‍💻',
      'InsufficientInstanceCapacity in us-east-1a',
    ]) {
      expect(shown(text)).toBe(text);
    }
  });

  it('shows a line break, ESC, BEL and a bidi override as escapes, on one line', () => {
    expect(shown('db01\r\u001b[2J\u0007\nOK forged\u202E')).toBe('db01\\r\\u{1B}[2J\\u{7}\\nOK forged\\u{202E}');
  });

  it('keeps the lines of a message of ours, and shows what is inside each', () => {
    expect(shownLines('Plan x is not valid:\n  waveName: \u001b[31mred')).toBe('Plan x is not valid:\n  waveName: \\u{1B}[31mred');
  });

  it('leaves nothing a terminal acts on in any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(shown(text)).not.toMatch(ACTING_OUTSIDE_JOINS);
      }),
      { numRuns: 500 },
    );
  });

  it('writes JSON a terminal cannot act on, which parses back to the same values', () => {
    fc.assert(
      fc.property(fc.dictionary(anyText, fc.oneof(anyText, fc.array(anyText), fc.integer())), (value) => {
        const json = jsonForTerminal(value);
        expect(json).not.toMatch(ACTING);
        expect(JSON.parse(json)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('writes JSON of ordinary values byte for byte as JSON.stringify does', () => {
    const value = { executionId: 'exec-1', planName: 'Production DR Plan', hostnames: ['db-primary', 'Zürich 東京'], seq: 3 };
    expect(jsonForTerminal(value)).toBe(JSON.stringify(value));
    expect(jsonForTerminal(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});
