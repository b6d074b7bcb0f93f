/**
 * The web console as operators use it, in a real browser (puppeteer-core driving Debian's headless Chromium at
 * 1280×800) against a real `serve` in another process: alice opens the plan and starts a drill, watches its servers
 * launch, is refused approving her own drill, bob approves the pause before wave 2 with a comment and a ticket, the
 * drill completes with its ledger verified, and its evidence report opens. Everything goes through the UI's
 * data-testids, as a person would click; the ledger, read by the CLI, names alice and bob by their principals.
 *
 * The running drill's screenshot is kept in test-artifacts/ (git-ignored) and its layout checked: every wave and
 * server cell inside the viewport, no text cut off. A failure leaves a screenshot and the page's HTML there too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import type { RecoveryPlan } from '../../src/domain/plan';
import { principalArnOf } from '../../src/local/operatorApi/users';
import { CHROMIUM } from '../audit/support/chromium';
import { runCli } from '../support/cli';
import { type Running, startUntil } from '../support/cliProcess';
import { tempDataDir } from '../support/localStack';
import {
  actAs,
  attributeOf,
  type BrowserTrouble,
  chosenUser,
  clearField,
  currentHash,
  gridPlacements,
  isDisabled,
  launchBrowser,
  linkOf,
  markElement,
  rowTextOf,
  serverStatuses,
  settle,
  showingFailures,
  testId,
  textOf,
  WAIT,
  waitForDisabled,
  waitForHash,
  waitForText,
  watchTrouble,
} from './support/consoleBrowser';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const ALICE = principalArnOf('alice');
const BOB = principalArnOf('bob');
/** The CLI's server symbols: not started, pending, launching, launched, failed. */
const SERVER_GLYPHS = ['·', '○', '◐', '●', '✗'];

/**
 * A wave name that is markup: shown as text everywhere (grid, plan page, timeline, report), it runs nothing. Were it
 * parsed, the strict policy would refuse the handler and log it, and the page's flag would be set without one.
 */
const HOSTILE_WAVE_NAME = 'Web Tier <img src=x onerror="window.__drsXss=1">';

/** The sample plan, its wave 2 waiting for bob's approval (and never its starter's), its wave 3 named in markup. */
const approvedPlan = (): RecoveryPlan => {
  const sample = JSON.parse(readFileSync(join(ROOT, 'samples', 'three-tier-plan.json'), 'utf8')) as RecoveryPlan;
  return {
    ...sample,
    waves: sample.waves.map((wave, index) =>
      index === 1
        ? { ...wave, approval: { approvers: [BOB], excludeStarter: true } }
        : index === 2
          ? { ...wave, waveName: HOSTILE_WAVE_NAME }
          : wave,
    ),
  };
};

/** Whether anything the page was given ran as script (the hostile name's handler sets it). */
const injected = (page: Page): Promise<unknown> => page.evaluate(() => (globalThis as { __drsXss?: unknown }).__drsXss);

const startServe = (dataDir: string): Promise<Running> =>
  startUntil(
    [
      '--data-dir',
      dataDir,
      'serve',
      '--port',
      '0',
      '--users',
      'alice:drill+recovery+approve,bob:drill+approve',
      '--speed',
      '200',
      '--log-level',
      'SILENT',
    ],
    process.env,
    'Ctrl-C stops it.',
  );

