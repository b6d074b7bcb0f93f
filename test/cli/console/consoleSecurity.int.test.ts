/**
 * The console's defences, each attack performed: a page of another site that had its own name resolve to
 * 127.0.0.1 (DNS rebinding) gets 421 and nothing read; a cross-site form post, a script's post without the
 * console's header, one from another origin and one naming no origin get 403 CSRF and start nothing, even
 * with a valid session cookie. A body over 64 KB is refused, announced or streamed; a field the action does
 * not take is refused, even one named like an Object member. The page itself allows no inline script, no
 * framing and no sniffing; its bundle is served from the build, or 503 says to build it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { localConsoleBackend } from '../../../src/cli/console/consoleBackend';
import { type ConsoleServer, ConsolePortInUseError, startConsoleServer } from '../../../src/cli/console/consoleServer';
import { ensureUsers, parseUsersSpec } from '../../../src/local/operatorApi/users';
import type { LocalStack } from '../../../src/local/stack';
import { startTestStack, tempDataDir } from '../../support/localStack';
import { type ConsoleReply, consoleGet, consolePost, pageHeaders, rawRequest, signIn } from './consoleClient';

jest.setTimeout(120_000);

const plan: RecoveryPlan = {
  planId: 'rp-console-guarded',
  planName: 'Guarded plan',
  waves: [{ waveName: 'Only', sourceServerIds: ['s-0c0501e00000000fa'] }],
};

describe('the console refuses what a hostile page sends', () => {
  const assetsDir = mkdtempSync(join(tmpdir(), 'drs-ledger-console-assets-'));
  let stack: LocalStack;
  let web: ConsoleServer;
  let unbuilt: ConsoleServer;
  /** The session cookie of a signed-in browser: each forgery below carries it, so the guard refusing it is the one named. */
  let cookie: string;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    ensureUsers(dataDir, parseUsersSpec('alice:drill+recovery+approve'));
    stack = await startTestStack({ dataDir });
    await stack.loadPlans([plan]);
    writeFileSync(join(assetsDir, 'console.js'), 'document.title = "built";\n');
    writeFileSync(join(assetsDir, 'console.css'), 'body { font-size: 16px; }\n');
    web = await startConsoleServer({ port: 0, backend: localConsoleBackend(stack), assetsDir });
    const empty = join(assetsDir, 'empty');
    mkdirSync(empty);
    unbuilt = await startConsoleServer({ port: 0, backend: localConsoleBackend(stack), assetsDir: empty });
    cookie = await signIn(web.loginUrl);
  });
  afterAll(async () => {
    await unbuilt?.close();
    await web?.close();
    await stack?.close();
  });

  const executions = async () => (await stack.deps.store.listExecutions(100)).executions.length;
  const evil = 'http://console.attacker.example';

  it('binds 127.0.0.1 only', () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a rebound host name with 421 and reads nothing for it', async () => {
    const port = new URL(web.url).port;
    // The attacker's page at console.attacker.example:<port>, its name now resolving to 127.0.0.1, reads "its own" origin.
    const rebound = await rawRequest(web.url, '/api/users', { headers: { host: `console.attacker.example:${port}` } });
    expect(rebound.status).toBe(421);
    expect(rebound.body).toMatchObject({ error: 'MISDIRECTED_REQUEST' });
    expect(rebound.text).not.toContain('alice');
    expect((await rawRequest(web.url, '/', { headers: { host: `127.0.0.1:${Number(port) + 1}` } })).status).toBe(421);
    expect((await rawRequest(web.url, '/api/plans', { headers: { host: '127.0.0.1' } })).status).toBe(421);
    // Its own names are answered.
    expect((await rawRequest(web.url, '/api/users', { headers: { host: `localhost:${port}`, cookie } })).status).toBe(200);
    expect((await consoleGet(web.url, '/api/users')).status).toBe(200);
  });

  it('refuses a cross-site form post (no console header) with 403 CSRF and starts nothing', async () => {
    const before = await executions();
    const forged = await rawRequest(web.url, `/api/plans/${plan.planId}/start`, {
      method: 'POST',
      headers: {
        host: new URL(web.url).host,
        origin: evil,
        'content-type': 'text/plain',
        cookie,
      },
      body: JSON.stringify({ as: 'alice', type: 'DRILL' }),
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ error: 'CSRF' });
    expect(await executions()).toBe(before);
  });

  it("refuses the console's header from another origin, from an opaque one, or naming none", async () => {
    const before = await executions();
    for (const origin of [evil, 'null', `http://localhost:${Number(new URL(web.url).port) + 1}`, undefined]) {
      const forged = await rawRequest(web.url, `/api/plans/${plan.planId}/start`, {
        method: 'POST',
        headers: {
          host: new URL(web.url).host,
          ...(origin === undefined ? {} : { origin }),
          'x-drs-ledger-console': '1',
          'content-type': 'application/json',
          cookie,
        },
        body: JSON.stringify({ as: 'alice', type: 'DRILL' }),
      });
      expect({ origin, status: forged.status, error: forged.body.error }).toEqual({ origin, status: 403, error: 'CSRF' });
    }
    expect(await executions()).toBe(before);
  });

  it('takes a post with its header from its own page, and refuses a body it cannot read', async () => {
    expect(await consolePost(web.url, `/api/plans/${plan.planId}/start`, { type: 'NAP' })).toMatchObject({
      status: 400,
      body: { error: 'BAD_REQUEST', message: 'type must be DRILL or RECOVERY' },
    });
    const notJson = await rawRequest(web.url, `/api/plans/${plan.planId}/start`, {
      method: 'POST',
      headers: pageHeaders(web.url),
      body: '{"as": "alice",',
    });
    expect(notJson).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    expect(await executions()).toBe(0);
    expect((await consoleGet(web.url, `/api/plans/${plan.planId}/start`)).status).toBe(405);
    expect((await rawRequest(web.url, '/api/users', { method: 'DELETE', headers: { host: new URL(web.url).host } })).status).toBe(405);
  });

  it('refuses fields named like Object members (constructor, toString) as unknown, and starts nothing', async () => {
    const start = await consolePost(web.url, `/api/plans/${plan.planId}/start`, {
      as: 'alice',
      type: 'DRILL',
      constructor: 'x',
      toString: 5,
    });
    expect(start).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST', message: 'unknown fields constructor, toString' } });
    const proto = await rawRequest(web.url, `/api/executions/no-such-execution/approve`, {
      method: 'POST',
      headers: pageHeaders(web.url),
      body: '{"as":"alice","hasOwnProperty":"x","__proto__":{"waveNumber":2}}',
    });
    expect(proto).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST', message: 'unknown fields hasOwnProperty, __proto__' } });
    expect(await executions()).toBe(0);
  });

  it('refuses a body announced over 64 KB at once, before any of it is sent (Content-Length)', async () => {
    const reply = await announcedOnly(web.url, `/api/plans/${plan.planId}/start`, 1_000_000);
    expect(reply).toMatchObject({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } });
    expect(await executions()).toBe(0);
  });

  it('refuses a streamed body once it passes 64 KB (chunked, no Content-Length), and starts nothing', async () => {
    // Valid JSON whole: were it read to its end, it would be judged (an unknown user), not refused for its size.
    const body = JSON.stringify({ type: 'DRILL', as: 'x'.repeat(70_000) });
    const chunks = body.match(/[\s\S]{1,8192}/g) ?? [];
    const reply = await streamed(web.url, `/api/plans/${plan.planId}/start`, chunks);
    expect(reply).toMatchObject({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } });
    expect(await executions()).toBe(0);
  });

  it('serves the page with no inline script allowed, no framing, no sniffing', async () => {
    const page = await consoleGet(web.url, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.text).toContain('<title>drs-ledger console</title>');
    expect(page.text).toContain('<link rel="stylesheet" href="/assets/console.css">');
    expect(page.text).toContain('<script src="/assets/console.js" defer></script>');
    expect(page.text).toContain('<div id="app"></div>');
    // The only script is the bundle, by URL: nothing inline for the CSP to have to allow.
    expect(page.text.match(/<script/g)).toHaveLength(1);
  });

  it('serves the bundle from the build, and says to build it when it is not there', async () => {
    const script = await consoleGet(web.url, '/assets/console.js');
    expect(script).toMatchObject({ status: 200, text: 'document.title = "built";\n' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await consoleGet(web.url, '/assets/console.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await consoleGet(web.url, '/assets/users.json')).status).toBe(404);
    expect((await consoleGet(web.url, '/assets/..%2Fconsole.js')).status).toBe(404);
    // Names every object has, which a plain object lookup would find: no asset, so 404 (not 503, not a read).
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect({ name, status: (await consoleGet(web.url, `/assets/${name}`)).status }).toEqual({ name, status: 404 });
    expect(await consoleGet(unbuilt.url, '/assets/console.js')).toMatchObject({
      status: 503,
      text: 'console assets not built: run npm run build',
    });
  });

  it('refuses a busy port by name', async () => {
    await expect(startConsoleServer({ port: web.port, backend: localConsoleBackend(stack) })).rejects.toThrow(ConsolePortInUseError);
  });
});

/** A POST that announces `length` bytes and sends none: only a check of Content-Length can answer it. */
const announcedOnly = (baseUrl: string, path: string, length: number): Promise<ConsoleReply> =>
  new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const sent = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...pageHeaders(baseUrl), 'content-length': String(length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          sent.destroy();
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    sent.on('error', reject);
    // Without the Content-Length check the server would wait for the body: that is this test failing, not hanging.
    setTimeout(() => {
      sent.destroy();
      reject(new Error('no answer before the body: the announced length was not checked'));
    }, 5000).unref();
    sent.flushHeaders();
  });

/** A POST whose body is streamed in `chunks` (Transfer-Encoding: chunked), as a client that announces no length sends it. */
const streamed = (baseUrl: string, path: string, chunks: string[]): Promise<ConsoleReply> =>
  new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const sent = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        // Said outright, so that Node never computes a Content-Length for it: the server learns the size only by reading.
        headers: { ...pageHeaders(baseUrl), 'transfer-encoding': 'chunked' },
      },
      (response) => {
        const received: Buffer[] = [];
        response.on('data', (chunk: Buffer) => received.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(received).toString('utf8');
          sent.destroy();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    // The server may answer and stop reading before the last chunk: what is left unsent is no failure.
    sent.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    for (const chunk of chunks) sent.write(chunk);
    sent.end();
  });
