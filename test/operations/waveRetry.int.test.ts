/**
 * Optional servers, and a failed wave's retry or skip, through the handler and the DRS emulator (real SDK
 * clients): an optional server's failure lets its wave complete; a retried wave relaunches only its failed
 * servers, in one new DRS job, even when the driver that claimed it dies before or after StartRecovery.
 */
import { type ExecutionEvent, WAVE_START_LEASE_MS } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { handleCommand } from '../../src/operations/handleCommand';
import { waveTags } from '../../src/operations/reactions/waveStart';
import { serverId } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const DB = [serverId('rdb', 1), serverId('rdb', 2)];
const APP = [serverId('rapp', 1), serverId('rapp', 2), serverId('rapp', 3)];
const pausing: RecoveryPlan = {
  planId: 'rp-retry',
  planName: 'Retry on failure',
  onWaveFailure: 'PAUSE',
  waves: [
    { waveName: 'databases', sourceServerIds: DB },
    { waveName: 'applications', sourceServerIds: APP },
  ],
};
const optional: RecoveryPlan = {
  planId: 'rp-optional',
  planName: 'Optional reporting server',
  waves: [
    { waveName: 'databases', sourceServerIds: DB },
    { waveName: 'applications', sourceServerIds: APP, optionalServerIds: [APP[2] as string] },
  ],
};

