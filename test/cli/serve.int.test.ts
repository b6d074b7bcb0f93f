/** `drs-ledger serve` on a port already taken says so and exits 2, leaving nothing behind. */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';

describe('drs-ledger serve', () => {
  let blocker: Server;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('refuses a busy port with a clear message', async () => {
    const { port } = blocker.address() as AddressInfo;
    const dataDir = tempDataDir();
    const run = await runCli('--data-dir', dataDir, 'serve', '--port', String(port));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Port ${port} is already in use`);
    expect(existsSync(join(dataDir, 'serve.json'))).toBe(false);
  });
});
