// Bundles the CLI into dist/cli.js (git-ignored). Dependencies stay in node_modules; `npm ci` runs this
// through the `prepare` script, so `drs-ledger` works right after install.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
