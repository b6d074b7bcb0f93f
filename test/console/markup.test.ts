/**
 * The console shows texts from plans, the ledger and DRS (names, comments, reasons, hostnames): every one as
 * text, never parsed as markup. Its sources set text through textContent and text nodes only; the one chart it
 * takes as markup, the report's, is parsed apart and stripped of anything active (timeline.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const CONSOLE = resolve(__dirname, '../../src/console');

const sources = (folder: string): string[] =>
  readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });

/** Ways a string becomes markup or code in a page. */
const MARKUP_SINKS =
  /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment)\b|\bdocument\.write|\beval\(|\bnew Function\(|setAttribute\(\s*['"](on\w+|style|href|src|srcdoc)['"]/;

describe('the console never takes data for markup', () => {
  const files = sources(CONSOLE);

  it('has sources to look at', () => {
    expect(files.map((path) => relative(CONSOLE, path))).toEqual(
      expect.arrayContaining(['main.ts', 'dom.ts', 'pages/execution/timeline.ts']),
    );
  });

  it.each(sources(CONSOLE).map((path) => [relative(CONSOLE, path), path]))(
    '%s writes no markup and sets no handler or style attribute',
    (_name, path) => {
      const lines = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => MARKUP_SINKS.test(line) && !/^\s*(\*|\/\/)/.test(line));
      expect(lines).toEqual([]);
    },
  );

  it('parses the only markup it takes (the chart) with DOMParser, apart from the page', () => {
    const timeline = readFileSync(join(CONSOLE, 'pages/execution/timeline.ts'), 'utf8');
    expect(timeline).toMatch(/new DOMParser\(\)\.parseFromString\(/);
    expect(files.filter((path) => readFileSync(path, 'utf8').includes('DOMParser')).map((path) => relative(CONSOLE, path))).toEqual([
      'pages/execution/timeline.ts',
    ]);
  });
});
