/**
 * A fixed-size terminal for tests: a stream with `columns`, `rows` and `isTTY` like a tty WriteStream, and a
 * tiny VT interpreter behind it, so a test reads what a person would see (the screen, and the scrollback above
 * it) after any sequence of writes. It knows what the progress display writes: printable characters (wide ones
 * take two cells), autowrap at the last column (as xterm does: the cursor waits in the last column and the next
 * printable character wraps), line feed (the tty driver's CR LF), CR, cursor up (CSI n A), erase line (CSI 2 K),
 * erase below (CSI J / CSI 0 J) and colours (CSI … m, ignored). Any other escape sequence fails the test.
 */
import { Writable } from 'node:stream';
import { cellWidth } from '../../src/cli/render/cellWidth';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export class FakeTerminal extends Writable {
  readonly isTTY = true;
  /** Rows that scrolled off the top, oldest first. */
  readonly scrollback: string[] = [];
  /** How many times a printable character wrapped onto the next row (a line wider than the terminal). */
  wraps = 0;
  private screen: string[][];
  private row = 0;
  private column = 0;
  private pendingWrap = false;

  constructor(
    public columns: number,
    public rows: number,
  ) {
    super({ decodeStrings: false });
    this.screen = Array.from({ length: rows }, () => this.blankRow());
  }

  /** Scrollback and screen as text, each row's trailing spaces and the screen's empty rows at the end dropped. */
  transcript(): string[] {
    const lines = [...this.scrollback, ...this.screen.map((row) => row.join('').trimEnd())];
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** The screen alone, one string per row. */
  visible(): string[] {
    return this.screen.map((row) => row.join('').trimEnd());
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.interpret(String(chunk));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private blankRow(): string[] {
    return Array.from({ length: this.columns }, () => ' ');
  }

  private lineFeed(): void {
    this.pendingWrap = false;
    if (this.row < this.rows - 1) {
      this.row += 1;
      return;
    }
    this.scrollback.push((this.screen.shift() as string[]).join('').trimEnd());
    this.screen.push(this.blankRow());
  }

  private print(grapheme: string): void {
    const width = cellWidth(grapheme);
    if (width === 0) return;
    if (this.pendingWrap || this.column + width > this.columns) {
      this.wraps += 1;
      this.column = 0;
      this.lineFeed();
    }
    const cells = this.screen[this.row] as string[];
    cells[this.column] = grapheme;
    if (width === 2) cells[this.column + 1] = '';
    this.column += width;
    if (this.column >= this.columns) {
      this.column = this.columns - 1;
      this.pendingWrap = true;
    }
  }

  private interpret(text: string): void {
    for (const token of text.match(/\u001b\[[0-9;]*[A-Za-z]|\u001b.?|\n|\r|[^\u001b\n\r]+/gsu) ?? []) {
      if (token.startsWith('\u001b')) {
        const sequence = /^\u001b\[([0-9;]*)([A-Za-z])$/.exec(token);
        if (!sequence) throw new Error(`FakeTerminal: unknown escape ${JSON.stringify(token)}`);
        this.control(sequence[1] as string, sequence[2] as string);
      } else if (token === '\n') {
        this.column = 0;
        this.lineFeed();
      } else if (token === '\r') {
        this.column = 0;
        this.pendingWrap = false;
      } else {
        for (const { segment } of segmenter.segment(token)) this.print(segment);
      }
    }
  }

  private control(parameter: string, command: string): void {
    const count = parameter === '' ? 1 : Number(parameter);
    switch (command) {
      case 'm':
        return;
      case 'A':
        this.row = Math.max(0, this.row - count);
        this.pendingWrap = false;
        return;
      case 'K':
        if (parameter !== '2') throw new Error(`FakeTerminal: CSI ${parameter} K not known`);
        this.screen[this.row] = this.blankRow();
        return;
      case 'J': {
        if (parameter !== '' && parameter !== '0') throw new Error(`FakeTerminal: CSI ${parameter} J not known`);
        const cells = this.screen[this.row] as string[];
        for (let column = this.column; column < this.columns; column += 1) cells[column] = ' ';
        for (let row = this.row + 1; row < this.rows; row += 1) this.screen[row] = this.blankRow();
        return;
      }
      default:
        throw new Error(`FakeTerminal: CSI ${parameter} ${command} not known`);
    }
  }
}
