/**
 * The web console watching the largest plan there may be (20 waves of 200 servers): what its execution page
 * asks of the server while a drill runs (requests and bytes a minute, by route), what it costs the browser
 * (long tasks, DOM nodes), and what one update of the grid of 4,000 cells costs and writes.
 *
 *   npx tsx bench/consoleLoad.ts [--seconds 60] [--before <a copy of src/console>] [--grid-only]
 *
 * Each console source (the working tree's, and the copy named by --before) gets its own `serve --speed 100`, its
 * own drill and its own headless Chromium, one after the other, against the same dist/cli.js (built first): only
 * the page differs. The page's script is built from the chosen source and handed to the browser in place of the
 * served one. A measurement, never a pass or fail: it prints what it measured, as JSON.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { type Browser, type CDPSession, launch, type Page } from 'puppeteer-core';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAVES = 20;
const SERVERS_PER_WAVE = 200;
const PLAN_ID = 'rp-bench-console-load';

const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};

/** 20 waves of 200 servers, each ID unique and shaped as DRS's (s- and 17 hex digits). */
const largestPlan = () => ({
  planId: PLAN_ID,
  planName: 'Console load: 20 waves of 200 servers',
  waves: Array.from({ length: WAVES }, (_, wave) => ({
    waveName: `Wave ${wave + 1}`,
    sourceServerIds: Array.from(
      { length: SERVERS_PER_WAVE },
      (_, index) => `s-${(wave * SERVERS_PER_WAVE + index).toString(16).padStart(17, '0')}`,
    ),
  })),
});

/** The console's script as scripts/build.mjs builds it, from `consoleDir` (a src/console). */
const bundle = async (entry: string, globalName?: string): Promise<string> => {
  const output = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    minify: true,
    write: false,
    tsconfig: join(ROOT, 'src/console/tsconfig.json'),
    logLevel: 'warning',
    ...(globalName ? { globalName } : {}),
  });
  const file = output.outputFiles[0];
  if (!file) throw new Error(`esbuild built nothing from ${entry}`);
  return file.text;
};

const startServe = async (dataDir: string): Promise<{ child: ChildProcess; url: string }> => {
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--data-dir',
      dataDir,
      'serve',
      '--port',
      '0',
      '--speed',
      '100',
      '--users',
      'alice:drill+recovery+approve',
      '--log-level',
      'SILENT',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  for (let i = 0; i < 1200 && !output.includes('Ctrl-C stops it.'); i += 1) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  if (!output.includes('Ctrl-C stops it.')) throw new Error(`serve did not start within a minute: ${output}`);
  // The login link (console.json, owner-only) signs the browser in; a console without a login has serve.json's URL.
  const published = [join(dataDir, 'console.json'), join(dataDir, 'serve.json')].flatMap((file) => {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { loginUrl?: unknown; console?: unknown };
      const url = parsed.loginUrl ?? parsed.console;
      return typeof url === 'string' ? [url] : [];
    } catch {
      return [];
    }
  });
  const url = published[0];
  if (url === undefined) throw new Error(`neither console.json nor serve.json names the console in ${dataDir}`);
  return { child, url };
};

const stopServe = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
};

const launchBrowser = (profile: string): Promise<Browser> =>
  launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 1280, height: 800, deviceScaleFactor: 1 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--window-size=1280,800',
    ],
  });

/** What the page's API traffic is, by route. */
const routeOf = (url: string): string => {
  const path = new URL(url).pathname;
  if (/^\/api\/executions\/[^/]+$/.test(path)) return 'details';
  if (/\/ledger$/.test(path)) return 'ledger';
  if (/\/timeline$/.test(path)) return 'timeline';
  if (path.startsWith('/api/')) return path;
  return 'asset';
};

interface Traffic {
  requests: Record<string, number>;
  bytes: Record<string, number>;
}

/** Counts the page's requests and the bytes they brought (as the network received them), from CDP. */
const watchTraffic = async (session: CDPSession): Promise<{ take(): Traffic; reset(): void }> => {
  await session.send('Network.enable');
  const routes = new Map<string, string>();
  let traffic: Traffic = { requests: {}, bytes: {} };
  session.on('Network.requestWillBeSent', (event: { requestId: string; request: { url: string } }) => {
    const route = routeOf(event.request.url);
    routes.set(event.requestId, route);
    traffic.requests[route] = (traffic.requests[route] ?? 0) + 1;
  });
  session.on('Network.loadingFinished', (event: { requestId: string; encodedDataLength: number }) => {
    const route = routes.get(event.requestId);
    if (route !== undefined) traffic.bytes[route] = (traffic.bytes[route] ?? 0) + event.encodedDataLength;
  });
  return {
    take: () => traffic,
    reset: () => {
      traffic = { requests: {}, bytes: {} };
    },
  };
};

