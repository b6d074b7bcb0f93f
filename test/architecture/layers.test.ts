/**
 * The folder layering (.dependency-cruiser.cjs) holds on the real tree, and the rules bite: on a small tree
 * written for the purpose, a domain module importing an adapter, two folders importing each other, a
 * cycle between two files, an import of nothing and a module of nothing are each reported.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CRUISE = join(__dirname, 'support', 'cruise.mjs');

interface Violation {
  rule: string;
  severity: string;
  from: string;
  to: string;
  cycle?: string[];
}

/** dependency-cruiser's API with the repository's configuration, run from `cwd` on `paths`. */
const cruise = async (cwd: string, paths: string[]): Promise<{ modules: number; violations: Violation[] }> => {
  const { stdout } = await promisify(execFile)(process.execPath, [CRUISE, CONFIG, ...paths], { cwd, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as { modules: number; violations: Violation[] };
};

const writeTree = (root: string, files: Record<string, string>): void => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
};

describe('folder layering (dependency-cruiser)', () => {
  it('the repository has no violation', async () => {
    const { modules, violations } = await cruise(ROOT, ['src', 'projections']);
    expect(modules).toBeGreaterThan(100);
    expect(violations).toEqual([]);
  });

  describe('on a tree that breaks the rules', () => {
    let fixture: string;
    let violations: Violation[];

    beforeAll(async () => {
      fixture = mkdtempSync(join(tmpdir(), 'layers-'));
      writeTree(fixture, {
        'tsconfig.json': JSON.stringify({
          compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true },
          include: ['src', 'projections'],
        }),
        // The domain reaching out to an adapter.
        'src/domain/plan.ts': "import { save } from '../adapters/dynamodb/store';\nexport const plan = (): number => save();\n",
        'src/adapters/dynamodb/store.ts': 'export const save = (): number => 1;\n',
        // Two folders that import each other, with no cycle between files.
        'src/audit/verify.ts': "import { load } from '../operations/load';\nexport const verify = (): number => load();\n",
        'src/operations/load.ts': 'export const load = (): number => 1;\n',
        'src/operations/report.ts': "import { verify } from '../audit/verify';\nexport const report = (): number => verify();\n",
        // Two folders of one layer that import each other: only the folder rule sees it.
        'src/local/scheduler/tick.ts': "import { clock } from '../emulators/clock';\nexport const tick = (): number => clock();\n",
        'src/local/scheduler/period.ts': 'export const period = (): number => 30;\n',
        'src/local/emulators/clock.ts': 'export const clock = (): number => Date.now();\n',
        'src/local/emulators/speed.ts': "import { period } from '../scheduler/period';\nexport const speed = (): number => period();\n",
        // Two files that import each other.
        'src/projector/fold.ts': "import type { Group } from './group';\nexport interface Fold { group?: Group }\n",
        'src/projector/group.ts': "import type { Fold } from './fold';\nexport interface Group { fold?: Fold }\n",
        // One operation importing another (the shared part belongs in a shared module).
        'src/operations/poll.ts': "import { finalize } from './finalize';\nexport const poll = (): number => finalize();\n",
        'src/operations/finalize.ts': "import { load } from './load';\nexport const finalize = (): number => load();\n",
        // A shared module reaching an operation: operations could reach each other through it.
        'src/operations/reactions/react.ts': "import { poll } from '../poll';\nexport const react = (): number => poll();\n",
        // An import of nothing.
        'src/ports/store.ts': "export { gone } from './gone';\n",
        // A module nothing imports and that imports nothing.
        'src/audit/unused.ts': 'export const unused = 1;\n',
      });
      ({ violations } = await cruise(fixture, ['src']));
    });
    afterAll(() => rmSync(fixture, { recursive: true, force: true }));

    const named = (rule: string) => violations.filter((violation) => violation.rule === rule);

    it('reports the domain importing an adapter', () => {
      expect(named('domain-imports-nothing-of-ours')).toEqual([
        expect.objectContaining({ severity: 'error', from: 'src/domain/plan.ts', to: 'src/adapters/dynamodb/store.ts' }),
      ]);
    });

    it('reports the application parts importing each other', () => {
      expect(named('audit-not-outward').map(({ from, to }) => [from, to])).toEqual([['src/audit/verify.ts', 'src/operations/load.ts']]);
      expect(named('operations-not-outward').map(({ from, to }) => [from, to])).toEqual([
        ['src/operations/report.ts', 'src/audit/verify.ts'],
      ]);
    });

    it('reports a cycle between two folders, whether or not they are in one layer', () => {
      // Each folder of a cycle is reported, with the way back to it.
      expect(
        named('no-folder-cycles')
          .map(({ from, cycle }) => [from, ...(cycle ?? [])].join(' -> '))
          .sort(),
      ).toEqual([
        'src/audit -> src/operations -> src/audit',
        'src/local/emulators -> src/local/scheduler -> src/local/emulators',
        'src/local/scheduler -> src/local/emulators -> src/local/scheduler',
        'src/operations -> src/audit -> src/operations',
      ]);
      expect(named('no-circular').map((violation) => violation.from)).not.toContain('src/audit/verify.ts');
    });

    it('reports a cycle between two files', () => {
      const cycles = named('no-circular').map((violation) => [violation.from, ...(violation.cycle ?? [])].sort());
      expect(cycles).toEqual([['src/projector/fold.ts', 'src/projector/fold.ts', 'src/projector/group.ts']]);
    });

    it('reports an operation module imported from within src/operations, not a shared module imported by an operation', () => {
      expect(named('operations-apart').map(({ from, to }) => [from, to])).toEqual([
        ['src/operations/poll.ts', 'src/operations/finalize.ts'],
        ['src/operations/reactions/react.ts', 'src/operations/poll.ts'],
      ]);
    });

    it('reports an import that resolves to nothing', () => {
      expect(named('not-to-unresolvable')).toEqual([expect.objectContaining({ from: 'src/ports/store.ts', to: './gone' })]);
    });

    it('reports a module that is part of nothing', () => {
      expect(named('no-orphans')).toEqual([expect.objectContaining({ from: 'src/audit/unused.ts' })]);
    });

    it('reports nothing else', () => {
      const expected = [
        'domain-imports-nothing-of-ours',
        'audit-not-outward',
        'operations-not-outward',
        'no-folder-cycles',
        'no-circular',
        'not-to-unresolvable',
        'no-orphans',
        'operations-apart',
      ];
      expect(violations.filter((violation) => !expected.includes(violation.rule))).toEqual([]);
    });
  });

  it('the rule knows every operation module the handlers run (the operation table, the operator API), and only those', () => {
    const runnersOf = (path: string) =>
      [...readFileSync(join(ROOT, path), 'utf8').matchAll(/from '(?:\.\.\/)+operations\/(\w+)'/g)].map(
        (match) => `src/operations/${match[1]}.ts`,
      );
    const modules = [...new Set([...runnersOf('src/handlers/operationTable.ts'), ...runnersOf('src/handlers/operatorApi/runAction.ts')])];
    const OPERATION_MODULE = /const OPERATION_MODULE =\s*'([^']+)'/.exec(readFileSync(CONFIG, 'utf8'))?.[1]?.replace(/\\\\/g, '\\') ?? '';
    const pattern = new RegExp(OPERATION_MODULE);
    const runners = modules.filter((path) => !/\/(deps|responses|inputs)\.ts$/.test(path));
    expect(runners.length).toBeGreaterThanOrEqual(10);
    expect(runners.filter((path) => !pattern.test(path))).toEqual([]);
    const named = OPERATION_MODULE.replace(/^.*\(|\).*$/g, '').split('|');
    expect(named.map((name) => `src/operations/${name}.ts`).filter((path) => !runners.includes(path))).toEqual([]);
  });
});
