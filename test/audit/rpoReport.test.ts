/**
 * The evidence report's RPO section: each launched server's recovery point (time and snapshot), its RPO from
 * its wave's start against the plan's rpoTargetMinutes, a BREACH marked; totals; for a recovery as of a moment,
 * the moment and the spread between servers. Texts DRS wrote into the ledger are escaped as everywhere else.
 */
import { renderHtml, renderJson, renderMarkdown } from '../../src/audit';
import type { Evidence } from '../../src/audit/report/evidence';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import type { ExecutionEvent, RecoveryPoint } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { at, History, serverId } from '../projections/support/histories';
import { verifiedLedger } from './support/approvalHistories';
import { markdownSeen } from './support/markdownSeen';

const evidenceOf = (events: readonly ExecutionEvent[]): Evidence => evidenceFromEvents(events, verifiedLedger(events));

const plan = (rpoTargetMinutes?: number): RecoveryPlan => ({
  planId: 'rp-rpo',
  planName: 'Payments',
  ...(rpoTargetMinutes === undefined ? {} : { rpoTargetMinutes }),
  waves: [
    { waveName: 'Databases', sourceServerIds: [serverId(1), serverId(2)] },
    { waveName: 'Applications', sourceServerIds: [serverId(3)] },
  ],
});

/** Wave 1 requested at second 0, wave 2 when wave 1 completes (second 600). Points are given per server. */
const run = (target: number | undefined, points: Record<string, RecoveryPoint | undefined>, extra: { recoverAsOf?: string } = {}) => {
  const history = new History('exec-rpo', plan(target)).start(0, extra);
  const launched = (id: string) => {
    const point = points[id];
    return {
      serverId: id,
      launchStatus: 'LAUNCHED' as const,
      recoveryInstanceId: `i-${id.slice(-17)}`,
      ...(point ? { recoveryPoint: point } : {}),
    };
  };
  const started = (id: string) => {
    const point = extra.recoverAsOf ? points[id] : undefined;
    return {
      serverId: id,
      launchStatus: 'PENDING' as const,
      hostname: `db-${id.slice(-1)}.corp`,
      ...(point ? { recoveryPoint: point } : {}),
    };
  };
  history.run({
    type: 'RecordWaveStarted',
    waveNumber: 1,
    drsJobId: 'drsjob-1',
    servers: [serverId(1), serverId(2)].map(started),
    at: at(30),
  });
  history.run({
    type: 'ObserveWave',
    waveNumber: 1,
    drsJobStatus: 'COMPLETED',
    servers: [serverId(1), serverId(2)].map(launched),
    at: at(600),
  });
  history.run({ type: 'RecordWaveStarted', waveNumber: 2, drsJobId: 'drsjob-2', servers: [started(serverId(3))], at: at(630) });
  history.run({ type: 'ObserveWave', waveNumber: 2, drsJobStatus: 'COMPLETED', servers: [launched(serverId(3))], at: at(900) });
  history.run({ type: 'Finalize', at: at(901) });
  return history.events;
};

