import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder of drs-ledger's package.json, from the source tree or the bundled dist/cli.js alike. */
export const packageRoot = (): string => {
  let folder = __dirname;
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'drs-ledger') return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error('drs-ledger package.json not found above ' + __dirname);
    folder = parent;
  }
};

export const SAMPLE_PLAN = () => join(packageRoot(), 'samples', 'three-tier-plan.json');
export const SAMPLE_INVENTORY = () => join(packageRoot(), 'samples', 'source-servers.json');
