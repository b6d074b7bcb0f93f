import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * aws-models/ at the repository's root, found by walking up from this file: it is
 * src/local/emulators/models/ under jest and tsx, and dist/ once esbuild has bundled the CLI.
 */
export const awsModelsDirectory = (): string => {
  for (let directory = __dirname; ; directory = dirname(directory)) {
    const candidate = join(directory, 'aws-models');
    if (existsSync(join(candidate, 'SOURCE.json'))) return candidate;
    if (dirname(directory) === directory) throw new Error(`aws-models/SOURCE.json not found above ${__dirname}`);
  }
};
