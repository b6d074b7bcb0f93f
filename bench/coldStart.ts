/**
 * Cold start: each function's bundle as packaged (esbuild with serverless.yml's own options), and the time to
 * load it in a fresh Node process, side by side with a bundle that imports all five clients at top level.
 * Also which SDK clients get_execution_details loads (a fresh process, see test/support/loadedClientsProbe.ts).
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { parse } from 'yaml';
import type { LoadedClients } from '../test/support/loadedClientsProbe';
import { runLoadedClientsProbe } from '../test/support/runLoadedClientsProbe';
import { median } from './support/stats';

const ROOT = resolve(__dirname, '..');
const RUNS = 15;

interface Bundle {
  name: string;
  bytes: number;
  /** Deflated at level 1, as osls zips it. */
  zippedBytes: number;
  file: string;
}

export interface ColdStart {
  bundles: Array<Omit<Bundle, 'file'>>;
  /** Median module-load time in a fresh process, ms. */
  initMs: { lazy: number; eager: number; runs: number };
  lazyClients: LoadedClients;
}

interface ServerlessFile {
  custom: {
    esbuild: {
      bundle: boolean;
      minify: boolean;
      target: string;
      platform: 'node';
      sourcemap: boolean;
      external: string[];
      exclude?: string[];
    };
  };
  functions: Record<string, { handler: string }>;
}

const bundle = async (
  name: string,
  entry: string,
  outdir: string,
  options: Omit<ServerlessFile['custom']['esbuild'], 'exclude'>,
): Promise<Bundle> => {
  const file = join(outdir, `${name}.js`);
  await build({ ...options, entryPoints: [join(ROOT, entry)], outfile: file, format: 'cjs', logLevel: 'silent' });
  const bytes = statSync(file).size;
  // osls zips at level 1: this is the zip entry's size to the byte.
  return { name, bytes, zippedBytes: deflateRawSync(readFileSync(file), { level: 1 }).length, file };
};

/** ms to require() the bundle, measured inside a fresh node process. */
const loadTime = (file: string): number => {
  const script =
    'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  return Number(
    execFileSync(process.execPath, ['-e', script, file], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    }),
  );
};

export const measureColdStart = async (): Promise<ColdStart> => {
  const serverless = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as ServerlessFile;
  // `exclude` is serverless-esbuild's own (packages left out of the zip), not esbuild's.
  const { exclude: _exclude, ...options } = serverless.custom.esbuild;
  const outdir = mkdtempSync(join(tmpdir(), 'drs-ledger-bundles-'));
  try {
    const bundles: Bundle[] = [];
    for (const [name, fn] of Object.entries(serverless.functions)) {
      bundles.push(await bundle(name, `${fn.handler.replace(/\.[^.]+$/, '')}.ts`, outdir, options));
    }
    const lazy = bundles.find((b) => b.name === 'execution-handler') as Bundle;
    const eager = await bundle('execution-handler, 5 clients at top level', 'bench/fixtures/eagerHandler.ts', outdir, options);
    const lazyTimes: number[] = [];
    const eagerTimes: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      // Interleaved, so that a change of machine load hits both alike.
      lazyTimes.push(loadTime(lazy.file));
      eagerTimes.push(loadTime(eager.file));
    }
    return {
      bundles: [...bundles, eager].map(({ name, bytes, zippedBytes }) => ({ name, bytes, zippedBytes })),
      initMs: { lazy: median(lazyTimes), eager: median(eagerTimes), runs: RUNS },
      lazyClients: await runLoadedClientsProbe(),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

if (require.main === module) {
  measureColdStart().then(
    (result) => console.log(JSON.stringify(result, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
