import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');

/** serverless.yml's custom.esbuild: esbuild's own options, and serverless-esbuild's. */
interface EsbuildSection extends Record<string, unknown> {
  exclude?: unknown;
  outputFileExtension?: string;
  plugins?: string;
}

interface ServerlessFile {
  custom: { esbuild: EsbuildSection };
  functions: Record<string, { handler: string }>;
}

/** How serverless-esbuild builds every function: serverless.yml's options, its plugins file loaded. */
export interface PackagingOptions {
  esbuild: BuildOptions;
  /** Each function's entry module, relative to the repository root, by function name. */
  entries: Record<string, string>;
}

export const packagingOptions = async (): Promise<PackagingOptions> => {
  const serverless = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as ServerlessFile;
  // exclude, outputFileExtension and plugins (a file's path) are serverless-esbuild's, not esbuild's.
  const { exclude: _exclude, outputFileExtension, plugins, ...options } = serverless.custom.esbuild;
  const loaded = plugins ? ((await import(join(ROOT, plugins))) as { default: Plugin[] }).default : [];
  return {
    esbuild: {
      ...(options as BuildOptions),
      ...(outputFileExtension && outputFileExtension !== '.js' ? { outExtension: { '.js': outputFileExtension } } : {}),
      plugins: loaded,
    },
    entries: Object.fromEntries(
      Object.entries(serverless.functions).map(([name, fn]) => [name, `${fn.handler.replace(/\.[^.]+$/, '')}.ts`]),
    ),
  };
};

export interface PackagedBundle {
  name: string;
  /** The file Lambda loads (the handler's module). */
  entryFile: string;
  /** Every file of the bundle: the entry and the chunks it may import. */
  files: string[];
  entryBytes: number;
  bytes: number;
  /** Each file deflated at level 1, as osls zips them (zip headers not counted). */
  zippedBytes: number;
  metafile: Metafile;
}

/** Builds `entry` into `outdir` as serverless-esbuild would (one entry per build, as it does). */
export const bundleAsPackaged = async (name: string, entry: string, outdir: string, options: BuildOptions): Promise<PackagedBundle> => {
  const result = await build({ ...options, entryPoints: [join(ROOT, entry)], outdir, metafile: true, logLevel: 'silent' });
  const outputs = Object.entries(result.metafile.outputs);
  // Every import() target is an entry point of its own in the metafile: the function's is the one built from `entry`.
  const entryOutput = outputs.find(([, output]) => output.entryPoint !== undefined && resolve(output.entryPoint) === join(ROOT, entry));
  if (!entryOutput) throw new Error(`${entry}: esbuild wrote no entry`);
  const files = outputs.map(([file]) => resolve(file));
  const size = (file: string) => statSync(file).size;
  return {
    name,
    entryFile: resolve(entryOutput[0]),
    files,
    entryBytes: size(resolve(entryOutput[0])),
    bytes: files.reduce((sum, file) => sum + size(file), 0),
    zippedBytes: files.reduce((sum, file) => sum + deflateRawSync(readFileSync(file), { level: 1 }).length, 0),
    metafile: result.metafile,
  };
};
