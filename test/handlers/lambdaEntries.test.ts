/**
 * Cold starts: a function's Lambda entry (src/handlers/lambda/) evaluates nothing but itself at init; its handler's
 * modules (operations, adapters, SDK clients, zod, the Logger) load on the first call. Checked two ways: in a fresh
 * process on the sources, and on the bundles as serverless.yml packages them (what the entry's file imports
 * statically is all that init evaluates; the rest sits in chunks behind import()).
 */
import type { Metafile } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { EntryLoads } from '../support/entryLoadProbe';
import { bundleAsPackaged, packagingOptions } from '../support/packagedBundle';

const ROOT = resolve(__dirname, '../..');
const FIRST_CALL_TIMEOUT_MS = 180_000;

/** A first event each function answers (or refuses) without a network call: its modules load all the same. */
const FIRST_EVENTS: Record<string, { handlerModule: string; event: unknown }> = {
  'execution-handler': { handlerModule: 'src/handlers/executionHandler.ts', event: { operation: 'get_execution_details' } },
  'execution-internal': { handlerModule: 'src/handlers/internalHandler.ts', event: { operation: 'wait_for_resume' } },
  'operator-api': { handlerModule: 'src/handlers/operatorApi.ts', event: {} },
  projector: { handlerModule: 'src/handlers/projector.ts', event: { Records: [] } },
  'digest-writer': { handlerModule: 'src/handlers/digestWriter.ts', event: {} },
};

const probeEntry = async (entry: string, event: unknown): Promise<EntryLoads> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/support/entryLoadProbe.ts'), entry, JSON.stringify(event)],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      timeout: FIRST_CALL_TIMEOUT_MS,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as EntryLoads;
};

/** The inputs of the entry's output file and of every chunk it imports statically: what loading it evaluates. */
const initInputs = (metafile: Metafile, entryFile: string): string[] => {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [resolve(path), output]));
  const seen = new Set<string>();
  const pending = [entryFile];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of outputs.get(file)?.imports ?? []) {
      if (imported.kind === 'import-statement' && outputs.has(resolve(imported.path))) pending.push(resolve(imported.path));
    }
  }
  return [...seen].flatMap((file) => Object.keys(outputs.get(file)?.inputs ?? {}));
};

describe('Lambda entries', () => {
  let entries: Record<string, string> = {};
  beforeAll(async () => {
    entries = (await packagingOptions()).entries;
  });

  it('are what serverless.yml packages, one per function', () => {
    expect(Object.keys(entries).sort()).toEqual(Object.keys(FIRST_EVENTS).sort());
    for (const entry of Object.values(entries)) expect(entry).toMatch(/^src\/handlers\/lambda\/[A-Za-z]+\.ts$/);
  });

  it.each(Object.entries(FIRST_EVENTS))(
    '%s: loading its entry evaluates the entry alone, and the first call loads its handler and the DynamoDB client',
    async (name, { handlerModule, event }) => {
      const entry = entries[name] as string;
      const loads = await probeEntry(entry, event);
      // No package (no SDK client, zod or Logger) and no operation: only the entry and its first-call wiring.
      expect(loads.atInit).toEqual([entry, 'src/handlers/lambda/onFirstCall.ts'].sort());
      // The probe sees modules load when they do.
      expect(loads.afterFirstCall).toEqual(expect.arrayContaining([handlerModule, '@aws-sdk/client-dynamodb']));
    },
    FIRST_CALL_TIMEOUT_MS,
  );

  describe('bundled as packaged', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'drs-ledger-entries-'));
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it.each(Object.keys(FIRST_EVENTS))(
      '%s: its entry file imports no chunk statically, and holds nothing but the entry',
      async (name) => {
        const packaging = await packagingOptions();
        const entry = packaging.entries[name] as string;
        const bundle = await bundleAsPackaged(name, entry, join(outdir, name), packaging.esbuild);
        expect(initInputs(bundle.metafile, bundle.entryFile).sort()).toEqual([entry, 'src/handlers/lambda/onFirstCall.ts'].sort());
        // What the first call loads is in the bundle, behind import(): the SDK's DynamoDB client among it.
        const inputs = Object.values(bundle.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
        expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
      },
      FIRST_CALL_TIMEOUT_MS,
    );

    it(
      'sees a client imported at top level: the naive bundle (bench/fixtures/eagerHandler.ts) loads all five at init',
      async () => {
        const packaging = await packagingOptions();
        const bundle = await bundleAsPackaged('naive', 'bench/fixtures/eagerHandler.ts', join(outdir, 'naive'), packaging.esbuild);
        const atInit = initInputs(bundle.metafile, bundle.entryFile);
        for (const client of ['client-drs', 'client-dynamodb', 'client-lambda', 'client-sfn', 'client-sns']) {
          expect(atInit.some((input) => input.includes(`node_modules/@aws-sdk/${client}/`))).toBe(true);
        }
        expect(atInit.some((input) => input.startsWith('src/operations/'))).toBe(true);
      },
      FIRST_CALL_TIMEOUT_MS,
    );
  });
});
