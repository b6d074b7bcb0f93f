/**
 * Measured RPO and recovery "as of" a moment through the execution-handler, dynalite and the DRS emulator (real
 * SDK clients): the recovery point DRS gives for each launched instance (DescribeRecoveryInstances'
 * pointInTimeSnapshotDateTime, shifted by the server's replication lag) is recorded and the report shows each
 * server's RPO and a breach; a recovery as of a moment launches every server from the snapshot DRS must use.
 */
import { renderMarkdown } from '../../src/audit';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import type { EventOf, ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { serverId } from '../fixtures/plan';
import { markdownSeen } from '../audit/support/markdownSeen';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const PLAN_ID = 'plan-rpo';
const OPERATOR = 'dr-lead@example.com';
const [DB, APP, WEB] = [serverId('db', 1), serverId('app', 1), serverId('web', 1)] as [string, string, string];

const plan: RecoveryPlan = {
  planId: PLAN_ID,
  planName: 'Payments',
  rpoTargetMinutes: 15,
  waves: [
    { waveName: 'data', sourceServerIds: [DB, APP] },
    { waveName: 'web', sourceServerIds: [WEB] },
  ],
};

const ofType = <T extends ExecutionEvent['type']>(events: ExecutionEvent[], type: T): EventOf<T>[] =>
  events.filter((event): event is EventOf<T> => event.type === type);
const pointsPolled = (events: ExecutionEvent[]) =>
  new Map(
    ofType(events, 'WavePolled').flatMap((event) =>
      event.data.servers.flatMap((server) => (server.recoveryPoint ? [[server.serverId, server.recoveryPoint.pointInTime] as const] : [])),
    ),
  );
const report = (events: ExecutionEvent[]) =>
  evidenceFromEvents(events, { eventCount: events.length, headSeq: events.length, headHash: 'ab'.repeat(32), verification: { ok: true } });
const section = (markdown: string, heading: string): string[] => {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('#'));
  return lines.slice(start, end === -1 ? undefined : end);
};

