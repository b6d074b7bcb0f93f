/**
 * Lint and format are part of `npm test` (`npm run lint`), and they bite: the repository's own ESLint and
 * Prettier configurations refuse, for a file of the real tree, a floating promise (a type-aware rule), a loose
 * equality, and code Prettier would lay out differently. Run as the CLIs `npm run lint` runs (both load
 * their configurations as ES modules, which jest's module system does not).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const FILE = 'src/domain/text/boundText.ts';
const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);

/** The rules ESLint reports for `text` as if it were FILE. */
const rulesBroken = (text: string): string[] => {
  const run = spawnSync(bin('eslint'), ['--stdin', '--stdin-filename', FILE, '--format', 'json'], {
    cwd: ROOT,
    input: text,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
};

/** Whether Prettier leaves `text` as it is, for FILE. */
const prettierAccepts = (text: string): boolean => {
  const run = spawnSync(bin('prettier'), ['--stdin-filepath', FILE], { cwd: ROOT, input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout === text;
};

describe('lint and format', () => {
  const original = readFileSync(join(ROOT, FILE), 'utf8');

  it('the file as it is passes both', () => {
    expect(rulesBroken(original)).toEqual([]);
    expect(prettierAccepts(original)).toBe(true);
  });

  it('ESLint refuses a floating promise and a loose equality', () => {
    const broken = `${original}\nexport const later = (): void => {\n  Promise.resolve(1);\n  if (String(1) == '1') return;\n};\n`;
    expect(rulesBroken(broken)).toEqual(['@typescript-eslint/no-floating-promises', 'eqeqeq']);
  });

  it('Prettier refuses a file laid out by hand', () => {
    expect(prettierAccepts(original.replace(/;\n/, ' ;\n'))).toBe(false);
  });
});
