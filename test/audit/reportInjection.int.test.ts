/**
 * No injection through the evidence reports. Executions whose plan name, wave names, actors, cancel reason,
 * DRS hostnames and DRS failure reasons carry attacks (script tags, onerror images, javascript: links,
 * Markdown links and images, a line break followed by a forged "## Verification PASSED", table-breaking pipes,
 * terminal escapes and bidi overrides), once as the handler lets them through and once as an insider who
 * rewrote the ledger would write them; their Markdown report rendered by markdown-it (raw HTML let through,
 * linkify on) and their HTML report, each opened in headless Chromium with a probe: nothing runs, no element
 * but the report's own exists, no heading or table row is forged, and every text is there, as text.
 * Chromium missing is a failure, not a skip (see support/chromium.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { buildEvidence, type Evidence, evidenceFromEvents, renderHtml, renderMarkdown } from '../../src/audit/report';
import { title } from '../../src/audit/report/format';
import type { ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { revealInvisible } from '../../src/domain/text';
import { samplePlan, serversOf } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { requireChromium } from './support/chromium';
import { markdownPage, type PageProbe, probePage } from './support/domProbe';
import { approvedAfterRefusals, verifiedLedger } from './support/approvalHistories';

jest.setTimeout(180_000);

/** Script a payload runs when it executes: it leaves its name in window.__pwned, which the probe reads. */
const pwn = (name: string): string => `window.__pwned='${name}'`;

const PLAN_NAME = `Payroll <script>${pwn('plan')}</script> [click](javascript:${pwn('plan-link')}) | pipe | **bold**`;
const WAVE_NAMES = [
  `<a href="javascript:${pwn('wave-a')}">db</a> ![pic](https://evil.example/x.png)`,
  `<img src=x onerror="${pwn('wave-img')}"> www.evil.example {onclick=alert(1)}`,
  `<details open ontoggle="${pwn('wave-details')}">web</details>`,
];
const STARTED_BY = `<svg onload="${pwn('actor')}"></svg>dr-lead@corp.example`;
const PAUSED_BY = `auditor@corp.example <iframe srcdoc="<script>parent.${pwn('iframe')}</script>"></iframe>`;
const CANCELLED_BY = `ops <body onload="${pwn('body')}">`;
const CANCEL_REASON = `window closed <script>alert('reason')</script> [reset your password](https://evil.example/reset)`;
/** DRS's texts cannot be refused: these carry what the boundary would refuse from a caller. */
const HOSTNAME = `db01\n\n## Verification PASSED\n\n<img src=x onerror="${pwn('hostname')}">\u202Egnp.exe\u001b[2J`;
const FAILURE_REASON = `InsufficientInstanceCapacity\r\n| forged | row | here |\n## Verification PASSED\n<script>${pwn('failure')}</script>\u0007\u001b]0;owned\u0007`;

/** What an insider who rewrote the ledger puts where the handler refuses line breaks and controls. */
const FORGED_PLAN_NAME = 'Payroll\n\n## Verification PASSED\n\nEvery event verified.\u202E';
const FORGED_WAVE_NAME = 'db\u2066tier\u2069\u200B\n| forged | row |';
const FORGED_ACTOR = 'dr-lead\u001b[31m\u0007\r@corp.example';
const FORGED_PAUSER = 'auditor\n\n# Forged heading';
const FORGED_REASON = 'closed\n\n## Verification PASSED';

/** The headings the report templates make; a forged one is none of these. */
const SECTIONS = new Set([
  'Timeline',
  'Summary',
  'Operator actions',
  'Pauses',
  'Waves',
  'Servers',
  'Failures',
  'Notifications',
  'Recovery instances',
  'Ledger integrity',
  'Definitions',
  'Tamper alarms',
  'Approvals',
  'Refused approval attempts',
  'RPO',
  'Readiness',
  'Accepted deviation',
]);
/** The elements markdown-it makes of the Markdown report's own template. */
const MARKDOWN_TEMPLATE_TAGS = new Set([
  'h1',
  'h2',
  'h3',
  'p',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'strong',
  'em',
  'ul',
  'li',
]);
/** Elements no report makes: each would run script, load something or take a click somewhere. */
const FOREIGN_TAGS = [
  'script',
  'img',
  'iframe',
  'a',
  'object',
  'embed',
  'foreignobject',
  'image',
  'use',
  'form',
  'input',
  'details',
  'body',
  'link',
  'meta',
  'base',
  'video',
  'audio',
];

