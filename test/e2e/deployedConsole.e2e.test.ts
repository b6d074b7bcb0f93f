/**
 * `drs-ledger --stage <stage> console`: the web console on the operator's own machine over a deployed(-shaped)
 * stack (`serve --stage`), reached only through the SDK's own settings (AWS_ENDPOINT_URL_<SERVICE>) with an
 * operator's key pair as the caller's AWS credentials, as test/e2e/remoteCli.e2e.test.ts reaches it. Each console
 * acts as its caller alone (STS GetCallerIdentity names them), every action signed for the operator API with the
 * caller's credentials: a drill started in alice's console and approved in bob's is recorded under their verified
 * principals; an action without `as` (a direct invocation, unverified) or as anyone else is refused and writes nothing.
 * Each console prints its login link (its key) and answers only a browser signed in with it: the caller's
 * credentials act through it, so another user of the machine must not.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecoveryPlan } from '../../src/domain/plan';
import { type LocalUser, principalArnOf, readUsers } from '../../src/local/operatorApi/users';
import { consoleGet, consolePost, pollUntil, rawRequest, signIn } from '../cli/console/consoleClient';
import { tempDataDir } from '../support/localStack';
import { cliProcess, finished, operatorShell, type Run, type Running, startUntil } from '../support/cliProcess';

jest.setTimeout(110_000);

const ROOT = join(__dirname, '..', '..');
const STAGE = 'console-e2e';
const ALICE = principalArnOf('alice');
const BOB = principalArnOf('bob');

/** The sample plan, its wave 2 approved by another than its starter: alice may approve, but not what she started. */
const plan = (): RecoveryPlan => {
  const sample = JSON.parse(readFileSync(join(ROOT, 'samples', 'three-tier-plan.json'), 'utf8')) as RecoveryPlan;
  return {
    ...sample,
    planId: 'rp-deployed-console',
    waves: sample.waves.map((wave, index) =>
      index === 1 ? { ...wave, approval: { approvers: [ALICE, BOB], excludeStarter: true } } : wave,
    ),
  };
};

interface Endpoints {
  pid: number;
  cloudformation: string;
  dynamodb: string;
  lambda: string;
  s3: string;
  kms: string;
  sts: string;
}

