import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's headless-capable Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails, never skips, when Chromium is missing: CI installs it (.ci/run), and so must a developer. */
export const requireChromium = (): void => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The report screenshot test needs headless Chromium at ${CHROMIUM}, which is missing. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (Debian), or set CHROMIUM_PATH. ' +
        `${process.env.CI === 'true' ? 'CI must install it before running the tests (.ci/run).' : 'The test fails rather than skip so that the report is always checked.'}`,
    );
  }
};

/** Flags that keep a headless run offline, sandbox-free (as root in a container) and reproducible. */
export const baseFlags = (userDataDir: string): string[] => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--user-data-dir=${userDataDir}`,
];

export const run = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 90_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`chromium ${args.slice(-2).join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });

export const freshProfile = (): string => mkdtempSync(join(tmpdir(), 'drs-ledger-chromium-'));

export const screenshot = async (htmlPath: string, pngPath: string, size: { width: number; height: number }): Promise<void> => {
  await run([
    ...baseFlags(freshProfile()),
    `--screenshot=${pngPath}`,
    `--window-size=${size.width},${size.height}`,
    pathToFileURL(htmlPath).href,
  ]);
};

/** The DOM after Chromium parsed and laid out the page. */
export const dumpDom = (htmlPath: string): Promise<string> =>
  run([...baseFlags(freshProfile()), '--dump-dom', pathToFileURL(htmlPath).href]);