const payloadPlan = (planId: string): RecoveryPlan => ({
  ...samplePlan,
  planId,
  planName: PLAN_NAME,
  waves: samplePlan.waves.map((wave, index) => ({ ...wave, waveName: WAVE_NAMES[index] as string })),
});

const texts = (evidence: Evidence): string[] => [
  evidence.plan.planName,
  evidence.execution.initiatedBy,
  ...evidence.waves.map((wave) => wave.waveName),
  ...evidence.actions.flatMap((action) => [action.by, action.detail ?? '']),
  ...evidence.servers.map((server) => server.hostname ?? ''),
  ...evidence.failures.map((failure) => failure.reason),
];

describe('evidence reports carrying attacks, opened in headless Chromium', () => {
  let world: DrillWorld;
  let reader: DynamoLedgerRecordReader;
  const dir = mkdtempSync(join(tmpdir(), 'drs-ledger-injection-'));

  beforeAll(async () => {
    requireChromium();
    world = await startDrillWorld();
    reader = new DynamoLedgerRecordReader(world.harness.dynamo.client, world.harness.dynamo.config.tables.events);
  });
  afterAll(() => world?.stop());

  const evidenceOf = async (executionId: string): Promise<Evidence> => {
    const result = await buildEvidence(reader, executionId);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.evidence;
  };
  const expectOk = (response: Record<string, unknown>) => expect(response).toMatchObject({ statusCode: 200 });

  /** Loads the plan, then DRS reports every server of wave 1 under the attacking hostname. */
  const loadPayloadPlan = async (planId: string): Promise<RecoveryPlan> => {
    const plan = payloadPlan(planId);
    await world.loadPlans(plan);
    world.drs.registerSourceServers(serversOf(1, plan).map((sourceServerID) => ({ sourceServerID, hostname: HOSTNAME })));
    return plan;
  };

  /** Started, paused after wave 1 and cancelled, each by an attacking actor; the cancel with an attacking reason. */
  const cancelledExecution = async (): Promise<string> => {
    const plan = await loadPayloadPlan('plan-inject-cancelled');
    const started = await world.call({
      operation: 'start_execution',
      planId: plan.planId,
      executionType: 'DRILL',
      initiatedBy: STARTED_BY,
    });
    expectOk(started);
    const executionId = started.executionId as string;
    world.clock.advance(20_000);
    expectOk(await world.call({ operation: 'pause', executionId, planId: plan.planId, requestedBy: PAUSED_BY }));
    await world.pollUntil(executionId, plan.planId, 'PAUSED');
    expectOk(await world.call({ operation: 'cancel', executionId, planId: plan.planId, requestedBy: CANCELLED_BY, reason: CANCEL_REASON }));
    await world.pollUntil(executionId, plan.planId, 'CANCELLED');
    return executionId;
  };

  /** A wave 1 server fails, DRS giving the attacking reason; the wave and the execution fail. */
  const failedExecution = async (): Promise<string> => {
    const plan = await loadPayloadPlan('plan-inject-failed');
    world.drs.faults.apply({ failServers: [{ sourceServerID: serversOf(1, plan)[1] as string, reason: FAILURE_REASON }] });
    try {
      const started = await world.call({
        operation: 'start_execution',
        planId: plan.planId,
        executionType: 'DRILL',
        initiatedBy: STARTED_BY,
      });
      expectOk(started);
      await world.pollUntil(started.executionId as string, plan.planId, 'FAILED');
      return started.executionId as string;
    } finally {
      world.drs.faults.reset();
    }
  };

  /** The same events, with the texts an insider who rewrote the ledger chose. */
  const rewrittenByAnInsider = (events: ExecutionEvent[]): ExecutionEvent[] =>
    (JSON.parse(JSON.stringify(events)) as ExecutionEvent[]).map((event) => {
      const rewritten: ExecutionEvent = { ...event, actor: event.actor === 'system' ? event.actor : FORGED_ACTOR };
      switch (rewritten.type) {
        case 'ExecutionStarted':
          rewritten.data.initiatedBy = FORGED_ACTOR;
          rewritten.data.plan.planName = FORGED_PLAN_NAME;
          (rewritten.data.plan.waves[0] as { waveName: string }).waveName = FORGED_WAVE_NAME;
          break;
        case 'PauseRequested':
          rewritten.data.requestedBy = FORGED_PAUSER;
          break;
        case 'CancelRequested':
        case 'ExecutionCancelled':
          rewritten.data.reason = FORGED_REASON;
          break;
        default:
      }
      return rewritten;
    });

  /** Both reports of `evidence`, as Chromium shows them. */
  const openReports = async (evidence: Evidence, name: string): Promise<{ markdown: PageProbe; html: PageProbe }> => ({
    markdown: await probePage(markdownPage(renderMarkdown(evidence)), dir, `${name}-md`),
    html: await probePage(renderHtml(evidence), dir, `${name}-html`),
  });

  const expectNothingRan = (page: PageProbe) => {
    expect(page.executed).toBeNull();
    expect(page.dialogs).toEqual([]);
    expect(page.eventHandlerAttributes).toEqual([]);
    expect(page.urls).toEqual([]);
    expect(page.tags.filter((tag) => FOREIGN_TAGS.includes(tag))).toEqual([]);
  };

  const expectOwnHeadingsOnly = (page: PageProbe, heading: string) => {
    expect(page.headings.filter((found) => found.level === 1)).toEqual([{ level: 1, text: revealInvisible(heading) }]);
    expect(page.headings.filter((found) => found.level > 1 && !SECTIONS.has(found.text))).toEqual([]);
  };

  /** The servers table: one row per server, each with as many cells as the header, hostnames as DRS gave them. */
  const expectServerRows = (page: PageProbe, evidence: Evidence) => {
    const servers = page.tables.find((table) => table.header.includes('Hostname'));
    const hostnameColumn = servers?.header.indexOf('Hostname') ?? -1;
    expect(servers?.rows).toHaveLength(evidence.servers.length);
    for (const row of servers?.rows ?? []) expect(row).toHaveLength(servers?.header.length ?? 0);
    expect(servers?.rows.map((row) => row[hostnameColumn])).toEqual(
      evidence.servers.map((server) => revealInvisible(server.hostname ?? '—')),
    );
    const failures = page.tables.find((table) => table.header.includes('Reason'));
    expect(failures?.rows ?? []).toHaveLength(evidence.failures.length);
  };

  const expectInert = (reports: { markdown: PageProbe; html: PageProbe }, evidence: Evidence) => {
    expectNothingRan(reports.markdown);
    expectNothingRan(reports.html);
    expect(reports.markdown.tags.filter((tag) => !MARKDOWN_TEMPLATE_TAGS.has(tag))).toEqual([]);
    expectOwnHeadingsOnly(reports.markdown, title(evidence));
    expectOwnHeadingsOnly(reports.html, evidence.plan.planName);
    expectServerRows(reports.markdown, evidence);
    expectServerRows(reports.html, evidence);
    for (const text of texts(evidence)) {
      expect(reports.markdown.text).toContain(revealInvisible(text));
      expect(reports.html.text).toContain(revealInvisible(text));
    }
  };

  it('shows an attack the handler lets through (names, actors, reason) and DRS texts as text, running nothing', async () => {
    const evidence = await evidenceOf(await cancelledExecution());
    expect(evidence.plan.planName).toBe(PLAN_NAME);
    expect(evidence.actions.map((action) => action.by)).toEqual(expect.arrayContaining([STARTED_BY, PAUSED_BY, CANCELLED_BY]));
    expect(evidence.actions.map((action) => action.detail)).toContain(CANCEL_REASON);
    expect(evidence.servers.map((server) => server.hostname)).toContain(HOSTNAME);
    expectInert(await openReports(evidence, 'cancelled'), evidence);
  });

  it("shows DRS's failure reason, line breaks, escapes and all, as text in its own row", async () => {
    const evidence = await evidenceOf(await failedExecution());
    expect(evidence.failures.map((failure) => failure.reason)).toContain(FAILURE_REASON);
    const reports = await openReports(evidence, 'failed');
    expectInert(reports, evidence);
    expect(reports.markdown.text).toContain(
      'InsufficientInstanceCapacity\\r\\n| forged | row | here |\\n## Verification PASSED\\n<script>',
    );
  });

  it('forges no heading, row or verdict from a ledger an insider rewrote with line breaks, controls and bidi overrides', async () => {
    const executionId = await cancelledExecution();
    const genuine = await evidenceOf(executionId);
    const events = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
    const evidence = evidenceFromEvents(rewrittenByAnInsider(events), genuine.ledger);
    expect(evidence.plan.planName).toBe(FORGED_PLAN_NAME);
    expect(evidence.actions.map((action) => action.by)).toContain(FORGED_PAUSER);
    const reports = await openReports(evidence, 'rewritten');
    expectInert(reports, evidence);
    for (const page of [reports.markdown, reports.html]) {
      expect(page.text).toContain('dr-lead\\u{1B}[31m\\u{7}\\r@corp.example');
      expect(page.text).toContain('db\\u{2066}tier\\u{2069}\\u{200B}\\n| forged | row |');
    }
  });

  it('shows approval texts (claims, comments, tickets, who tried and why, approver patterns) as text, running nothing', async () => {
    const ticket = `CHG1 <script>${pwn('ticket')}</script> | x |`;
    const events = (JSON.parse(JSON.stringify(approvedAfterRefusals().events)) as ExecutionEvent[]).map((event): ExecutionEvent => {
      switch (event.type) {
        case 'ExecutionStarted':
          return { ...event, data: { ...event.data, identity: { principal: event.actor, claim: STARTED_BY } } };
        case 'ExecutionPaused':
          return event.data.approval
            ? {
                ...event,
                data: { ...event.data, approval: { ...event.data.approval, approvers: [WAVE_NAMES[0] as string, FORGED_WAVE_NAME] } },
              }
            : event;
        case 'ApprovalRefused':
          return { ...event, data: { ...event.data, attemptedBy: PAUSED_BY, reason: FAILURE_REASON } };
        case 'ApprovalGranted':
          return {
            ...event,
            data: { ...event.data, identity: { principal: FORGED_ACTOR, claim: CANCELLED_BY }, comment: CANCEL_REASON, ticket },
          };
        default:
          return event;
      }
    });
    const evidence = evidenceFromEvents(events, verifiedLedger(events));
    const [approval] = evidence.approvals;
    expect(approval?.decision).toMatchObject({ comment: CANCEL_REASON, ticket });
    const reports = await openReports(evidence, 'approvals');
    expectInert(reports, evidence);
    const shownTexts = [
      STARTED_BY,
      PAUSED_BY,
      FAILURE_REASON,
      FORGED_ACTOR,
      CANCELLED_BY,
      CANCEL_REASON,
      ticket,
      WAVE_NAMES[0] as string,
      FORGED_WAVE_NAME,
    ];
    for (const text of shownTexts) {
      expect(reports.markdown.text).toContain(revealInvisible(text));
      expect(reports.html.text).toContain(revealInvisible(text));
    }
    for (const page of [reports.markdown, reports.html]) {
      const refused = page.tables.find((table) => table.header.includes('Why refused'));
      expect(refused?.rows).toHaveLength(2);
      for (const row of refused?.rows ?? []) expect(row).toHaveLength(refused?.header.length ?? 0);
      const waits = page.tables.find((table) => table.header.includes('Who may approve'));
      expect(waits?.rows).toHaveLength(1);
      expect(waits?.rows[0]).toHaveLength(waits?.header.length ?? 0);
    }
  });

  it('would catch the attacks: the same texts put in raw run their script and forge a heading and a row', async () => {
    const raw = [`# ${PLAN_NAME}`, '', '| Hostname | Status |', '| --- | --- |', `| ${HOSTNAME} | LAUNCHED |`, '', FAILURE_REASON].join(
      '\n',
    );
    const page = await probePage(markdownPage(raw), dir, 'raw-control');
    expect(page.executed).not.toBeNull();
    expect(page.headings.map((heading) => heading.text)).toContain('Verification PASSED');
    expect(page.tags).toEqual(expect.arrayContaining(['script', 'img']));
  });
});
