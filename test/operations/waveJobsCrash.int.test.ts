/**
 * A wave of two DRS jobs whose claimant dies between them, through the handler and the DRS emulator:
 * the next poll after the lease adopts what DRS holds and starts only what it lacks, so each part's job is
 * created exactly once, whichever moment the crash hit; an adoption that ends the wave's start (a cancel
 * that was waiting for it) starts nothing more.
 */
import type { ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { handleCommand } from '../../src/operations/handleCommand';
import { continueWaveStart, waveTags } from '../../src/operations/reactions/waveStart';
import { serverId } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const SERVERS = Array.from({ length: 150 }, (_, index) => serverId('crash', index + 1));
const plan: RecoveryPlan = { planId: 'rp-two-jobs', planName: 'Two jobs', waves: [{ waveName: 'fleet', sourceServerIds: SERVERS }] };
const EXECUTION_ID = 'exec-two-jobs';
const LEASE_MS = 5 * 60_000;

describe('a claimant that dies between the two jobs of a wave', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
  });
  afterEach(() => world.stop());

  const now = () => new Date(world.clock.now()).toISOString();
  const store = () => world.harness.deps.store;
  const types = async () => (await store().read(EXECUTION_ID)).map((stored) => stored.event.type);
  const jobsOfPart = (part: number) =>
    world.drs.jobs().filter((job) => job.tags['drs-ledger:executionId'] === EXECUTION_ID && job.tags['drs-ledger:part'] === String(part));

  /** The execution claimed and its part 1 started and recorded, as a claimant that then died left it. */
  const partOneRecorded = async () => {
    await handleCommand({ store: store() }, await store().load(EXECUTION_ID), () => ({
      type: 'StartExecution',
      executionId: EXECUTION_ID,
      plan,
      executionType: 'DRILL',
      initiatedBy: 'ops',
      at: now(),
    }));
    const drs = await world.harness.deps.drs();
    const job = await drs.startRecovery({
      isDrill: true,
      sourceServerIds: SERVERS.slice(0, 100),
      tags: waveTags(EXECUTION_ID, plan.planId, 1, 1),
    });
    await handleCommand({ store: store() }, await store().load(EXECUTION_ID), () => ({
      type: 'RecordWaveStarted',
      waveNumber: 1,
      part: 1,
      drsJobId: job.jobId,
      servers: job.servers,
      at: now(),
    }));
  };
  const partTwoCreatedUnrecorded = async () => {
    const drs = await world.harness.deps.drs();
    await drs.startRecovery({ isDrill: true, sourceServerIds: SERVERS.slice(100), tags: waveTags(EXECUTION_ID, plan.planId, 1, 2) });
  };
  const pollToEnd = async () => {
    world.clock.advance(LEASE_MS);
    return world.pollUntil(EXECUTION_ID, plan.planId, 'COMPLETED', 'FAILED');
  };

  it('after it created part 2 in DRS but before recording it: the next poll adopts part 2 and starts nothing', async () => {
    await partOneRecorded();
    await partTwoCreatedUnrecorded();
    expect(await pollToEnd()).toMatchObject({ status: 'COMPLETED' });
    expect([jobsOfPart(1).length, jobsOfPart(2).length]).toEqual([1, 1]);
    expect(world.drs.stats.startRecoveryFor(EXECUTION_ID, 1)).toEqual({ calls: 2, jobsCreated: 2 });
    const started = (await store().read(EXECUTION_ID))
      .map((stored) => stored.event)
      .filter((event): event is Extract<ExecutionEvent, { type: 'WaveStarted' }> => event.type === 'WaveStarted');
    expect(started.map((event) => [event.data.part ?? 1, event.data.drsJobId])).toEqual([
      [1, jobsOfPart(1)[0]?.jobID],
      [2, jobsOfPart(2)[0]?.jobID],
    ]);
    // Adopted jobs are recorded with their hostnames too.
    expect(started[1]?.data.servers.every((server) => server.hostname !== undefined)).toBe(true);
  });

  it('before it created part 2: the next poll gives the claim up, the one after claims again and starts part 2 only', async () => {
    await partOneRecorded();
    expect(await pollToEnd()).toMatchObject({ status: 'COMPLETED' });
    expect([jobsOfPart(1).length, jobsOfPart(2).length]).toEqual([1, 1]);
    const events = await types();
    expect(events.filter((type) => type === 'WaveStartFailed')).toHaveLength(1);
    const failed = (await store().read(EXECUTION_ID)).find((stored) => stored.event.type === 'WaveStartFailed')?.event;
    expect(failed?.data).toMatchObject({ part: 2, error: { code: 'StartLeaseExpired' } });
  });

  it('an adoption whose record lets a waiting cancel take effect starts no job at all', async () => {
    await partOneRecorded();
    await partTwoCreatedUnrecorded();
    // Part 2's answer was lost: the claimant recorded a retryable failure, the wave was claimed again, and an
    // operator cancelled while it was being started.
    await handleCommand({ store: store() }, await store().load(EXECUTION_ID), () => ({
      type: 'RecordWaveStartFailure',
      waveNumber: 1,
      part: 2,
      error: { code: 'TimeoutError', message: 'no answer' },
      retryable: true,
      at: now(),
    }));
    await handleCommand({ store: store() }, await store().load(EXECUTION_ID), () => ({ type: 'Advance', at: now() }));
    await handleCommand({ store: store() }, await store().load(EXECUTION_ID), () => ({
      type: 'RequestCancel',
      requestedBy: 'ops',
      at: now(),
    }));
    const outcome = await continueWaveStart(world.harness.deps, await store().load(EXECUTION_ID), 1, 'claimed');
    expect(outcome.loaded.state.status).toBe('CANCELLED');
    expect(world.drs.stats.startRecoveryFor(EXECUTION_ID, 1)).toEqual({ calls: 2, jobsCreated: 2 });
    expect((await types()).slice(-2)).toEqual(['WaveStarted', 'ExecutionCancelled']);
  });
});
