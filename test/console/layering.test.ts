/**
 * src/console runs in the browser: .dependency-cruiser.cjs lets it import only its own folder and no Node
 * built-in. On a small tree written to break that, each is reported, and nothing else is.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CRUISE = join(ROOT, 'test/architecture/support/cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

const TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true }, include: ['src'] }),
  // The browser's code reaching the local stack, the domain, and a Node built-in.
  'src/console/main.ts':
    "import { render } from './render';\nimport { stack } from '../local/stack';\nimport { plan } from '../domain/plan';\nimport { readFileSync } from 'node:fs';\nexport const main = (): unknown => [render(), stack(), plan(), readFileSync];\n",
  'src/console/render.ts': 'export const render = (): number => 1;\n',
  'src/local/stack.ts': 'export const stack = (): number => 1;\n',
  'src/domain/plan.ts': 'export const plan = (): number => 1;\n',
  // The console's server, in the CLI, reading the browser's wire types: allowed.
  'src/cli/serve.ts': "import { render } from '../console/render';\nexport const serve = (): number => render();\n",
  'src/cli/main.ts': "import { serve } from './serve';\nexport const main = (): number => serve();\n",
};

describe('the console layer (dependency-cruiser)', () => {
  let fixture: string;
  let violations: Violation[];

  beforeAll(async () => {
    fixture = mkdtempSync(join(tmpdir(), 'console-layers-'));
    for (const [path, text] of Object.entries(TREE)) {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), text);
    }
    const { stdout } = await promisify(execFile)(process.execPath, [CRUISE, CONFIG, 'src'], { cwd: fixture, maxBuffer: 16 * 1024 * 1024 });
    ({ violations } = JSON.parse(stdout) as { violations: Violation[] });
  });
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('reports the console importing any other folder of ours, the domain included', () => {
    const reported = violations.filter((violation) => violation.rule === 'console-only-itself').map(({ from, to }) => [from, to]);
    expect(reported.sort()).toEqual([
      ['src/console/main.ts', 'src/domain/plan.ts'],
      ['src/console/main.ts', 'src/local/stack.ts'],
    ]);
  });

  it('reports the console importing a Node built-in', () => {
    expect(violations.filter((violation) => violation.rule === 'console-not-node').map(({ from, to }) => [from, to])).toEqual([
      ['src/console/main.ts', 'fs'],
    ]);
  });

  it('lets the CLI import the console (its server reads the wire types), and reports nothing else', () => {
    expect(violations.map((violation) => violation.from)).not.toContain('src/cli/serve.ts');
    expect(violations.filter((violation) => !['console-only-itself', 'console-not-node'].includes(violation.rule))).toEqual([]);
  });
});