describe('the web console, in a browser, through a whole drill with an approval', () => {
  const dataDir = tempDataDir();
  const plan = approvedPlan();
  const serverIds = plan.waves.flatMap((wave) => wave.sourceServerIds);
  let serve: Running | undefined;
  let consoleUrl: string;
  /** The sign-in link serve printed, also kept in console.json (0600): the key the browser trades for its session. */
  let loginUrl: string;
  let signedIn = false;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let trouble: BrowserTrouble;
  let executionId: string;
  const open = () => page as Page;
  const step = (body: () => Promise<void>) => showingFailures(ARTIFACTS, () => page, body);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The console's browser test needs headless Chromium at ${CHROMIUM}: install it (\`apt-get install -y chromium\`, as .ci/run does) or set CHROMIUM_PATH.`,
      );
    }
    // The console's bundle as the source stands now (npm ci builds it too; a stale one would test old code).
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
    for (const asset of ['console.js', 'console.css']) {
      if (!existsSync(join(ROOT, 'dist', 'console', asset))) throw new Error(`npm run build did not produce dist/console/${asset}`);
    }

    serve = await startServe(dataDir);
    const published = JSON.parse(readFileSync(join(dataDir, 'serve.json'), 'utf8')) as { console?: unknown };
    if (typeof published.console !== 'string') throw new Error(`serve.json publishes no console: ${JSON.stringify(published)}`);
    consoleUrl = published.console.replace(/\/$/, '');
    loginUrl = (JSON.parse(readFileSync(join(dataDir, 'console.json'), 'utf8')) as { loginUrl: string }).loginUrl;

    const planFile = join(dataDir, 'approved-plan.json');
    writeFileSync(planFile, JSON.stringify(plan, null, 2));
    const loaded = await runCli('--data-dir', dataDir, 'plans', 'load', planFile);
    if (loaded.code !== 0) throw new Error(`plans load failed (${loaded.code}): ${loaded.stderr}${loaded.stdout}`);

    browser = await launchBrowser();
    page = await browser.newPage();
    // The errors this test provokes: reads before signing in (401), and alice's own approval, refused with 403.
    trouble = watchTrouble(
      page,
      consoleUrl,
      (url, text) => (!signedIn && text.includes('401')) || (/\/api\/executions\/[^/]+\/approve$/.test(url) && text.includes('403')),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('serve prints and publishes the console, on 127.0.0.1', () => {
    expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve?.output()).toContain(`${consoleUrl}/`);
  });

  it(
    'alice opens the plan, sees its waves and approval rule, and starts a drill',
    step(async () => {
      // Without its key the console shows nothing: every read is refused, and the page says how to sign in.
      await open().goto(`${consoleUrl}/#/plans`, { waitUntil: 'domcontentloaded' });
      await waitForText(open(), 'body', /Not signed in/);
      expect(await open().$(`${testId('plans')} a`)).toBeNull();
      // The printed link signs in and lands on the console.
      expect(serve?.output()).toContain(loginUrl);
      await open().goto(loginUrl, { waitUntil: 'domcontentloaded' });
      signedIn = true;
      expect(open().url()).toBe(`${consoleUrl}/`);
      const index = await open().goto(`${consoleUrl}/`, { waitUntil: 'domcontentloaded' });
      // The page runs under the strict policy (no inline script, nothing from elsewhere): a refusal would be logged.
      expect(index?.headers()['content-security-policy']).toContain("default-src 'self'");
      expect(index?.headers()['x-content-type-options']).toBe('nosniff');
      expect(await open().title()).toBe('drs-ledger console');
      await open().waitForSelector(`${testId('user-picker')} option`, WAIT);
      await actAs(open(), 'alice');

      const planLink = `${testId('plans')} a[href="#/plans/${plan.planId}"]`;
      await open().waitForSelector(planLink, WAIT);
      // The bare console is the plans page: following "Plans" from it keeps the loaded rows, not a blank reload.
      await markElement(open(), testId('plans'), 'before');
      await open().click('nav a[href="#/plans"]');
      await waitForHash(open(), /^#\/plans$/);
      await settle(open());
      expect(await attributeOf(open(), testId('plans'), 'data-test-mark')).toBe('before');
      expect(await textOf(open(), testId('plans'))).toContain(plan.planName);
      await open().click(planLink);

      await open().waitForSelector(testId('plan-waves'), WAIT);
      const planPage = await textOf(open(), testId('plan-waves'));
      for (const wave of plan.waves) expect(planPage).toContain(wave.waveName);
      expect(await injected(open())).toBeUndefined();
      expect(planPage).toContain(BOB);
      // alice holds the recovery right, bob does not: the button follows the chosen user.
      expect(await isDisabled(open(), testId('start-recovery'))).toBe(false);
      await actAs(open(), 'bob');
      await waitForDisabled(open(), testId('start-recovery'), true);
      await actAs(open(), 'alice');
      await waitForDisabled(open(), testId('start-recovery'), false);

      await open().click(testId('start-drill'));
      await waitForHash(open(), /^#\/executions\/[^/]+$/);
      executionId = decodeURIComponent((await currentHash(open())).slice('#/executions/'.length));
      await open().waitForSelector(testId('execution-status'), WAIT);
      expect(await attributeOf(open(), testId('execution-status'), 'aria-live')).toBe('polite');
    }),
  );

  it(
    'the running drill shows its servers launching, every wave and server inside 1280×800 and unclipped',
    step(async () => {
      await open().waitForSelector(`${testId('wave-grid')} [data-testid^="server-"][data-status="LAUNCHED"]`, WAIT);
      await open().screenshot({ path: join(ARTIFACTS, 'console-running-drill.png') });

      const placements = await gridPlacements(open());
      const waves = placements.filter((placed) => placed.testId.startsWith('wave-'));
      const cells = placements.filter((placed) => placed.testId.startsWith('server-'));
      expect(waves.map((wave) => wave.testId)).toEqual(plan.waves.map((_, index) => `wave-${index + 1}`));
      expect(cells.map((cell) => cell.testId).sort()).toEqual(serverIds.map((id) => `server-${id}`).sort());
      expect(placements.filter((placed) => placed.problems.length > 0)).toEqual([]);
      plan.waves.forEach((wave, index) => expect(waves[index]?.text).toContain(wave.waveName));
      // Never colour alone: each cell carries the CLI's symbol for its status, and words.
      for (const cell of cells) {
        expect(cell.status).toMatch(/^[A-Z_]+$/);
        expect(SERVER_GLYPHS.filter((glyph) => cell.text.includes(glyph))).toHaveLength(1);
        expect(cell.text).toMatch(/[A-Za-z]{3}/);
      }
      expect(await textOf(open(), testId('execution-status'))).toMatch(/RUNNING|PAUSED/);
    }),
  );

  it(
    'the pause before wave 2 awaits bob; alice’s own approval is refused, and the page says so',
    step(async () => {
      await open().waitForSelector(testId('pause-panel'), WAIT);
      await waitForText(open(), testId('execution-status'), /PAUSED/);
      const panel = await textOf(open(), testId('pause-panel'));
      expect(panel).toMatch(/Application Tier|wave 2/);
      expect(panel).toContain(BOB);

      await open().type(testId('comment'), 'approving my own drill');
      await open().click(testId('approve'));
      await waitForText(open(), testId('action-result'), /APPROVAL_REFUSED|refused/i);
      expect(await attributeOf(open(), testId('action-result'), 'role')).toBe('status');
      expect(await textOf(open(), testId('execution-status'))).toContain('PAUSED');
    }),
  );

  it(
    'bob approves with a comment and a ticket; the drill completes, its ledger verified, its report a drill’s evidence',
    step(async () => {
      await actAs(open(), 'bob');
      await clearField(open(), testId('comment'));
      await open().type(testId('comment'), 'Databases checked by bob');
      await open().type(testId('ticket'), 'CHG0042');
      // By keyboard this time: from the ticket field, Tab reaches the approve button (a real, focusable control,
      // in reading order), and Enter presses it; no mouse.
      let reached = false;
      for (let presses = 0; presses < 5 && !reached; presses += 1) {
        await open().keyboard.press('Tab');
        reached = await open().$eval(
          testId('approve'),
          (button) => button === (button.ownerDocument as { activeElement: unknown }).activeElement,
        );
      }
      expect(reached).toBe(true);
      await open().keyboard.press('Enter');

      await waitForText(open(), testId('execution-status'), /COMPLETED/);
      // The chain verified, and its end sealed in a signed digest that vouches for the head (the writer seals an
      // end at once): nothing less is the badge an auditor is shown.
      await waitForText(open(), testId('verification'), /VERIFIED.*VOUCHED/);
      const verification = await textOf(open(), testId('verification'));
      expect(verification).toMatch(/^\s*✔/);
      expect(verification).not.toMatch(/BROKEN|TAMPERED|UNSEALED/);
      await open().waitForSelector(`${testId('timeline')} svg`, WAIT);
      // The hostile wave name, shown as text in the grid and in the timeline, ran nothing.
      expect(await textOf(open(), testId('wave-3'))).toContain(HOSTILE_WAVE_NAME);
      expect(await textOf(open(), testId('timeline'))).toContain(HOSTILE_WAVE_NAME);
      expect(await injected(open())).toBeUndefined();
      expect(await textOf(open(), testId('ledger'))).toContain('ApprovalGranted');
      expect(await serverStatuses(open())).toEqual(serverIds.map(() => 'LAUNCHED'));

      // The chosen user outlives a reload (kept in localStorage).
      await open().reload({ waitUntil: 'domcontentloaded' });
      await open().waitForSelector(`${testId('user-picker')} option`, WAIT);
      expect(await chosenUser(open())).toMatch(/^bob/);

      await open().waitForSelector(testId('report-html'), WAIT);
      const report = await linkOf(open(), testId('report-html'));
      expect(report).toBe(`${consoleUrl}/reports/${encodeURIComponent(executionId)}.html`);
      // Clicked in the page, on the link as it is at that instant: the page re-renders as the drill's cleanup goes
      // on, and a mouse click aimed at where the link was measured can land after it was replaced (CI, once).
      await Promise.all([
        open().waitForNavigation({ waitUntil: 'load', ...WAIT }),
        open().$eval(testId('report-html'), (link) => (link as { click(): void }).click()),
      ]);
      expect(open().url()).toBe(report);
      expect(await open().title()).toMatch(/DRS drill evidence: Production DR Plan$/);
      expect(await textOf(open(), 'header.masthead')).toContain('Drill evidence report');
      expect(await textOf(open(), 'body')).toContain(HOSTILE_WAVE_NAME);
      expect(await injected(open())).toBeUndefined();
    }),
  );

  it(
    'the executions list shows the drill completed, started by alice, and leads back to it',
    step(async () => {
      await open().goto(`${consoleUrl}/#/executions`, { waitUntil: 'domcontentloaded' });
      const link = `${testId('executions')} a[href="#/executions/${encodeURIComponent(executionId)}"]`;
      await open().waitForSelector(link, WAIT);
      const row = await rowTextOf(open(), link);
      expect(row).toContain('COMPLETED');
      expect(row).toContain(plan.planId);
      expect(row).toContain('DRILL');
      expect(row).toContain(ALICE);
      await open().click(link);
      await waitForText(open(), testId('execution-status'), /COMPLETED/);
      expect(await currentHash(open())).toBe(`#/executions/${encodeURIComponent(executionId)}`);
    }),
  );

  it('throughout, the pages fetched nothing from another origin and logged no error (a refused inline script or style included)', () => {
    expect(trouble.foreignRequests).toEqual([]);
    expect(trouble.errors).toEqual([]);
  });

  it('the ledger, read by the CLI, names alice as the starter and bob as the approver, by their principals', async () => {
    const events = await runCli('--data-dir', dataDir, 'events', executionId, '--json');
    expect(events.code).toBe(0);
    const recorded = events.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; actor: string; data: Record<string, unknown> });
    const ofType = (type: string) => recorded.filter((event) => event.type === type);
    expect(ofType('ExecutionStarted')).toEqual([expect.objectContaining({ actor: ALICE })]);
    expect(ofType('ApprovalRefused')).toEqual([expect.objectContaining({ actor: ALICE })]);
    expect(ofType('ApprovalGranted')).toEqual([
      expect.objectContaining({
        actor: BOB,
        data: expect.objectContaining({ waveNumber: 2, comment: 'Databases checked by bob', ticket: 'CHG0042' }),
      }),
    ]);
    expect(ofType('Finalized')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ successfulServers: serverIds.length, failedServers: 0 }) }),
    ]);
  });
});