describe('recovery points on the local stack', () => {
  let world: DrillWorld;
  afterEach(() => world.stop());

  it('records each launched server its recovery point, and the report shows RPO per server and a breach', async () => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
    // APP's replication lags 40 minutes behind: its latest data is 40 minutes old, above the 15-minute target.
    world.drs.setReplication(APP, { state: 'CONTINUOUS', lagSeconds: 40 * 60 });
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    expect(started.statusCode).toBe(200);
    const executionId = started.executionId as string;
    expect((await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED')).status).toBe('COMPLETED');

    const events = await world.ledger(executionId);
    const points = pointsPolled(events);
    expect([...points.keys()].sort()).toEqual([APP, DB, WEB].sort());
    const requested = ofType(events, 'WaveStartRequested').find((event) => event.data.waveNumber === 1)?.occurredAt as string;
    // DRS's latest data at the launch: the launch time for DB, 40 minutes before it for APP.
    const lagBehind = (Date.parse(requested) - Date.parse(points.get(APP) as string)) / 1000;
    expect(lagBehind).toBeGreaterThanOrEqual(40 * 60);
    expect(lagBehind).toBeLessThan(40 * 60 + 60);

    const evidence = report(events);
    expect(evidence.rpo).toMatchObject({ targetMinutes: 15, breaches: 1, unknown: 0 });
    expect(evidence.rpo?.servers.find((server) => server.serverId === APP)).toMatchObject({ verdict: 'breach' });
    expect(evidence.rpo?.servers.find((server) => server.serverId === DB)).toMatchObject({ verdict: 'met' });
    const lines = section(renderMarkdown(evidence), '## RPO');
    expect(markdownSeen(lines.join('\n'))).toMatch(/^BREACH: worst 4\dm \d\ds \(\d+ s\) · target 15m · 1 breach of 3 servers\.$/m);
    expect(lines.find((line) => line.includes(APP))).toContain('**BREACH**');

    const details = await world.call({ operation: 'get_execution_details', executionId });
    expect(details).toMatchObject({ rpoTargetMinutes: 15, rpo: { breaches: 1 } });
  });

  it('a recovery as of a moment picks, for each server, the newest completed snapshot at or before it', async () => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
    const now = Date.parse(new Date(world.clock.now()).toISOString());
    const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    const asOf = minutesAgo(35);
    // DB keeps DRS's point-in-time schedule (every 10 minutes for the last hour): 40 minutes ago is the one.
    // APP's snapshots are set through the emulator's admin route: one still being created just before the moment.
    const put = await fetch(`${world.drs.endpoint}/__emulator/source-servers/${APP}/snapshots`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        snapshots: [
          { snapshotID: 'pit-00000000000000a01', expectedTimestamp: minutesAgo(90), timestamp: minutesAgo(90) },
          { snapshotID: 'pit-00000000000000a02', expectedTimestamp: minutesAgo(50), timestamp: minutesAgo(50) },
          { snapshotID: 'pit-00000000000000a03', expectedTimestamp: minutesAgo(36) },
          { snapshotID: 'pit-00000000000000a04', expectedTimestamp: minutesAgo(20), timestamp: minutesAgo(20) },
        ],
      }),
    });
    expect(put.status).toBe(200);

    const started = await world.call({
      operation: 'start_execution',
      planId: PLAN_ID,
      executionType: 'RECOVERY',
      initiatedBy: OPERATOR,
      recoverAsOf: asOf,
    });
    expect(started).toMatchObject({ statusCode: 200, recoverAsOf: asOf });
    const executionId = started.executionId as string;
    expect((await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED')).status).toBe('COMPLETED');

    const launched = world.drs.jobs().flatMap((job) => job.participants.map((participant) => [participant.sourceServerID, participant]));
    const chosen = new Map(launched.map(([id, participant]) => [id, (participant as { recoverySnapshotID?: string }).recoverySnapshotID]));
    expect(chosen.get(APP)).toBe('pit-00000000000000a02');
    expect(chosen.get(DB)).toMatch(/^pit-/);

    const events = await world.ledger(executionId);
    const atStart = new Map(
      ofType(events, 'WaveStarted').flatMap((event) =>
        event.data.servers.map((server) => [server.serverId, server.recoveryPoint] as const),
      ),
    );
    expect(atStart.get(APP)).toEqual({ snapshotId: 'pit-00000000000000a02', pointInTime: minutesAgo(50) });
    expect(atStart.get(DB)).toEqual({ snapshotId: chosen.get(DB), pointInTime: minutesAgo(40) });
    // DRS confirms, launch by launch, that each instance holds the chosen snapshot's data.
    const points = pointsPolled(events);
    expect(points.get(APP)).toBe(minutesAgo(50));
    expect(points.get(DB)).toBe(minutesAgo(40));

    const evidence = report(events);
    expect(evidence.rpo).toMatchObject({ recoverAsOf: asOf, oldestPoint: minutesAgo(50) });
    const seen = markdownSeen(section(renderMarkdown(evidence), '## RPO').join('\n'));
    expect(seen).toContain('Recovery as of a moment: recovered as of');
    expect(seen).toContain('pit-00000000000000a02');
  });

  it('a moment with no completed snapshot is refused by preflight; overridden, the start fails without launching anything', async () => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
    const now = Date.parse(new Date(world.clock.now()).toISOString());
    // The emulator keeps 7 days of snapshots: none eight days back.
    const asOf = new Date(now - 8 * 86_400_000).toISOString();
    const request = { operation: 'start_execution', planId: PLAN_ID, executionType: 'RECOVERY', initiatedBy: OPERATOR, recoverAsOf: asOf };
    const refused = await world.call(request);
    expect(refused).toMatchObject({ statusCode: 409, error: 'PREFLIGHT_BLOCKED' });
    expect((refused.findings as Array<{ code: string }>).map((finding) => finding.code)).toContain('NO_RECOVERY_POINT_AS_OF');

    const started = await world.call({ ...request, override: { reason: 'rehearsing the refusal at the wave start' } });
    const executionId = started.executionId as string;
    const events = await world.ledger(executionId);
    expect(ofType(events, 'WaveStartFailed')[0]?.data).toMatchObject({ retryable: false, error: { code: 'NoRecoveryPointAsOf' } });
    expect(world.drs.jobs()).toEqual([]);
  });

  it('a moment in the future is refused with 400, writing nothing and leaving the plan free', async () => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
    const future = new Date(Date.parse(new Date(world.clock.now()).toISOString()) + 3_600_000).toISOString();
    const refused = await world.call({
      operation: 'start_execution',
      planId: PLAN_ID,
      executionType: 'RECOVERY',
      initiatedBy: OPERATOR,
      recoverAsOf: future,
    });
    expect(refused).toMatchObject({ statusCode: 400, error: 'INVALID_RECOVER_AS_OF' });
    expect(refused).not.toHaveProperty('executionId');
    expect(world.drs.jobs()).toEqual([]);
    // No claim was taken: the plan starts at once.
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'RECOVERY', initiatedBy: OPERATOR });
    expect(started.statusCode).toBe(200);
    expect((await world.ledger(started.executionId as string))[0]?.seq).toBe(1);
  });
});