/** Long tasks (over 50 ms of the page's main thread), gathered by the page from its first script on. */
const LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.__longTasks.push(entry.duration); })
    .observe({ type: 'longtask', buffered: true });
`;

interface PageRun {
  source: string;
  seconds: number;
  statusAtStart: string;
  statusAtEnd: string;
  requestsPerMinute: Record<string, number>;
  kilobytesPerMinute: Record<string, number>;
  longTasks: { count: number; totalMs: number; maxMs: number };
  domNodes: number;
}

const perMinute = (counts: Record<string, number>, seconds: number, divisor = 1): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, Math.round((value / divisor / seconds) * 60 * 10) / 10]));

const evaluate = <T>(page: Page, expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;

/** One console source on its own stack: a drill of the largest plan, watched for `seconds` once its grid is drawn. */
const measurePage = async (label: string, consoleDir: string, seconds: number): Promise<PageRun> => {
  const script = await bundle(join(consoleDir, 'main.ts'));
  const dataDir = mkdtempSync(join(tmpdir(), 'console-load-'));
  const profile = mkdtempSync(join(tmpdir(), 'console-load-profile-'));
  const planFile = join(dataDir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(largestPlan()));
  const serve = await startServe(dataDir);
  let browser: Browser | undefined;
  try {
    execFileSync(process.execPath, [CLI, '--data-dir', dataDir, 'plans', 'load', planFile], { stdio: 'pipe' });
    browser = await launchBrowser(profile);
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/assets/console.js') {
        void request.respond({ status: 200, contentType: 'text/javascript; charset=utf-8', body: script });
      } else {
        void request.continue();
      }
    });
    await page.evaluateOnNewDocument(LONG_TASKS);
    const session = await page.createCDPSession();
    const traffic = await watchTraffic(session);
    await page.goto(serve.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="user-picker"] option', { timeout: 60_000 });
    // Started as the page starts it: its own origin, its header, as alice.
    const started = await evaluate<{ executionId?: string; statusCode: number }>(
      page,
      `fetch('/api/plans/${PLAN_ID}/start', { method: 'POST', credentials: 'same-origin',
         headers: { 'content-type': 'application/json', 'X-DRS-Ledger-Console': '1' },
         body: JSON.stringify({ as: 'alice', type: 'DRILL' }) })
       .then(async (response) => ({ statusCode: response.status, ...(await response.json()) }))`,
    );
    if (!started.executionId) throw new Error(`the drill did not start: ${JSON.stringify(started)}`);
    await evaluate(page, `location.hash = '#/executions/${started.executionId}'`);
    await page.waitForFunction(`document.querySelectorAll('[data-testid^="server-s-"]').length === ${WAVES * SERVERS_PER_WAVE}`, {
      timeout: 120_000,
      polling: 500,
    });
    const statusNow = () =>
      evaluate<string>(page, `document.querySelector('[data-testid="execution-status"]')?.getAttribute('data-status') ?? ''`);
    const statusAtStart = await statusNow();
    traffic.reset();
    await evaluate(page, 'window.__longTasks = []');
    await new Promise((done) => setTimeout(done, seconds * 1000));
    const { requests, bytes } = traffic.take();
    const tasks = await evaluate<number[]>(page, 'window.__longTasks');
    const domNodes = await evaluate<number>(page, `document.getElementsByTagName('*').length`);
    process.stderr.write(`  ${label}: ${JSON.stringify({ requests, bytes })}\n`);
    return {
      source: label,
      seconds,
      statusAtStart,
      statusAtEnd: await statusNow(),
      requestsPerMinute: perMinute(requests, seconds),
      kilobytesPerMinute: perMinute(bytes, seconds, 1024),
      longTasks: {
        count: tasks.length,
        totalMs: Math.round(tasks.reduce((sum, ms) => sum + ms, 0)),
        maxMs: Math.round(Math.max(0, ...tasks)),
      },
      domNodes,
    };
  } finally {
    await browser?.close();
    await stopServe(serve.child);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
};

interface GridRun {
  source: string;
  /** Median ms of one update() of 4,000 cells, and the DOM mutations it made (MutationObserver records). */
  firstDrawMs: number;
  unchangedMs: number;
  unchangedMutations: number;
  oneServerChangedMs: number;
  oneServerChangedMutations: number;
  allServersChangedMs: number;
}

/**
 * The grid alone, in a page with the console's stylesheet: renderWaveGrid from the chosen source, given the same 4,000-server details
 * again and again (no change), with one server changed, and with every server changed; each timed over several
 * rounds (the median) and its DOM mutations counted.
 */
const measureGrid = async (label: string, consoleDir: string, browser: Browser): Promise<GridRun> => {
  const script = await bundle(join(consoleDir, 'pages/execution/waveGrid.ts'), 'WaveGrid');
  const page = await browser.newPage();
  try {
    await page.setContent('<!doctype html><html><body><main id="main"></main></body></html>');
    await page.addStyleTag({ content: readFileSync(join(consoleDir, 'console.css'), 'utf8') });
    await page.addScriptTag({ content: script });
    return await evaluate<GridRun>(
      page,
      `(() => {
        const plan = ${JSON.stringify(largestPlan())};
        const details = (status) => ({
          executionId: 'x', planId: plan.planId, planName: plan.planName, status: 'RUNNING', executionType: 'DRILL',
          initiatedBy: 'alice', startTime: new Date().toISOString(), currentWave: 1, totalWaves: plan.waves.length,
          totalServers: ${WAVES * SERVERS_PER_WAVE}, seq: 1,
          waveStatuses: plan.waves.map((wave, index) => ({ waveNumber: index + 1, waveName: wave.waveName, status: 'IN_PROGRESS',
            pauseBeforeWave: false, serversLaunched: 0, serversCompleted: 0, serversFailed: 0 })),
          serverExecutions: plan.waves.flatMap((wave, index) => wave.sourceServerIds.map((serverId) => ({
            serverId, waveNumber: index + 1, status, hostname: 'host-' + serverId.slice(-5), recoveryInstanceId: 'i-' + serverId.slice(2) }))),
        });
        const grid = WaveGrid.renderWaveGrid();
        document.getElementById('main').append(grid.element);
        const observer = new MutationObserver(() => undefined);
        observer.observe(grid.element, { subtree: true, attributes: true, characterData: true, childList: true });
        // One update, timed with the layout it causes, and the DOM mutations it made.
        const run = (next) => {
          observer.takeRecords();
          const started = performance.now();
          grid.update(next);
          void document.body.offsetHeight;
          return { ms: performance.now() - started, mutations: observer.takeRecords().length };
        };
        const median = (runs) => {
          const sorted = runs.map((one) => one.ms).sort((a, b) => a - b);
          return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
        };
        const rounds = 9;
        const base = details('IN_PROGRESS');
        const copy = () => JSON.parse(JSON.stringify(base));
        const first = run(copy());
        const unchanged = Array.from({ length: rounds }, () => run(copy()));
        const one = Array.from({ length: rounds }, (_, round) => {
          const next = copy();
          next.serverExecutions[round * 400].status = 'LAUNCHED';
          const measured = run(next);
          run(copy());
          return measured;
        });
        const all = Array.from({ length: rounds }, (_, round) => run(details(round % 2 === 0 ? 'LAUNCHED' : 'IN_PROGRESS')));
        return {
          source: ${JSON.stringify(label)},
          firstDrawMs: Math.round(first.ms),
          unchangedMs: median(unchanged),
          unchangedMutations: unchanged[rounds - 1].mutations,
          oneServerChangedMs: median(one),
          oneServerChangedMutations: one[rounds - 1].mutations,
          allServersChangedMs: median(all),
        };
      })()`,
    );
  } finally {
    await page.close();
  }
};

const main = async (): Promise<void> => {
  const seconds = Number(argument('seconds') ?? '60');
  const before = argument('before');
  const sources: Array<[string, string]> = [
    ...(before ? [['before', resolve(before)] as [string, string]] : []),
    ['after', join(ROOT, 'src/console')],
  ];
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const grids: GridRun[] = [];
  const profile = mkdtempSync(join(tmpdir(), 'console-grid-profile-'));
  const browser = await launchBrowser(profile);
  try {
    for (const [label, dir] of sources) grids.push(await measureGrid(label, dir, browser));
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  process.stderr.write(`grid: ${JSON.stringify(grids, null, 2)}\n`);
  if (process.argv.includes('--grid-only')) return;
  const pages: PageRun[] = [];
  for (const [label, dir] of sources) {
    process.stderr.write(`page (${label}): ${seconds} s of a running drill...\n`);
    pages.push(await measurePage(label, dir, seconds));
  }
  const results = { plan: `${WAVES} waves × ${SERVERS_PER_WAVE} servers`, grids, pages };
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
