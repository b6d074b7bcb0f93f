/**
 * Reports say where an execution ran: a SIMULATED mark when its start recorded a simulated DRS (with the RTO
 * restated in simulated DRS time), and, always, the target and source accounts and Regions.
 */
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import { renderHtml } from '../../src/audit/report/renderHtml';
import { renderJson } from '../../src/audit/report/renderJson';
import { renderMarkdown } from '../../src/audit/report/renderMarkdown';
import type { ExecutionEvent, ExecutionStarted } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { executionStarted, wave1StartRequested, wave1Started } from '../fixtures/events';
import { at, drsJobId, serversWith } from '../fixtures/commands';
import { samplePlan } from '../fixtures/plan';

/** The sample plan's first wave alone, with a one-hour target. */
const plan: RecoveryPlan = { ...samplePlan, rtoTargetMinutes: 60, waves: [samplePlan.waves[0]!] };

type StartedData = ExecutionStarted['data'];

/** Started, wave 1 launched 36 s later and completed: recovered in 36 s of real time. */
const recovered = (extra: Partial<StartedData> = {}): ExecutionEvent[] => {
  const started = executionStarted(plan);
  return [
    { ...started, data: { ...started.data, ...extra } },
    wave1StartRequested,
    { ...wave1Started, data: { ...wave1Started.data, servers: serversWith(1, 'PENDING', plan) } },
    {
      ...wave1Started,
      seq: 4,
      occurredAt: at(0, 36),
      type: 'WavePolled',
      data: { waveNumber: 1, drsJobId: drsJobId(1), drsJobStatus: 'COMPLETED', servers: serversWith(1, 'LAUNCHED', plan) },
    },
    { ...wave1Started, seq: 5, occurredAt: at(0, 36), type: 'WaveCompleted', data: { waveNumber: 1 } },
  ];
};

const ledger = { eventCount: 5, headSeq: 5, headHash: 'cd'.repeat(32), verification: { ok: true as const } };

const SIMULATED = {
  simulation: { drs: 'emulator' as const, speed: 100 },
  functionAccount: { region: 'us-east-1', accountId: '000000000000' },
  sourceOrigins: [{ accountId: '000000000000', region: 'us-west-2', servers: 2 }],
};

describe('a report of a run on the DRS emulator', () => {
  const evidence = evidenceFromEvents(recovered(SIMULATED), ledger);

  it('carries the simulation and the RTO restated in simulated DRS time (real × speed), judged against the target', () => {
    expect(evidence.simulation).toEqual({ drs: 'emulator', speed: 100 });
    expect(evidence.rto.overall).toMatchObject({ measuredSeconds: 36, verdict: 'met' });
    expect(evidence.rto.simulated).toEqual({ measuredSeconds: 3600, targetMinutes: 60, verdict: 'met', speed: 100 });
    const slower = evidenceFromEvents(recovered({ ...SIMULATED, simulation: { drs: 'emulator', speed: 101 } }), ledger);
    expect(slower.rto.simulated).toMatchObject({ measuredSeconds: 3636, verdict: 'missed' });
    expect(slower.rto.overall.verdict).toBe('met');
  });

  it('marks the Markdown report SIMULATED before anything else, with the factor and the simulated RTO', () => {
    const markdown = renderMarkdown(evidence);
    const lines = markdown.split('\n');
    expect(lines[2]).toMatch(/^> \*\*SIMULATED\*\* · /);
    expect(lines[2]).toContain('100× faster than the clock');
    expect(lines[2]).toContain('1h 00m · target 60m · MET');
    expect(lines[2]).toContain('no evidence of a recovery on AWS');
    expect(markdown).toContain('| Measured RTO (real time) | 36s · target 60m · MET |');
    expect(markdown).toContain('| RTO in simulated DRS time (SIMULATED) | **1h 00m · target 60m · MET \\(simulated DRS time, ×100\\)** |');
  });

  it('marks the HTML report: masthead, a banner, the simulated RTO card and the facts', () => {
    const html = renderHtml(evidence);
    // The page's title too: what a browser tab and a printed header show.
    expect(html).toMatch(/<title>SIMULATED · /);
    expect(html).toContain('<div class="eyebrow">AWS DRS · Drill evidence report · SIMULATED</div>');
    expect(html).toMatch(
      /<p class="simulated"><strong>SIMULATED<\/strong> DRS was simulated: drs-ledger&#39;s local DRS emulator, running 100× faster/,
    );
    expect(html).toContain('<div class="label">RTO · simulated DRS time</div><div class="value">1h 00m</div>');
    expect(html).toContain(
      '<dt>RTO in simulated DRS time</dt><dd><span class="pill warn">SIMULATED</span> 1h 00m · target 60m · MET (simulated DRS time, ×100)</dd>',
    );
  });

  it('keeps the mark in the JSON evidence', () => {
    const json = JSON.parse(renderJson(evidence)) as Record<string, unknown>;
    expect(json.simulation).toEqual({ drs: 'emulator', speed: 100 });
    expect((json.rto as Record<string, unknown>).simulated).toEqual({
      measuredSeconds: 3600,
      targetMinutes: 60,
      verdict: 'met',
      speed: 100,
    });
  });

  it('still marks a run whose record a rewritten ledger garbled, with the factor unknown and no restated RTO', () => {
    const garbled = evidenceFromEvents(
      recovered({ simulation: { drs: '<b>x</b>', speed: 'fast' } as unknown as NonNullable<StartedData['simulation']> }),
      ledger,
    );
    expect(garbled.simulation).toEqual({ drs: 'unknown' });
    expect(garbled.rto.simulated).toBeUndefined();
    expect(renderMarkdown(garbled)).toContain(
      '> **SIMULATED** · DRS was simulated\\: a simulated DRS \\(not named in the ledger\\), running at a speed the ledger does not say',
    );
    expect(renderHtml(garbled)).not.toContain('<b>x</b>');
  });
});