describe('optional servers and retries on the DRS emulator', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
    await world.loadPlans(pausing, optional);
  });
  afterEach(() => world.stop());

  const now = () => new Date(world.clock.now()).toISOString();
  const store = () => world.harness.deps.store;
  const startDrill = async (plan: RecoveryPlan) =>
    (await world.call({ operation: 'start_execution', planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops' }))
      .executionId as string;
  const jobsOfWave = (executionId: string, wave: number) =>
    world.drs
      .jobs()
      .filter((job) => job.tags['drs-ledger:executionId'] === executionId && job.tags['drs-ledger:wave'] === String(wave))
      .map((job) => ({ retry: job.tags['drs-ledger:retry'], servers: job.participants.map((server) => server.sourceServerID).sort() }));
  const ofType = <T extends ExecutionEvent['type']>(events: ExecutionEvent[], type: T) =>
    events.filter((event): event is Extract<ExecutionEvent, { type: T }> => event.type === type);
  /** Wave 2's APP[1] fails its first launch: the execution pauses on the failure. */
  const pausedOnWave2 = async () => {
    world.drs.faults.apply({ failServers: [{ sourceServerID: APP[1] as string, stage: 'LAUNCH', times: 1 }] });
    const executionId = await startDrill(pausing);
    expect(await world.pollUntil(executionId, pausing.planId, 'PAUSED', 'FAILED', 'COMPLETED')).toMatchObject({
      status: 'PAUSED',
      nextWave: 2,
    });
    return executionId;
  };

  it("an optional server's failure lets the wave complete; the execution completes counting it as failed", async () => {
    world.drs.faults.apply({ failServers: [{ sourceServerID: APP[2] as string, stage: 'LAUNCH' }] });
    const executionId = await startDrill(optional);
    expect(await world.pollUntil(executionId, optional.planId, 'COMPLETED', 'FAILED')).toMatchObject({ status: 'COMPLETED' });
    const events = await world.ledger(executionId);
    expect(ofType(events, 'WaveFailed')).toEqual([]);
    expect(ofType(events, 'WaveCompleted')[1]?.data.optionalFailures).toEqual([
      expect.objectContaining({ serverId: APP[2], launchStatus: 'FAILED' }),
    ]);
    expect(ofType(events, 'Finalized')[0]?.data).toMatchObject({ totalServers: 5, successfulServers: 4, failedServers: 1 });
    const details = await world.call({ operation: 'get_execution_details', executionId, planId: optional.planId });
    expect(details).toMatchObject({ status: 'COMPLETED' });
  });

  it('a retried wave relaunches only its failed server, in one new job, and the execution completes', async () => {
    const executionId = await pausedOnWave2();
    const notices = world.sns.messages().filter((message) => JSON.stringify(message).includes('Wave failed'));
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0])).toContain(`drs-ledger retry ${executionId} --wave 2`);
    expect(ofType(await world.ledger(executionId), 'NotificationSent')).toHaveLength(1);
    const refused = await world.call({ operation: 'resume', executionId, planId: pausing.planId, requestedBy: 'ops' });
    expect(refused).toMatchObject({
      statusCode: 400,
      error: 'INVALID_STATE',
      message: 'Wave 2 failed: retry it or skip it (or cancel the execution)',
    });

    const retried = await world.call({ operation: 'retry_wave', executionId, planId: pausing.planId, waveNumber: 2, requestedBy: 'ops' });
    expect(retried).toMatchObject({ statusCode: 200, status: 'RETRYING', waveNumber: 2, retry: 1, serverIds: [APP[1]] });
    const again = await world.call({ operation: 'retry_wave', executionId, planId: pausing.planId, waveNumber: 2, requestedBy: 'ops' });
    expect(again).toMatchObject({ statusCode: 200, status: 'ALREADY_RETRYING' });

    expect(await world.pollUntil(executionId, pausing.planId, 'COMPLETED', 'FAILED', 'PAUSED')).toMatchObject({ status: 'COMPLETED' });
    expect(jobsOfWave(executionId, 2)).toEqual([
      { retry: undefined, servers: [...APP].sort() },
      { retry: '1', servers: [APP[1]] },
    ]);
    const events = await world.ledger(executionId);
    expect(ofType(events, 'WaveRetryRequested').map((event) => event.data)).toEqual([
      { waveNumber: 2, retry: 1, serverIds: [APP[1]], requestedBy: 'ops', jobCount: 1 },
    ]);
    expect(ofType(events, 'Finalized')[0]?.data).toMatchObject({ successfulServers: 5, failedServers: 0 });
  });

  it("a stale redelivery of round 1's retry after round 1 failed again starts no round 2", async () => {
    world.drs.faults.apply({ failServers: [{ sourceServerID: APP[1] as string, stage: 'LAUNCH', times: 2 }] });
    const executionId = await startDrill(pausing);
    expect(await world.pollUntil(executionId, pausing.planId, 'PAUSED', 'FAILED', 'COMPLETED')).toMatchObject({ status: 'PAUSED' });
    const round1 = { operation: 'retry_wave', executionId, planId: pausing.planId, waveNumber: 2, retryRound: 1, requestedBy: 'ops' };
    expect(await world.call(round1)).toMatchObject({ statusCode: 200, status: 'RETRYING', retry: 1 });
    expect(await world.pollUntil(executionId, pausing.planId, 'PAUSED', 'FAILED', 'COMPLETED')).toMatchObject({
      status: 'PAUSED',
      nextWave: 2,
    });
    const before = (await world.ledger(executionId)).length;

    const redelivered = await world.call(round1);
    expect(redelivered).toMatchObject({
      statusCode: 200,
      status: 'NOT_RETRIED',
      executionStatus: 'PAUSED',
      waveStatus: 'FAILED',
      retry: 1,
    });
    expect((await world.ledger(executionId)).length).toBe(before);
    expect(await world.call({ ...round1, retryRound: 'two' })).toMatchObject({ statusCode: 400 });

    expect(await world.call({ ...round1, retryRound: 2 })).toMatchObject({ statusCode: 200, status: 'RETRYING', retry: 2 });
    expect(ofType(await world.ledger(executionId), 'WaveRetryRequested').map((event) => event.data.retry)).toEqual([1, 2]);
  });

  it('a retry whose claimant died before StartRecovery is claimed again after the lease and started once', async () => {
    const executionId = await pausedOnWave2();
    // The claimant appends the retry and its claim, and dies before calling DRS.
    const claimed = await handleCommand({ store: store() }, await store().load(executionId), () => ({
      type: 'RetryWave',
      waveNumber: 2,
      requestedBy: 'ops',
      at: now(),
    }));
    expect(claimed.appended.map((stored) => stored.event.type)).toEqual(['WaveRetryRequested', 'ExecutionResumed', 'WaveStartRequested']);
    world.clock.advance(WAVE_START_LEASE_MS + 1000);
    expect(await world.pollUntil(executionId, pausing.planId, 'COMPLETED', 'FAILED', 'PAUSED')).toMatchObject({ status: 'COMPLETED' });
    expect(jobsOfWave(executionId, 2)).toEqual([
      { retry: undefined, servers: [...APP].sort() },
      { retry: '1', servers: [APP[1]] },
    ]);
    expect(ofType(await world.ledger(executionId), 'WaveStartFailed').map((event) => event.data.error.code)).toEqual(['StartLeaseExpired']);
  });

  it('a retry whose claimant died after StartRecovery is adopted by its tags, never the first job', async () => {
    const executionId = await pausedOnWave2();
    await handleCommand({ store: store() }, await store().load(executionId), () => ({
      type: 'RetryWave',
      waveNumber: 2,
      requestedBy: 'ops',
      at: now(),
    }));
    const drs = await world.harness.deps.drs();
    const job = await drs.startRecovery({
      isDrill: true,
      sourceServerIds: [APP[1] as string],
      tags: waveTags(executionId, pausing.planId, 2, 1, 1),
    });
    world.clock.advance(WAVE_START_LEASE_MS + 1000);
    expect(await world.pollUntil(executionId, pausing.planId, 'COMPLETED', 'FAILED', 'PAUSED')).toMatchObject({ status: 'COMPLETED' });
    expect(jobsOfWave(executionId, 2)).toHaveLength(2);
    const started = ofType(await world.ledger(executionId), 'WaveStarted').filter((event) => event.data.waveNumber === 2);
    expect(started.map((event) => event.data.drsJobId).at(-1)).toBe(job.jobId);
    expect(started.at(-1)?.data.servers.map((server) => server.serverId)).toEqual([APP[1]]);
  });

  it('a skip records the deviation and the execution completes; a second skip changes nothing', async () => {
    const executionId = await pausedOnWave2();
    const skipped = await world.call({
      operation: 'skip_wave',
      executionId,
      planId: pausing.planId,
      waveNumber: 2,
      requestedBy: 'ops',
      reason: 'the app tier was restored by hand',
    });
    expect(skipped).toMatchObject({ statusCode: 200, status: 'SKIPPED', executionStatus: 'COMPLETED', waveStatus: 'SKIPPED' });
    const again = await world.call({
      operation: 'skip_wave',
      executionId,
      planId: pausing.planId,
      waveNumber: 2,
      requestedBy: 'ops',
      reason: 'again',
    });
    expect(again).toMatchObject({ statusCode: 200, status: 'ALREADY_SKIPPED' });
    const events = await world.ledger(executionId);
    expect(ofType(events, 'WaveSkipped').map((event) => [event.actor, event.data])).toEqual([
      ['ops', { waveNumber: 2, reason: 'the app tier was restored by hand', skippedBy: 'ops' }],
    ]);
    expect(ofType(events, 'Finalized')[0]?.data).toMatchObject({ totalWaves: 2, completedWaves: 1, failedServers: 1 });
    expect(await world.call({ operation: 'get_execution_details', executionId, planId: pausing.planId })).toMatchObject({
      waveStatuses: [{ status: 'COMPLETED' }, { status: 'SKIPPED', skipped: { by: 'ops', reason: 'the app tier was restored by hand' } }],
    });
  });

  it('refuses retry and skip with clear errors, writing nothing', async () => {
    const executionId = await pausedOnWave2();
    const before = (await world.ledger(executionId)).length;
    const base = { executionId, planId: pausing.planId, requestedBy: 'ops' };
    expect(await world.call({ operation: 'retry_wave', ...base, waveNumber: 1 })).toMatchObject({
      statusCode: 400,
      error: 'INVALID_STATE',
      message: "Cannot retry wave 1: the execution is not paused on wave 1's failure (it is paused on wave 2's failure)",
    });
    expect(await world.call({ operation: 'retry_wave', ...base, waveNumber: 7 })).toMatchObject({ statusCode: 409, waveNumber: 7 });
    expect(await world.call({ operation: 'skip_wave', ...base, waveNumber: 2 })).toMatchObject({
      statusCode: 400,
      error: 'MISSING_PARAMETERS',
    });
    expect(await world.call({ operation: 'skip_wave', ...base, waveNumber: 2, reason: 'x'.repeat(1025) })).toMatchObject({
      statusCode: 400,
      error: 'INVALID_PARAMETERS',
    });
    expect(await world.call({ operation: 'retry_wave', ...base, waveNumber: 2, requestedBy: 'system' })).toMatchObject({
      statusCode: 400,
      error: 'INVALID_PARAMETERS',
    });
    expect(await world.call({ operation: 'retry_wave', executionId, planId: 'rp-other', waveNumber: 2, requestedBy: 'ops' })).toMatchObject(
      {
        statusCode: 400,
        error: 'PLAN_MISMATCH',
      },
    );
    expect(await world.ledger(executionId)).toHaveLength(before);
  });
});
