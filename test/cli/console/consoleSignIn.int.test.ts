/**
 * Only the holder of the console's login link acts through it. Another user of the machine reaches 127.0.0.1 as
 * well: without the session cookie the login link sets (or with a wrong or an earlier run's one), every request
 * for data or an action gets 401 SIGN_IN_REQUIRED, reads nothing and writes nothing. A wrong key at /login gets
 * no cookie; the right one gets an HttpOnly, SameSite=Strict cookie and a redirect off the key. The link is kept
 * in the data folder's console.json, owner-only, and gone when the console stops.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { consoleFile } from '../../../src/cli/console/consoleFile';
import { type ConsoleServer, startStackConsole } from '../../../src/cli/console/stackConsole';
import { ensureUsers, parseUsersSpec } from '../../../src/local/operatorApi/users';
import type { LocalStack } from '../../../src/local/stack';
import { startTestStack, tempDataDir, waitForSettledPause } from '../../support/localStack';
import { startConsoleServer } from '../../../src/cli/console/consoleServer';
import { localConsoleBackend } from '../../../src/cli/console/consoleBackend';
import { consoleGet, consolePost, cookieOf, rawRequest, signIn } from './consoleClient';

jest.setTimeout(120_000);

const plan: RecoveryPlan = {
  planId: 'rp-console-signin',
  planName: 'Signed-in plan',
  waves: [
    { waveName: 'First', sourceServerIds: ['s-0c0501e00000000c1'] },
    { waveName: 'Second', sourceServerIds: ['s-0c0501e00000000c2'], pauseBeforeWave: true },
  ],
};

describe('the console answers only a browser signed in with its login link', () => {
  const dataDir = tempDataDir();
  let stack: LocalStack;
  let web: ConsoleServer;
  let stopped = false;
  let executionId: string;

  beforeAll(async () => {
    ensureUsers(dataDir, parseUsersSpec('alice:drill+recovery+approve'));
    stack = await startTestStack({ dataDir });
    await stack.loadPlans([plan]);
    web = await startStackConsole(stack, 0);
    await signIn(web.loginUrl);
    const started = await consolePost(web.url, `/api/plans/${plan.planId}/start`, { as: 'alice', type: 'DRILL' });
    expect(started.status).toBe(200);
    executionId = String(started.body.executionId);
    // Paused before its second wave and settled: its ledger moves only when someone acts.
    await waitForSettledPause(stack, executionId);
  });
  afterAll(async () => {
    if (!stopped) await web?.close();
    await stack?.close();
  });

  const host = () => new URL(web.url).host;
  const executions = async () => (await stack.deps.store.listExecutions(100)).executions.length;
  const ledgerLength = async () => (await stack.deps.store.read(executionId)).length;
  const reads = () => [
    '/api/users',
    '/api/plans',
    '/api/executions',
    `/api/executions/${executionId}`,
    `/api/executions/${executionId}/ledger`,
    `/api/executions/${executionId}/timeline`,
    `/reports/${executionId}.html`,
    `/reports/${executionId}.json`,
  ];

  it('keeps the login link in console.json, readable by its owner only, and it has a fresh 32-byte key', () => {
    expect(web.loginUrl).toMatch(new RegExp(`^${web.url}/login\\?key=[A-Za-z0-9_-]{43}$`));
    const file = consoleFile(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: web.url, loginUrl: web.loginUrl });
  });

  it.each([
    ['no cookie', undefined],
    ['a forged cookie', (port: number) => `drs-ledger-console-${port}=${'A'.repeat(43)}`],
  ])('with %s, refuses every read with 401 SIGN_IN_REQUIRED and shows no data', async (_, cookieFor) => {
    const cookie = cookieFor?.(web.port);
    for (const path of reads()) {
      const reply = await rawRequest(web.url, path, { headers: { host: host(), ...(cookie ? { cookie } : {}) } });
      expect({ path, status: reply.status, error: reply.body.error }).toEqual({ path, status: 401, error: 'SIGN_IN_REQUIRED' });
      expect(reply.body.message).toContain('open the link drs-ledger serve printed');
      expect(reply.text).not.toContain('alice');
      expect(reply.text).not.toContain(plan.planName);
    }
  });

  it("refuses every action without the session (the review's repro: an approval from another shell), and writes nothing", async () => {
    const before = { executions: await executions(), ledger: await ledgerLength() };
    // Everything the page sends but its session: the console's header, its own Host and Origin.
    const forged = { host: host(), origin: web.url, 'x-drs-ledger-console': '1', 'content-type': 'application/json' };
    for (const headers of [forged, { ...forged, cookie: `drs-ledger-console-${web.port}=not-the-session` }]) {
      const start = await rawRequest(web.url, `/api/plans/${plan.planId}/start`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ as: 'alice', type: 'RECOVERY' }),
      });
      expect(start).toMatchObject({ status: 401, body: { error: 'SIGN_IN_REQUIRED' } });
      for (const action of ['pause', 'resume', 'approve', 'decline', 'cancel']) {
        const acted = await rawRequest(web.url, `/api/executions/${executionId}/${action}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ as: 'alice', comment: 'x', ticket: 'CHG-1', waveNumber: 2 }),
        });
        expect({ action, status: acted.status, error: acted.body.error }).toEqual({ action, status: 401, error: 'SIGN_IN_REQUIRED' });
      }
    }
    expect({ executions: await executions(), ledger: await ledgerLength() }).toEqual(before);
  });

  it('gives no cookie for a wrong, missing or near-miss key at /login (401), and takes none of them as a session', async () => {
    const rightKey = new URL(web.loginUrl).searchParams.get('key') ?? '';
    for (const search of ['?key=wrong', '', '?key=', `?key=${rightKey.slice(0, -1)}`, `?key=${rightKey}x`]) {
      const reply = await rawRequest(web.url, `/login${search}`, { headers: { host: host() } });
      expect({ search, status: reply.status, error: reply.body.error }).toEqual({ search, status: 401, error: 'SIGN_IN_FAILED' });
      expect(reply.headers['set-cookie']).toBeUndefined();
      expect(reply.text).not.toContain(rightKey);
    }
    // The key itself is no session either: only the cookie the link sets opens the API.
    const keyAsCookie = await rawRequest(web.url, '/api/users', {
      headers: { host: host(), cookie: `drs-ledger-console-${web.port}=${rightKey}` },
    });
    expect(keyAsCookie.status).toBe(401);
  });

  it('signs in with the right key: an HttpOnly, SameSite=Strict, Path=/ cookie and a 303 to the page, off the key', async () => {
    const login = new URL(web.loginUrl);
    const reply = await rawRequest(web.url, `${login.pathname}${login.search}`, { headers: { host: host() } });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    const setCookie = String(reply.headers['set-cookie']);
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    expect(pair).toMatch(new RegExp(`^drs-ledger-console-${web.port}=[A-Za-z0-9_-]{43}$`));
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    // The session is not the key: a cookie seen (in a browser's store, say) does not give the link away.
    expect(pair).not.toContain(login.searchParams.get('key'));
    const users = await rawRequest(web.url, '/api/users', { headers: { host: host(), cookie: cookieOf(reply) ?? '' } });
    expect(users).toMatchObject({ status: 200, body: { users: [expect.objectContaining({ name: 'alice' })] } });
  });

  it('serves the page and its bundle to anyone (they hold no data), so the page can say to sign in', async () => {
    const page = await rawRequest(web.url, '/', { headers: { host: host() } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="app"></div>');
    expect((await rawRequest(web.url, '/assets/console.js', { headers: { host: host() } })).status).not.toBe(401);
  });

  it("does not take another console's session (another run's, say)", async () => {
    const other = await startConsoleServer({ port: 0, backend: localConsoleBackend(stack) });
    try {
      const cookie = await signIn(other.loginUrl);
      const [, session] = cookie.split('=');
      const reply = await rawRequest(web.url, '/api/users', {
        headers: { host: host(), cookie: `drs-ledger-console-${web.port}=${session}` },
      });
      expect(reply.status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('removes console.json when it stops', async () => {
    expect((await consoleGet(web.url, '/api/users')).status).toBe(200);
    stopped = true;
    await web.close();
    expect(existsSync(consoleFile(dataDir))).toBe(false);
  });
});
