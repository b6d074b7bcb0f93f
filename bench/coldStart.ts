/**
 * Cold start: every function bundled as packaged (serverless.yml's esbuild options and plugins: ESM, code splitting),
 * and the time to load its entry in a fresh Node process, interleaved with the naive bundle (the execution-handler
 * importing all five clients at top level, bench/fixtures/eagerHandler.ts) built with the same options.
 *
 * Beside it, for honesty: what a cold start pays before its first answer, "init + first request" (the entry loaded,
 * then a get_execution_details answered 200 from dynalite: the handler's chunks, zod, the DynamoDB client and two
 * Queries), for the execution-handler and for the naive bundle. And the naive bundle as it was packaged before
 * (one CommonJS file), whose init was the baseline of the earlier figure (0.72-0.81).
 * Also which SDK clients get_execution_details loads (a fresh process, see test/support/loadedClientsProbe.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDynamoDbClient } from '../src/adapters/dynamodb/client';
import { createTables } from '../src/adapters/dynamodb/createTables';
import { configFromEnv } from '../src/config';
import { buildDeps } from '../src/handlers/wiring';
import { startEmbeddedDynamo } from '../src/local/embeddedDynamo';
import { handleCommand } from '../src/operations/handleCommand';
import type { LoadedClients } from '../test/support/loadedClientsProbe';
import { bundleAsPackaged, type PackagedBundle, packagingOptions } from '../test/support/packagedBundle';
import { runLoadedClientsProbe } from '../test/support/runLoadedClientsProbe';
import { median, percentile } from './support/stats';

const INIT_RUNS = 15;
const FIRST_REQUEST_RUNS = 9;
const NAIVE = 'naive: execution-handler, 5 clients at top level';
const NAIVE_CJS = 'naive, packaged as before (one CommonJS file)';
const TABLE_PREFIX = 'bench-cold';
const EXECUTION_ID = 'exec-cold-start';

/** Medians of fresh-process samples, and each sample over the naive bundle's of the same round. */
export interface Timed {
  medianMs: number;
  samplesMs: number[];
  /** sample / naive sample of the same round: their spread is the ratio's. */
  pairedRatios: number[];
}

export interface ColdStart {
  bundles: Array<Omit<PackagedBundle, 'files' | 'entryFile' | 'metafile'>>;
  /** Module init (import of the entry) per function, and of the naive bundles; ms. */
  init: Record<string, Timed>;
  /** Init + one get_execution_details answered (200 from dynalite), execution-handler and the naive bundle; ms. */
  firstRequest: Record<string, Timed>;
  functions: string[];
  naive: string;
  naiveCjs: string;
  runs: { init: number; firstRequest: number };
  /** The figures of the earlier table (bench/table.ts coldStartRows): execution-handler against the naive bundle. */
  initMs: { lazy: number; eager: number; runs: number };
  lazyClients: LoadedClients;
}

const CHILD_ENV = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // As on Lambda: the region and the function's credentials in the environment (no credential file, no IMDS).
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  DRS_LEDGER_TABLE_PREFIX: TABLE_PREFIX,
};

/** Loads the entry (import() for ESM, require() for CommonJS) and, with an event, answers it; prints ms. */
const CHILD = `
const file = process.argv[1];
const event = process.argv[2] ? JSON.parse(process.argv[2]) : undefined;
const t0 = performance.now();
const load = file.endsWith('.mjs') ? import(require('node:url').pathToFileURL(file).href) : Promise.resolve(require(file));
load.then(async (module) => {
  const initMs = performance.now() - t0;
  const answer = event === undefined ? undefined : await module.handler(event, { functionName: 'execution-handler', awsRequestId: 'bench' });
  const totalMs = performance.now() - t0;
  process.stdout.write('\\n' + JSON.stringify({ initMs, totalMs, statusCode: answer?.statusCode, source: answer?.source }) + '\\n');
  process.exit(0);
});
`;

interface ChildResult {
  initMs: number;
  totalMs: number;
  statusCode?: number;
  source?: string;
}

const runChild = async (file: string, env: Record<string, string>, event?: unknown): Promise<ChildResult> => {
  const args = ['-e', CHILD, file, ...(event === undefined ? [] : [JSON.stringify(event)])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { env: { ...process.env, ...CHILD_ENV, ...env }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
};

/** Interleaved rounds: each round loads every bundle once, in a rotated order, so that load changes hit all alike. */
const interleave = async (
  files: Record<string, string>,
  rounds: number,
  sample: (file: string) => Promise<number>,
  naive: string,
): Promise<Record<string, Timed>> => {
  const names = Object.keys(files);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length] as string;
      samples[name]?.push(await sample(files[name] as string));
    }
  }
  const base = samples[naive] ?? [];
  return Object.fromEntries(
    names.map((name) => {
      const own = samples[name] ?? [];
      return [name, { medianMs: median(own), samplesMs: own, pairedRatios: own.map((value, i) => value / (base[i] ?? NaN)) }];
    }),
  );
};