describe('the layout check the console is held to', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it('flags a cell cut by an ellipsis, text spilling out of its cell and a wave below the fold; not text kept for screen readers', async () => {
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setContent(`<!DOCTYPE html><body style="margin:0">
      <section data-testid="wave-grid">
        <section data-testid="wave-1"><h3>Wave 1</h3><ul style="list-style:none;display:flex;gap:8px">
          <li data-testid="server-whole" style="width:220px">● Launched db-primary</li>
          <li data-testid="server-ellipsis" style="width:80px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis">● Launched db-replica-1</li>
          <li data-testid="server-spilling" style="width:80px;white-space:nowrap">● Launched db-replica-2</li>
          <li data-testid="server-read-aloud" style="width:220px;position:relative">● <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap">Launched, the words a screen reader says</span> db-cache</li>
        </ul></section>
        <section data-testid="wave-2" style="margin-top:900px"><h3>Wave 2</h3><ul><li data-testid="server-below">● Launched web-1</li></ul></section>
      </section></body>`);

    const placements = await gridPlacements(page);

    expect(placements.map((placed) => placed.testId)).toEqual([
      'wave-1',
      'server-whole',
      'server-ellipsis',
      'server-spilling',
      'server-read-aloud',
      'wave-2',
      'server-below',
    ]);
    const flagged = Object.fromEntries(placements.map((placed) => [placed.testId, placed.problems]));
    expect(flagged['server-whole']).toEqual([]);
    expect(flagged['server-read-aloud']).toEqual([]);
    expect(flagged['server-ellipsis']).toEqual(
      expect.arrayContaining([expect.stringMatching(/^<li> "● Launched db-replica-1" overflows its box/)]),
    );
    expect(flagged['server-spilling']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^<li> .* overflows its box/),
        expect.stringMatching(/^text "● Launched db-replica-2" at .* outside /),
      ]),
    );
    // The wave holding them is flagged for them too: a wave is read whole or not at all.
    expect(flagged['wave-1']?.length).toBeGreaterThan(0);
    expect(flagged['wave-2']).toEqual(expect.arrayContaining([expect.stringMatching(/outside the viewport 0,0–1280,800$/)]));
    expect(flagged['server-below']).toEqual(expect.arrayContaining([expect.stringMatching(/outside the viewport/)]));
  });
});
