// Bundles the CLI into dist/cli.js and the web console into dist/console/ (both git-ignored). The CLI's
// dependencies stay in node_modules; the console is one script and one stylesheet with everything in them, so
// that the browser fetches nothing but what `serve` hands it. `npm ci` runs this through the `prepare` script,
// so `drs-ledger` and its console work right after install.
import { build } from 'esbuild';

await Promise.all([
  build({
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  }),
  build({
    entryPoints: [
      { in: 'src/console/main.ts', out: 'console' },
      { in: 'src/console/console.css', out: 'console' },
    ],
    outdir: 'dist/console',
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    minify: true,
    // The browser's program has its own tsconfig (DOM, no Node types).
    tsconfig: 'src/console/tsconfig.json',
    logLevel: 'warning',
  }),
]);