/** The Markdown lines from a heading to the next heading. */
const section = (markdown: string, heading: string): string[] => {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no ${heading}`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('#'));
  return lines.slice(start, end === -1 ? undefined : end);
};

describe('the RPO section of the evidence report', () => {
  const points = {
    [serverId(1)]: { pointInTime: at(-300) }, // 5 minutes before wave 1's start
    [serverId(2)]: { pointInTime: at(-3000) }, // 50 minutes before: above a 30-minute target
    [serverId(3)]: { pointInTime: at(480) }, // 2 minutes before wave 2's start (second 600)
  };

  it('gives each server its recovery point and RPO from its wave start, and marks the server above the target a BREACH', () => {
    const { rpo } = evidenceOf(run(30, points));
    expect(rpo).toMatchObject({
      targetMinutes: 30,
      worstSeconds: 3000,
      breaches: 1,
      unknown: 0,
      servers: [
        { serverId: serverId(1), waveNumber: 1, measuredFrom: at(0), pointInTime: at(-300), rpoSeconds: 300, verdict: 'met' },
        { serverId: serverId(2), waveNumber: 1, pointInTime: at(-3000), rpoSeconds: 3000, verdict: 'breach' },
        { serverId: serverId(3), waveNumber: 2, measuredFrom: at(600), pointInTime: at(480), rpoSeconds: 120, verdict: 'met' },
      ],
    });
    expect(rpo).not.toHaveProperty('spreadSeconds');

    const markdown = renderMarkdown(evidenceOf(run(30, points)));
    const lines = section(markdown, '## RPO');
    expect(markdownSeen(lines.join('\n'))).toContain('BREACH: worst 50m 00s (3000 s) · target 30m · 1 breach of 3 servers');
    const breachRow = lines.find((line) => line.includes(serverId(2)));
    expect(breachRow).toContain('**BREACH**');
    expect(markdownSeen(breachRow ?? '')).toContain('50m 00s (3000 s)');
    expect(lines.find((line) => line.includes(serverId(1)))).toContain('| MET |');

    const html = renderHtml(evidenceOf(run(30, points)));
    expect(html).toContain('<h2>RPO</h2>');
    expect(html).toMatch(/<tr class="failed"><td class="num">1<\/td><td>db-2\.corp<\/td>.*?<span class="pill bad">BREACH<\/span>/);
    expect(JSON.parse(renderJson(evidenceOf(run(30, points)))).rpo.breaches).toBe(1);
  });

  it('within the target, the section says so and marks no server', () => {
    const markdown = renderMarkdown(evidenceOf(run(60, points)));
    const lines = section(markdown, '## RPO');
    expect(markdownSeen(lines.join('\n'))).toContain('WITHIN TARGET: worst 50m 00s (3000 s) · target 60m · 0 breaches of 3 servers');
    expect(lines.join('\n')).not.toContain('BREACH');
  });

  it('a server whose point was never read is NOT RECORDED, never a guess; without a target nothing is judged', () => {
    const { rpo } = evidenceOf(run(undefined, { ...points, [serverId(2)]: undefined }));
    expect(rpo?.servers.map((server) => server.verdict)).toEqual(['no-target', 'unknown', 'no-target']);
    expect(rpo).toMatchObject({ unknown: 1, breaches: 0, worstSeconds: 300 });
    const seen = markdownSeen(
      section(renderMarkdown(evidenceOf(run(undefined, { [serverId(1)]: points[serverId(1)] }))), '## RPO').join('\n'),
    );
    expect(seen).toContain('NO TARGET: worst 5m 00s (300 s) · no target in the plan');
    expect(seen).toContain('2 without a recorded point');
  });

  it('for a recovery as of a moment: the moment, each point before it, the snapshot ids and the spread between servers', () => {
    const asOf = at(-60);
    const chosen = {
      [serverId(1)]: { pointInTime: at(-600), snapshotId: 'pit-0000000000000000a' },
      [serverId(2)]: { pointInTime: at(-1200), snapshotId: 'pit-0000000000000000b' },
      [serverId(3)]: { pointInTime: at(-120), snapshotId: 'pit-0000000000000000c' },
    };
    const evidence = evidenceOf(run(30, chosen, { recoverAsOf: asOf }));
    expect(evidence.rpo).toMatchObject({
      recoverAsOf: asOf,
      spreadSeconds: 1080,
      oldestPoint: at(-1200),
      newestPoint: at(-120),
      servers: [
        { snapshotId: 'pit-0000000000000000a', asOfDistanceSeconds: 540, rpoSeconds: 600 },
        { snapshotId: 'pit-0000000000000000b', asOfDistanceSeconds: 1140, rpoSeconds: 1200 },
        { snapshotId: 'pit-0000000000000000c', asOfDistanceSeconds: 60, rpoSeconds: 720 },
      ],
    });
    const seen = markdownSeen(section(renderMarkdown(evidence), '## RPO').join('\n'));
    expect(seen).toContain('Recovery as of a moment: recovered as of 2026-01-01 11:59:00 UTC; points spread over 18m 00s (1080 s)');
    expect(seen).toContain('pit-0000000000000000b');
    expect(renderHtml(evidence)).toContain('<code>pit-0000000000000000b</code>');
  });

  it("escapes what a rewritten ledger put where DRS's words go", () => {
    const events = run(30, points).map((event) =>
      event.type === 'WaveStarted' && event.data.waveNumber === 1
        ? {
            ...event,
            data: {
              ...event.data,
              servers: event.data.servers.map((server) => ({
                ...server,
                recoveryPoint: { pointInTime: at(-300), snapshotId: '<img src=x onerror=alert(1)>|x' },
              })),
            },
          }
        : event,
    );
    const evidence = evidenceOf(events);
    const html = renderHtml(evidence);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;|x');
    const markdown = renderMarkdown(evidence);
    expect(markdown).not.toContain('<img');
    const row = section(markdown, '## RPO').find((line) => line.includes(serverId(1))) ?? '';
    // The pipe stays inside its cell: the row has as many cells as the header.
    expect(row.split(/(?<!\\)\|/).length).toBe(
      section(markdown, '## RPO')
        .find((line) => line.startsWith('| Wave'))
        ?.split('|').length,
    );
  });
});
