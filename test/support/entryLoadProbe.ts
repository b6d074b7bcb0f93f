/**
 * Run in a fresh Node process under tsx (`node --import tsx`), each module a file of its own: which of our modules
 * and which packages loading a function's Lambda entry evaluates, and which its first call does. Imports nothing
 * itself, so that what it reports is the entry's alone. Answers on stdout, as JSON (the last line).
 */
import { relative, resolve } from 'node:path';

export interface EntryLoads {
  /** Our modules (paths from the repository root) and packages (names) evaluated by loading the entry. */
  atInit: string[];
  /** The same after one call of its handler. */
  afterFirstCall: string[];
  /** What the first call answered, or the error it threw (the handler's modules are loaded either way). */
  firstCall: string;
}

const ROOT = resolve(__dirname, '../..');

const loadedModules = (): string[] =>
  [
    ...new Set(
      Object.keys(require.cache).flatMap((path) => {
        const nodeModule = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(path)?.[1];
        if (nodeModule === 'tsx' || nodeModule === 'esbuild') return []; // the loader's own
        if (nodeModule) return [nodeModule.replace('\\', '/')];
        const own = relative(ROOT, path).replaceAll('\\', '/');
        return own === 'test/support/entryLoadProbe.ts' ? [] : [own];
      }),
    ),
  ].sort();

const main = async (): Promise<EntryLoads> => {
  const [entry = '', event = 'null'] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(resolve(ROOT, entry)) as { handler: (event: unknown, context?: unknown) => Promise<unknown> };
  const atInit = loadedModules();
  const firstCall = await module.handler(JSON.parse(event), { functionName: 'probe', awsRequestId: 'probe' }).then(
    (answer) => JSON.stringify(answer),
    (error: unknown) => `threw ${error instanceof Error ? error.message : String(error)}`,
  );
  return { atInit, afterFirstCall: loadedModules(), firstCall };
};

if (require.main === module) {
  main()
    .then((result) => {
      process.stdout.write(`\n${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
      process.exit(1);
    });
}
