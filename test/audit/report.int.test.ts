/** Evidence reports built from real drills' ledgers: the facts are right, and every renderer states them. */
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { buildEvidence, type Evidence, renderHtml, renderJson, renderMarkdown } from '../../src/audit/report';
import { secondsBetween, type ExecutionEvent } from '../../src/domain/execution';
import { samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import {
  AUDITOR,
  cancelledDrill,
  completedDrill,
  DR_LEAD,
  failedServerDrill,
  FAILURE_REASON,
  OPS_MANAGER,
  pausedDrill,
  planCopy,
} from './support/drills';
import { markdownSeen } from './support/markdownSeen';
import { RawLedger } from './support/rawLedger';

describe('evidence reports from drill ledgers', () => {
  let world: DrillWorld;
  let reader: DynamoLedgerRecordReader;

  beforeAll(async () => {
    world = await startDrillWorld();
    reader = new DynamoLedgerRecordReader(world.harness.dynamo.client, world.harness.dynamo.config.tables.events);
  });
  afterAll(() => world.stop());

  const evidenceOf = async (executionId: string): Promise<Evidence> => {
    const result = await buildEvidence(reader, executionId);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.evidence;
  };
  const eventsOf = async (executionId: string): Promise<ExecutionEvent[]> =>
    (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
  const find = <T extends ExecutionEvent['type']>(events: ExecutionEvent[], type: T, nth = 0) =>
    events.filter((event): event is Extract<ExecutionEvent, { type: T }> => event.type === type)[nth] as Extract<
      ExecutionEvent,
      { type: T }
    >;
  // The Markdown as a reader of the rendered page sees it: names and reasons are escaped in its source.
  const everyRenderer = (evidence: Evidence) => ({
    markdown: markdownSeen(renderMarkdown(evidence)),
    html: renderHtml(evidence),
    json: renderJson(evidence),
  });

  describe('a drill paused by an auditor, paused again by the plan, resumed twice, completed', () => {
    let executionId: string;
    let evidence: Evidence;
    let events: ExecutionEvent[];
    beforeAll(async () => {
      executionId = await pausedDrill(world, 'plan-paused');
      evidence = await evidenceOf(executionId);
      events = await eventsOf(executionId);
    });

    it('says who started, paused, resumed it, and when, from the events', () => {
      expect(evidence.actions.map(({ action, by, at }) => ({ action, by, at }))).toEqual([
        { action: 'started', by: DR_LEAD, at: find(events, 'ExecutionStarted').occurredAt },
        { action: 'pause-requested', by: AUDITOR, at: find(events, 'PauseRequested').occurredAt },
        { action: 'paused', by: AUDITOR, at: find(events, 'ExecutionPaused').occurredAt },
        { action: 'resumed', by: DR_LEAD, at: find(events, 'ExecutionResumed').occurredAt },
        { action: 'paused', by: 'system', at: find(events, 'ExecutionPaused', 1).occurredAt },
        { action: 'resumed', by: OPS_MANAGER, at: find(events, 'ExecutionResumed', 1).occurredAt },
      ]);
      expect(evidence.pauses.map(({ seconds, reason, requestedBy, resumedBy }) => ({ seconds, reason, requestedBy, resumedBy }))).toEqual([
        { seconds: 12 * 60, reason: 'PAUSE_REQUESTED', requestedBy: AUDITOR, resumedBy: DR_LEAD },
        { seconds: 6 * 60, reason: 'PAUSE_BEFORE_WAVE', requestedBy: 'system', resumedBy: OPS_MANAGER },
      ]);
      expect(evidence.rto.pausedSeconds).toBe(18 * 60);
    });

    it('gives the plan, and each wave and server its timeline from the events', () => {
      expect(evidence.plan).toMatchObject({ planId: 'plan-paused', planName: samplePlan.planName, rtoTargetMinutes: 240 });
      expect(evidence.plan.waves.map((wave) => wave.servers.length)).toEqual([2, 3, 2]);
      expect(evidence.execution).toMatchObject({ executionId, executionType: 'DRILL', status: 'COMPLETED', initiatedBy: DR_LEAD });
      for (const wave of evidence.waves) {
        const started = events.find((event) => event.type === 'WaveStarted' && event.data.waveNumber === wave.waveNumber);
        const completed = events.find((event) => event.type === 'WaveCompleted' && event.data.waveNumber === wave.waveNumber);
        expect(wave).toMatchObject({ status: 'COMPLETED', startTime: started?.occurredAt, endTime: completed?.occurredAt });
        expect(wave.durationSeconds).toBe(secondsBetween(started?.occurredAt ?? '', completed?.occurredAt ?? ''));
        expect(wave.rto).toMatchObject({
          measuredSeconds: secondsBetween(evidence.execution.startTime, completed?.occurredAt ?? ''),
          verdict: 'met',
          targetMinutes: 240,
        });
      }
      for (const server of evidence.servers) {
        expect(server.status).toBe('LAUNCHED');
        expect(server.durationSeconds).toBe(secondsBetween(server.startTime ?? '', server.launchTime ?? ''));
        expect(server.durationSeconds).toBeGreaterThan(0);
      }
    });

    it('measures the RTO from the start to the last wave completed, pauses included, against the target', () => {
      const lastCompleted = events.filter((event) => event.type === 'WaveCompleted').at(-1) as ExecutionEvent;
      const measured = secondsBetween(evidence.execution.startTime, lastCompleted.occurredAt);
      expect(evidence.rto.overall).toEqual({ measuredSeconds: measured, targetMinutes: 240, verdict: 'met' });
      expect(measured).toBeGreaterThan(evidence.rto.pausedSeconds);
      expect(evidence.rto.definition).toContain('ExecutionStarted');
      expect(evidence.rto.definition).toContain('last WaveCompleted');
    });

    it("carries the ledger's head, its size, the verification and the notification", async () => {
      const head = await world.harness.deps.store.head(executionId);
      expect(evidence.ledger).toEqual({ eventCount: events.length, headSeq: head?.seq, headHash: head?.hash, verification: { ok: true } });
      expect(evidence.notifications).toEqual([expect.objectContaining({ outcome: 'sent', forType: 'Finalized' })]);
      expect(evidence.failures).toEqual([]);
    });

    it('renders the facts in Markdown, HTML and JSON', () => {
      const { markdown, html, json } = everyRenderer(evidence);
      const rto = '20m 50s';
      expect(evidence.rto.overall.measuredSeconds).toBe(1250);
      for (const text of [markdown, html]) {
        expect(text).toContain(evidence.ledger.headHash);
        expect(text).toContain(rto);
        expect(text).toContain('MET');
        expect(text).toContain('240m');
        expect(text).toContain(AUDITOR);
        expect(text).toContain(OPS_MANAGER);
        expect(text).toContain('Pause requested');
        expect(text).toContain('12m 00s');
        expect(text).toContain(executionId);
      }
      expect(JSON.parse(json)).toEqual(evidence);
    });

    it('renders one self-contained HTML file: no script, nothing fetched, one bar per wave and server', () => {
      const html = renderHtml(evidence);
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/https?:\/\//i);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
      expect(html.match(/<svg\b/g)).toHaveLength(1);
      expect(html.match(/<rect\b/g)).toHaveLength(evidence.waves.length + evidence.servers.length);
      expect(html).toContain('<style>');
      expect(html).toContain('@media print');
    });
  });

  describe('a drill whose server failed', () => {
    let evidence: Evidence;
    let failedServer: string;
    beforeAll(async () => {
      const run = await failedServerDrill(world, 'plan-failing');
      failedServer = run.failedServer;
      evidence = await evidenceOf(run.executionId);
    });

    it("lists the failures in DRS's words and misses the RTO", () => {
      expect(evidence.execution.status).toBe('FAILED');
      // The earlier drills' cleanups may still hold these servers in TERMINATE jobs: a wave 1 start may have waited.
      const failures = evidence.failures.filter((failure) => failure.scope !== 'wave-start');
      expect(failures.map(({ scope, serverId, waveNumber }) => ({ scope, serverId, waveNumber }))).toEqual([
        { scope: 'server', serverId: failedServer, waveNumber: 2 },
        { scope: 'wave', serverId: undefined, waveNumber: 2 },
        { scope: 'execution', serverId: undefined, waveNumber: 2 },
      ]);
      expect(failures[0]?.reason).toBe(FAILURE_REASON);
      expect(evidence.servers.find((server) => server.serverId === failedServer)).toMatchObject({
        status: 'FAILED',
        failureReason: FAILURE_REASON,
        failedAt: expect.any(String),
      });
      expect(evidence.rto.overall).toEqual({ targetMinutes: 240, verdict: 'missed', note: 'not recovered: wave 2 failed' });
      expect(evidence.waves.map((wave) => wave.rto.verdict)).toEqual(['met', 'missed', 'missed']);
      expect(evidence.waves[2]?.rto.note).toBe('not run');
    });

    it('renders the failure reason, the failed server and the missed RTO', () => {
      const { markdown, html } = everyRenderer(evidence);
      for (const text of [markdown, html]) {
        expect(text).toContain(FAILURE_REASON);
        expect(text).toContain(failedServer);
        expect(text).toContain('MISSED');
        expect(text).toContain('not recovered: wave 2 failed');
      }
      expect(html.match(/<rect\b/g)).toHaveLength(evidence.waves.length + evidence.servers.length);
    });
  });

  it('says who cancelled a recovery and why', async () => {
    const evidence = await evidenceOf(await cancelledDrill(world, 'plan-cancelled'));
    expect(evidence.execution).toMatchObject({ executionType: 'RECOVERY', status: 'CANCELLED' });
    expect(evidence.actions.filter((action) => action.action.startsWith('cancel'))).toEqual([
      expect.objectContaining({ action: 'cancel-requested', by: DR_LEAD, detail: 'drill window closed' }),
      expect.objectContaining({ action: 'cancelled', by: DR_LEAD, detail: 'drill window closed' }),
    ]);
    expect(evidence.rto.overall.verdict).toBe('missed');
    const markdown = markdownSeen(renderMarkdown(evidence));
    expect(markdown).toContain('Cancelled');
    expect(markdown).toContain('drill window closed');
    expect(renderHtml(evidence)).toContain(`Cancelled by ${DR_LEAD}`);
  });

  it('has no verdict for a plan without an RTO target', async () => {
    const { rtoTargetMinutes: _none, ...plan } = planCopy('plan-no-target');
    const evidence = await evidenceOf(await completedDrill(world, plan));
    expect(evidence.rto.overall).toEqual({ measuredSeconds: expect.any(Number), verdict: 'no-target' });
    expect(renderMarkdown(evidence)).toContain('NO TARGET');
  });

  it('reports a tampered ledger, covering only the events before the first bad seq', async () => {
    const executionId = await completedDrill(world, planCopy('plan-tampered'));
    const raw = new RawLedger(world.harness.dynamo.client, world.harness.dynamo.config.tables.events, executionId);
    const items = await raw.items();
    await raw.delete(6);
    const evidence = await evidenceOf(executionId);
    expect(evidence.ledger).toMatchObject({
      eventCount: items.length - 1,
      headSeq: 5,
      verification: { ok: false, problem: 'missing', firstBadSeq: 6 },
    });
    expect(renderMarkdown(evidence)).toContain('FAILED');
    expect(renderHtml(evidence)).toContain('TAMPERED');
    expect(renderHtml(evidence)).toContain('covers seqs 1..5 only');
  });

  it('refuses an execution the ledger does not have', async () => {
    expect(await buildEvidence(reader, 'exec-unknown')).toEqual({
      ok: false,
      error: { kind: 'UnknownExecution', executionId: 'exec-unknown' },
    });
  });
});