describe('a report of a run on AWS (no simulation recorded)', () => {
  const evidence = evidenceFromEvents(
    recovered({
      accountContext: { accountId: '123456789012', region: 'eu-west-1', roleName: 'drs-ledger-target' },
      functionAccount: { region: 'eu-central-1' },
      sourceOrigins: [{ accountId: '210987654321', region: 'eu-central-1', servers: 1 }, { servers: 1 }],
    }),
    ledger,
  );

  it('has no SIMULATED mark anywhere', () => {
    expect(evidence.simulation).toBeUndefined();
    expect(evidence.rto.simulated).toBeUndefined();
    for (const text of [renderMarkdown(evidence), renderHtml(evidence), renderJson(evidence)]) expect(text).not.toContain('SIMULATED');
    expect(renderMarkdown(evidence)).toContain('| Measured RTO | 36s · target 60m · MET |');
  });

  it("shows the plan's target as the target, and the sources as DRS reported them, those it said nothing of said so", () => {
    expect(evidence.accounts).toEqual({
      target: { basis: 'plan-target', accountId: '123456789012', region: 'eu-west-1' },
      source: {
        basis: 'drs',
        origins: [{ accountId: '210987654321', region: 'eu-central-1', servers: 1 }, { servers: 1 }],
      },
    });
    const markdown = renderMarkdown(evidence);
    expect(markdown).toContain("| Target account | account 123456789012 · eu\\-west\\-1 \\(the plan's target\\) |");
    expect(markdown).toContain(
      '| Source servers | account 210987654321 · eu\\-central\\-1\\: 1 server; 1 server not reported by DRS \\(outside AWS, or unknown to it\\) \\(as DRS reported them at the start\\) |',
    );
    const html = renderHtml(evidence);
    expect(html).toContain('<dt>Target account</dt><dd>account 123456789012 · eu-west-1 (the plan&#39;s target)</dd>');
    expect(html).toContain('<dt>Source servers</dt><dd>account 210987654321 · eu-central-1: 1 server; 1 server not reported by DRS');
  });

  it("shows the function's own account when the plan names no target, and says when its id was not configured", () => {
    const home = evidenceFromEvents(recovered({ functionAccount: { region: 'eu-central-1' } }), ledger);
    expect(home.accounts.target).toEqual({ basis: 'function', region: 'eu-central-1' });
    expect(renderMarkdown(home)).toContain(
      "| Target account | account \\(id not recorded\\) · eu\\-central\\-1 \\(the function's own account\\: the plan names no target\\) |",
    );
  });
});

describe('a report of a ledger written before starts recorded where they ran', () => {
  const evidence = evidenceFromEvents(recovered(), ledger);

  it('says the accounts were not recorded, and has no mark', () => {
    expect(evidence.accounts).toEqual({ target: { basis: 'not-recorded' }, source: { basis: 'not-recorded' } });
    expect(evidence.simulation).toBeUndefined();
    const markdown = renderMarkdown(evidence);
    expect(markdown).toContain('| Target account | not recorded \\(the ledger was written before starts recorded it\\) |');
    expect(markdown).toContain(
      '| Source servers | not recorded \\(DRS could not be asked at the start, or the ledger was written before starts recorded it\\) |',
    );
  });

  it('escapes whatever a rewritten ledger put in the account fields', () => {
    const hostile = evidenceFromEvents(
      recovered({ functionAccount: { region: '<script>x</script> | a', accountId: '![i](http://e/x.png)' } }),
      ledger,
    );
    expect(renderHtml(hostile)).not.toContain('<script>x');
    const markdown = renderMarkdown(hostile);
    expect(markdown).not.toContain('![i]');
    const row = markdown.split('\n').find((line) => line.startsWith('| Target account')) ?? '';
    expect(row.split(/(?<!\\)\|/)).toHaveLength(4);
  });
});
