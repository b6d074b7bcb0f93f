import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../packageRoot';
import { type Answer, text } from './httpKit';

/** Where esbuild writes the console's bundle (scripts/build.mjs): console.js and console.css. */
export const defaultAssetsDir = (): string => join(packageRoot(), 'dist', 'console');

/** The page: the bundle's script and style by URL (the CSP forbids inline script), the app drawn into #app. */
export const INDEX_HTML = [
  '<!doctype html>',
  '<html lang="en">',
  '<head>',
  '<meta charset="utf-8">',
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
  '<title>drs-ledger console</title>',
  '<link rel="stylesheet" href="/assets/console.css">',
  '<script src="/assets/console.js" defer></script>',
  '</head>',
  '<body>',
  '<div id="app"></div>',
  '<noscript>The drs-ledger console needs JavaScript; the CLI (drs-ledger status, events, report) shows the same.</noscript>',
  '</body>',
  '</html>',
  '',
].join('\n');

export const indexPage = (): Answer => ({ status: 200, contentType: 'text/html; charset=utf-8', body: INDEX_HTML });

const ASSETS: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** The bundle's two files, read from disk on each request (a rebuild shows on reload); none other is served. */
export const asset = async (assetsDir: string, name: string): Promise<Answer | undefined> => {
  // Own names only: `__proto__` or `constructor` would find Object.prototype's members and read no file.
  if (!Object.hasOwn(ASSETS, name)) return undefined;
  const contentType = ASSETS[name] as string;
  try {
    return { status: 200, contentType, body: await readFile(join(assetsDir, name)), cache: 'no-cache' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return text(503, 'console assets not built: run npm run build');
    throw error;
  }
};