/** One execution in the ledger, its view not yet written: get_execution_details reads both and catches up. */
const seedExecution = async (endpoint: string): Promise<void> => {
  // DRS_LEDGER_LOCAL: this process's client signs with local credentials (the children read theirs from CHILD_ENV).
  const config = configFromEnv({ ...CHILD_ENV, DYNAMODB_ENDPOINT: endpoint, DRS_LEDGER_LOCAL: 'true' });
  const client = createDynamoDbClient(config);
  try {
    await createTables(client, config.tables);
    const deps = buildDeps(config, new Logger({ serviceName: 'bench', logLevel: 'SILENT' }), { dynamo: client });
    const plan = {
      planId: 'rp-cold-start',
      planName: 'Cold start',
      waves: [1, 2, 3].map((wave) => ({
        waveName: `wave-${wave}`,
        sourceServerIds: Array.from({ length: 8 }, (_, i) => `s-${String(wave * 100 + i).padStart(17, '0')}`),
        pauseBeforeWave: wave === 1,
      })),
    };
    const started = await handleCommand(deps, await deps.store.load(EXECUTION_ID), () => ({
      type: 'StartExecution',
      executionId: EXECUTION_ID,
      plan,
      executionType: 'DRILL',
      initiatedBy: 'bench',
      at: new Date().toISOString(),
    }));
    if (!started.ok) throw new Error(JSON.stringify(started.rejection));
  } finally {
    client.destroy();
  }
};

export const measureColdStart = async (): Promise<ColdStart> => {
  const packaging = await packagingOptions();
  const outdir = mkdtempSync(join(tmpdir(), 'drs-ledger-bundles-'));
  const dynamo = await startEmbeddedDynamo();
  try {
    const bundles: PackagedBundle[] = [];
    for (const [name, entry] of Object.entries(packaging.entries)) {
      bundles.push(await bundleAsPackaged(name, entry, join(outdir, name), packaging.esbuild));
    }
    const naive = await bundleAsPackaged(NAIVE, 'bench/fixtures/eagerHandler.ts', join(outdir, 'naive'), packaging.esbuild);
    // Before issue 17 serverless.yml bundled each function as one CommonJS file: these options, less the ESM ones.
    const { format: _f, splitting: _s, outExtension: _o, mainFields: _m, banner: _b, plugins: _p, ...cjs } = packaging.esbuild;
    const naiveCjs = await bundleAsPackaged(NAIVE_CJS, 'bench/fixtures/eagerHandler.ts', join(outdir, 'naive-cjs'), {
      ...cjs,
      format: 'cjs',
    });
    const all = [...bundles, naive, naiveCjs];
    const init = await interleave(
      Object.fromEntries(all.map((bundle) => [bundle.name, bundle.entryFile])),
      INIT_RUNS,
      async (file) => (await runChild(file, {})).initMs,
      NAIVE,
    );

    await seedExecution(dynamo.endpoint);
    const details = { operation: 'get_execution_details', executionId: EXECUTION_ID };
    const handler = bundles.find((bundle) => bundle.name === 'execution-handler');
    if (!handler) throw new Error('serverless.yml has no execution-handler');
    const firstRequest = await interleave(
      { [handler.name]: handler.entryFile, [NAIVE]: naive.entryFile },
      FIRST_REQUEST_RUNS,
      async (file) => {
        const answer = await runChild(file, { DYNAMODB_ENDPOINT: dynamo.endpoint }, details);
        // A figure for a request that failed would be no figure at all.
        if (answer.statusCode !== 200) throw new Error(`${file}: get_execution_details answered ${String(answer.statusCode)}`);
        return answer.totalMs;
      },
      NAIVE,
    );
    return {
      bundles: all.map(({ name, entryBytes, bytes, zippedBytes }) => ({ name, entryBytes, bytes, zippedBytes })),
      init,
      firstRequest,
      functions: bundles.map((bundle) => bundle.name),
      naive: NAIVE,
      naiveCjs: NAIVE_CJS,
      runs: { init: INIT_RUNS, firstRequest: FIRST_REQUEST_RUNS },
      initMs: { lazy: init['execution-handler']?.medianMs ?? NaN, eager: init[NAIVE]?.medianMs ?? NaN, runs: INIT_RUNS },
      lazyClients: await runLoadedClientsProbe(),
    };
  } finally {
    await dynamo.close();
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** p10-p90 of the paired ratios: how far one round's ratio strays. */
export const ratioSpread = (timed: Timed): [number, number] => [percentile(timed.pairedRatios, 0.1), percentile(timed.pairedRatios, 0.9)];

if (require.main === module) {
  measureColdStart().then(
    (result) => console.log(JSON.stringify(result, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