describe('drs-ledger --stage <stage> console: the web console over a deployed stack, acting as the caller', () => {
  const ownerDir = tempDataDir();
  const emptyDir = tempDataDir();
  const planFile = join(tempDataDir(), 'plan.json');
  const planId = plan().planId;
  let serve: Running | undefined;
  let endpoints: Endpoints;
  let users: Record<string, LocalUser>;
  const consoles: Running[] = [];
  let aliceUrl = '';
  let executionId = '';

  /** The SDK's standard settings pointing at the stack (STS too: it names the caller); the user's key pair. */
  const shellOf = (user: string): NodeJS.ProcessEnv => ({
    ...operatorShell(),
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoints.cloudformation,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_KMS: endpoints.kms,
    AWS_ENDPOINT_URL_STS: endpoints.sts,
    AWS_ACCESS_KEY_ID: users[user]?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: users[user]?.secretAccessKey,
  });
  const where = ['--data-dir', emptyDir, '--stage', STAGE, '--region', 'us-east-1'];
  const drsLedger = (user: string, ...args: string[]): Promise<Run> => finished(cliProcess([...where, ...args], shellOf(user)));

  /** `console --port 0` as the user, signed in with the login link it prints (as its user's browser would be). */
  const startConsole = async (user: string): Promise<{ running: Running; url: string; loginUrl: string }> => {
    const running = await startUntil([...where, 'console', '--port', '0'], shellOf(user), 'Ctrl-C stops it.');
    consoles.push(running);
    const printed = /Console \(web\)\s+((http:\/\/127\.0\.0\.1:\d+)\/login\?key=[A-Za-z0-9_-]{43})\n/.exec(running.output());
    const [, loginUrl, url] = printed ?? [];
    if (!loginUrl || !url) throw new Error(`console printed no login link: ${running.output()}`);
    await signIn(loginUrl);
    return { running, url, loginUrl };
  };

  const detailsOf = (url: string) => consoleGet(url, `/api/executions/${executionId}`);
  const ledgerLength = async (url: string): Promise<number> => {
    const feed = await consoleGet(url, `/api/executions/${executionId}/ledger`);
    expect(feed.status).toBe(200);
    return (feed.body.events as unknown[]).length;
  };

  beforeAll(async () => {
    writeFileSync(planFile, JSON.stringify(plan()));
    serve = await startUntil(
      [
        '--data-dir',
        ownerDir,
        'serve',
        '--stage',
        STAGE,
        '--port',
        '0',
        '--speed',
        '200',
        '--users',
        'alice:drill+recovery+approve,bob:drill+approve',
        '--log-level',
        'SILENT',
      ],
      { ...process.env },
      'Ctrl-C stops it.',
    );
    endpoints = JSON.parse(readFileSync(join(ownerDir, 'serve.json'), 'utf8')) as Endpoints;
    expect(endpoints.pid).toBe(serve.child.pid);
    expect(serve.output()).toContain(`AWS_ENDPOINT_URL_STS=${endpoints.sts}`);
    users = Object.fromEntries((readUsers(ownerDir) ?? []).map((user) => [user.name, user]));
    const loaded = await drsLedger('alice', 'plans', 'load', planFile);
    expect(loaded).toMatchObject({ code: 0 });
    aliceUrl = (await startConsole('alice')).url;
  });

  afterAll(async () => {
    for (const running of consoles) await running.stop();
    await serve?.stop();
  });

  it('says who it acts as: the caller alone, by the principal STS names, every right offered and IAM deciding', async () => {
    const output = consoles[0]?.output() ?? '';
    expect(output).toContain(`drs-ledger console for stack drs-ledger-${STAGE} (us-east-1)`);
    expect(output).toContain(`Acting as                   ${ALICE}`);
    const reply = await consoleGet(aliceUrl, '/api/users');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      users: [{ name: 'alice', principalArn: ALICE, rights: ['drill', 'recovery', 'approve'], rightsDecidedBy: 'IAM' }],
    });
    // The plan the CLI loaded into the stack's table, read through the stack's own names.
    const plans = await consoleGet(aliceUrl, '/api/plans');
    expect((plans.body.plans as Array<{ planId: string }>).map((listed) => listed.planId)).toEqual([planId]);
  });

  it('refuses a start without `as` (a direct invocation, unverified) or as anyone else, and writes nothing', async () => {
    expect(await consolePost(aliceUrl, `/api/plans/${planId}/start`, { type: 'DRILL' })).toMatchObject({
      status: 400,
      body: { error: 'DIRECT_INVOCATION_REFUSED', message: expect.stringContaining('act as alice') },
    });
    expect(await consolePost(aliceUrl, `/api/plans/${planId}/start`, { as: 'bob', type: 'DRILL' })).toMatchObject({
      status: 400,
      body: { error: 'UNKNOWN_USER', message: expect.stringContaining(`acts only as alice (${ALICE})`) },
    });
    expect((await consoleGet(aliceUrl, '/api/executions')).body).toEqual({ executions: [] });
  });

  it('starts a drill as alice, signed with her credentials; her approval is refused (separation of duties), and so is an action without `as`', async () => {
    const started = await consolePost(aliceUrl, `/api/plans/${planId}/start`, { as: 'alice', type: 'DRILL' });
    expect(started).toMatchObject({ status: 200, body: { statusCode: 200, status: 'RUNNING' } });
    executionId = String(started.body.executionId);

    const paused = await pollUntil(
      () => detailsOf(aliceUrl),
      (reply) => reply.body.status === 'PAUSED' && reply.body.pendingApproval !== undefined,
      60_000,
    );
    expect(paused.body).toMatchObject({ statusCode: 200, nextWave: 2, initiatedByPrincipal: ALICE });

    // Sent twice at once, identical: signed in the same second, each is still its own request (its request id
    // under the signature), so both are refused by the domain, neither as a replay.
    const approval = { as: 'alice', comment: 'I started it, and I approve it' };
    const refusals = await Promise.all([
      consolePost(aliceUrl, `/api/executions/${executionId}/approve`, approval),
      consolePost(aliceUrl, `/api/executions/${executionId}/approve`, approval),
    ]);
    for (const refused of refusals)
      expect(refused).toMatchObject({
        status: 403,
        body: { error: 'APPROVAL_REFUSED', message: expect.stringContaining('separation of duties') },
      });

    // The pause settles when the state machine's wait attaches its token, an append of its own after the pause.
    await pollUntil(
      () => consoleGet(aliceUrl, `/api/executions/${executionId}/ledger`),
      (feed) => (feed.body.events as Array<{ type: string }>).some((event) => event.type === 'ResumeTokenAttached'),
      60_000,
    );
    const before = await ledgerLength(aliceUrl);
    for (const action of ['resume', 'cancel']) {
      expect(await consolePost(aliceUrl, `/api/executions/${executionId}/${action}`, {})).toMatchObject({
        status: 400,
        body: { error: 'DIRECT_INVOCATION_REFUSED' },
      });
    }
    expect(await ledgerLength(aliceUrl)).toBe(before);
    expect((await detailsOf(aliceUrl)).body).toMatchObject({ status: 'PAUSED' });
  });

  it("approves in bob's own console, signed with his credentials; the drill completes, each act under its principal", async () => {
    const { url: bobUrl } = await startConsole('bob');
    expect((await consoleGet(bobUrl, '/api/users')).body).toEqual({
      users: [{ name: 'bob', principalArn: BOB, rights: ['drill', 'recovery', 'approve'], rightsDecidedBy: 'IAM' }],
    });
    const approved = await consolePost(bobUrl, `/api/executions/${executionId}/approve`, {
      as: 'bob',
      comment: 'Wave 1 checked',
      ticket: 'CHG0012345',
      waveNumber: 2,
    });
    expect(approved).toMatchObject({ status: 200, body: { statusCode: 200 } });
    await pollUntil(
      () => detailsOf(bobUrl),
      (reply) => reply.body.status === 'COMPLETED',
      60_000,
    );

    // The ledger, read by the CLI's own --stage path: alice started it, bob approved it, both verified.
    const events = (await drsLedger('alice', 'events', executionId, '--json')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; actor: string; data: Record<string, unknown> });
    expect(events.find((event) => event.type === 'ExecutionStarted')).toMatchObject({ actor: ALICE });
    expect(events.find((event) => event.type === 'ApprovalRefused')).toMatchObject({ actor: ALICE });
    expect(events.find((event) => event.type === 'ApprovalGranted')).toMatchObject({
      actor: BOB,
      data: expect.objectContaining({ comment: 'Wave 1 checked', ticket: 'CHG0012345' }),
    });

    // The console's own reads of the deployed ledger: the feed verified (the signed digests reached), the report.
    const feed = await consoleGet(aliceUrl, `/api/executions/${executionId}/ledger`);
    expect(feed.body).toMatchObject({ verification: { status: 'VERIFIED' } });
    expect((feed.body.digest as { status: string }).status).not.toBe('NONE');
    const report = await consoleGet(bobUrl, `/reports/${executionId}.md`);
    expect(report).toMatchObject({ status: 200, text: expect.stringContaining('CHG0012345') });
  });

  it("holds the local console's guards: its own Host only, its session, the console's header and origin on a POST, its CSP", async () => {
    const host = new URL(aliceUrl).host;
    expect((await rawRequest(aliceUrl, '/api/users', { headers: { host: 'attacker.example' } })).status).toBe(421);
    // Another user of the machine, without the link alice's console printed: nothing read, nothing started.
    expect(await rawRequest(aliceUrl, '/api/executions', { headers: { host } })).toMatchObject({
      status: 401,
      body: { error: 'SIGN_IN_REQUIRED' },
    });
    const unsigned = await rawRequest(aliceUrl, `/api/plans/${planId}/start`, {
      method: 'POST',
      headers: { host, origin: aliceUrl, 'x-drs-ledger-console': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ as: 'alice', type: 'DRILL' }),
    });
    expect(unsigned).toMatchObject({ status: 401, body: { error: 'SIGN_IN_REQUIRED' } });
    const wrongKey = await rawRequest(aliceUrl, '/login?key=guessed', { headers: { host } });
    expect(wrongKey).toMatchObject({ status: 401, body: { error: 'SIGN_IN_FAILED' } });
    expect(wrongKey.headers['set-cookie']).toBeUndefined();
    const forged = await rawRequest(aliceUrl, `/api/plans/${planId}/start`, {
      method: 'POST',
      headers: { host, 'content-type': 'application/json' },
      body: JSON.stringify({ as: 'alice', type: 'DRILL' }),
    });
    expect(forged).toMatchObject({ status: 403, body: { error: 'CSRF' } });
    const crossSite = await rawRequest(aliceUrl, `/api/plans/${planId}/start`, {
      method: 'POST',
      headers: { host, origin: 'https://attacker.example', 'x-drs-ledger-console': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ as: 'alice', type: 'DRILL' }),
    });
    expect(crossSite).toMatchObject({ status: 403, body: { error: 'CSRF' } });
    const page = await consoleGet(aliceUrl, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    // None of the forged starts ran: the one execution is the drill above.
    expect((await consoleGet(aliceUrl, '/api/executions')).body.executions).toHaveLength(1);
  });

  it('stops cleanly on SIGTERM; nothing was written to the data folder it was given', async () => {
    const bob = consoles.pop() as Running;
    const stopped = await bob.stop();
    expect(stopped.code).toBe(0);
    expect(bob.output()).toContain('Stopping…');
    mkdirSync(emptyDir, { recursive: true });
    expect(readdirSync(emptyDir)).toEqual([]);
    expect(existsSync(join(emptyDir, 'serve.json'))).toBe(false);
  });

  it('without --stage, says that the local console comes with serve (exit 2)', async () => {
    const run = await finished(cliProcess(['--data-dir', emptyDir, 'console', '--port', '0'], operatorShell()));
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain("The local stack's console comes with `drs-ledger serve`");
  });
});
