import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LoadedClients } from './loadedClientsProbe';

const ROOT = resolve(__dirname, '../..');

/** Bundles loadedClientsProbe.ts (our code bundled, packages external) and runs it in a fresh Node process. */
export const runLoadedClientsProbe = async (): Promise<LoadedClients> => {
  const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-probe-'));
  try {
    const outfile = join(dir, 'probe.js');
    await build({
      entryPoints: [join(ROOT, 'test/support/loadedClientsProbe.ts')],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
    });
    const { stdout } = await promisify(execFile)(process.execPath, [outfile], {
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadedClients;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
