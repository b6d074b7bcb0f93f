/**
 * DRS's real limits through the execution-handler and the DRS emulator (real SDK clients, dynalite):
 * waves above the servers-per-job quota run as several jobs, each started once; the concurrent-jobs quota
 * is waited out; long failure reasons are bounded with their digest; a COMPLETED job whose servers still
 * read IN_PROGRESS is waited for within a grace period.
 */
import { createHash } from 'node:crypto';
import type { ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { serverId } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const PLAN_ID = 'plan-aws-limits';
const OPERATOR = 'dr-lead@example.com';

const planWith = (...waveSizes: number[]): RecoveryPlan => ({
  planId: PLAN_ID,
  planName: 'Estate at DRS limits',
  waves: waveSizes.map((size, wave) => ({
    waveName: `wave ${wave + 1}`,
    sourceServerIds: Array.from({ length: size }, (_, index) => serverId(`w${wave + 1}`, index + 1)),
  })),
});

const ofType = <T extends ExecutionEvent['type']>(events: ExecutionEvent[], type: T) =>
  events.filter((event): event is Extract<ExecutionEvent, { type: T }> => event.type === type);

describe("waves larger than DRS's servers-per-job quota", () => {
  let world: DrillWorld;
  afterEach(() => world.stop());

  const start = async () => {
    const response = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    expect(response.statusCode).toBe(200);
    return response.executionId as string;
  };

  it('a 150-server wave runs as two DRS jobs, each started once, and completes', async () => {
    world = await startDrillWorld();
    await world.loadPlans(planWith(150, 2));
    const executionId = await start();
    const completed = await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED');
    expect(completed.status).toBe('COMPLETED');
    expect(world.drs.stats.startRecoveryFor(executionId, 1)).toEqual({ calls: 2, jobsCreated: 2 });
    expect(world.drs.stats.startRecoveryFor(executionId, 2)).toEqual({ calls: 1, jobsCreated: 1 });
    const jobs = world.drs
      .jobs()
      .filter((job) => job.tags['drs-ledger:executionId'] === executionId && job.tags['drs-ledger:wave'] === '1');
    expect(jobs.map((job) => job.participants.length).sort()).toEqual([100, 50].sort());

    const events = await world.ledger(executionId);
    expect(
      ofType(events, 'WaveStarted')
        .filter((event) => event.data.waveNumber === 1)
        .map((event) => event.data.part ?? 1),
    ).toEqual([1, 2]);
    const details = await world.call({ operation: 'get_execution_details', executionId });
    const wave1 = (details.waveStatuses as Array<Record<string, unknown>>)[0];
    expect(wave1).toMatchObject({ status: 'COMPLETED', serversLaunched: 150, serversCompleted: 150 });
    expect(wave1?.drsJobIds).toHaveLength(2);
  });

  it('a job refused by the concurrent-jobs quota is retried once a slot frees, and no job is started twice', async () => {
    world = await startDrillWorld();
    world.drs.setQuotas({ maxConcurrentJobs: 1 });
    await world.loadPlans(planWith(150));
    const executionId = await start();
    const completed = await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED');
    expect(completed.status).toBe('COMPLETED');
    const events = await world.ledger(executionId);
    const refused = ofType(events, 'WaveStartFailed');
    expect(refused.length).toBeGreaterThan(0);
    // No room is not a failed attempt: the wave waits for a slot without spending its five attempts.
    expect(refused[0]?.data).toMatchObject({
      part: 2,
      retryable: true,
      waitingForCapacity: true,
      error: { code: 'ServiceQuotaExceededException' },
    });
    expect(world.drs.stats.startRecoveryFor(executionId, 1).jobsCreated).toBe(2);
  });
});

describe("a wave whose 200 servers all fail with DRS's long reasons", () => {
  let world: DrillWorld;
  afterEach(() => world.stop());

  it("ends FAILED with every reason recorded (bounded, with the digest of DRS's text) and a notification sent", async () => {
    world = await startDrillWorld();
    const plan = planWith(200);
    await world.loadPlans(plan);
    const reasonOf = (server: string) => `Encoded authorization failure message: ${server} `.padEnd(2048, 'Zq8');
    world.drs.faults.apply({
      failServers: (plan.waves[0]?.sourceServerIds ?? []).map((sourceServerID, index) => ({
        sourceServerID,
        reason: reasonOf(sourceServerID),
        stage: (['SNAPSHOT', 'CONVERSION', 'LAUNCH'] as const)[index % 3] ?? 'LAUNCH',
      })),
    });
    const response = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    const executionId = response.executionId as string;
    const failed = await world.pollUntil(executionId, PLAN_ID, 'FAILED', 'COMPLETED');
    expect(failed.status).toBe('FAILED');

    const events = await world.ledger(executionId);
    const observed = ofType(events, 'WavePolled')
      .flatMap((event) => event.data.servers)
      .filter((server) => server.launchStatus === 'FAILED');
    expect(new Set(observed.map((server) => server.serverId)).size).toBe(200);
    for (const server of observed) {
      const full = reasonOf(server.serverId);
      expect(Buffer.byteLength(server.failureReason ?? '')).toBeLessThanOrEqual(512);
      expect(full.startsWith((server.failureReason ?? '').replace(/…$/, ''))).toBe(true);
      expect(server.failureReasonRef).toMatchObject({
        sha256: createHash('sha256').update(full).digest('hex'),
        bytes: Buffer.byteLength(full),
      });
      expect(['SNAPSHOT_FAIL', 'CONVERSION_FAIL', 'LAUNCH_FAILED']).toContain(server.failureReasonRef?.logEvent);
    }
    const waveFailed = ofType(events, 'WaveFailed')[0];
    expect(waveFailed?.data.reason).toMatch(/^200 of 200 servers failed to launch \(.*; and 195 more\)$/);
    expect(Buffer.byteLength(waveFailed?.data.reason ?? '')).toBeLessThanOrEqual(2048);
    const messages = world.sns.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.messageAttributes).toMatchObject({ status: { StringValue: 'FAILED' } });
  });
});

describe('a DRS job COMPLETED while some of its servers still read IN_PROGRESS', () => {
  let world: DrillWorld;
  afterEach(() => world.stop());

  const runWithLag = async (lagSeconds: number) => {
    world = await startDrillWorld({}, { COMPLETED_JOB_GRACE_SECONDS: '600' });
    const plan = planWith(3);
    await world.loadPlans(plan);
    const lagging = plan.waves[0]?.sourceServerIds[2] as string;
    world.drs.faults.apply({ lagServers: [{ sourceServerID: lagging, lagSeconds, launchStatus: 'IN_PROGRESS' }] });
    const response = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    const executionId = response.executionId as string;
    const end = await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED');
    return { end, events: await world.ledger(executionId), lagging };
  };

  it('keeps polling within the grace period and completes when the server launches', async () => {
    const { end, events } = await runWithLag(240);
    expect(end.status).toBe('COMPLETED');
    const completedPolls = ofType(events, 'WavePolled').filter((event) => event.data.drsJobStatus === 'COMPLETED');
    expect(completedPolls.length).toBeGreaterThanOrEqual(2);
  });

  it('fails the wave once the grace period is over, naming the server left behind', async () => {
    const { end, events, lagging } = await runWithLag(1800);
    expect(end.status).toBe('FAILED');
    const waveFailed = ofType(events, 'WaveFailed')[0];
    expect(waveFailed?.data.reason).toContain(`completed without launching ${lagging}`);
    const jobCompleted = ofType(events, 'WavePolled').find((event) => event.data.drsJobStatus === 'COMPLETED');
    const waited = Date.parse(waveFailed?.occurredAt ?? '') - Date.parse(jobCompleted?.occurredAt ?? '');
    expect(waited).toBeGreaterThanOrEqual(600_000);
    expect(waited).toBeLessThan(600_000 + 60_000);
  });
});
