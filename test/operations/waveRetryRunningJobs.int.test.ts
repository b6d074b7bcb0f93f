/**
 * A retry of a wave one of whose parts failed to start while another part's DRS job still ran, through the
 * handler and the DRS emulator: the retry reads DRS first. While the job still launches, the retry is refused
 * and writes nothing; once DRS finished it, its outcome is recorded and only the servers that never launched
 * are relaunched (the running job's servers are never launched twice, and its job is not forgotten).
 */
import type { ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { handleCommand } from '../../src/operations/handleCommand';
import { waveTags } from '../../src/operations/reactions/waveStart';
import { serverId } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const SERVERS = Array.from({ length: 150 }, (_, index) => serverId('split', index + 1));
const plan: RecoveryPlan = {
  planId: 'rp-split-retry',
  planName: 'Split wave retry',
  onWaveFailure: 'PAUSE',
  waves: [{ waveName: 'fleet', sourceServerIds: SERVERS }],
};
const EXECUTION_ID = 'exec-split-retry';

describe('a retry while a part of the failed wave is still launching', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
  });
  afterEach(() => world.stop());

  const now = () => new Date(world.clock.now()).toISOString();
  const store = () => world.harness.deps.store;
  const events = async (): Promise<ExecutionEvent[]> => (await store().read(EXECUTION_ID)).map((stored) => stored.event);
  const retry = () =>
    world.call({ operation: 'retry_wave', executionId: EXECUTION_ID, planId: plan.planId, waveNumber: 1, requestedBy: 'ops' });

  /** Part 1 (100 servers) started in DRS and recorded; part 2's start refused for good: paused on the failure. */
  const part2Refused = async (): Promise<string> => {
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
    await handleCommand({ store: store() }, await store().load(EXECUTION_ID), () => ({
      type: 'RecordWaveStartFailure',
      waveNumber: 1,
      part: 2,
      error: { code: 'ValidationException', message: 'Invalid source server' },
      retryable: false,
      at: now(),
    }));
    expect((await store().load(EXECUTION_ID)).state).toMatchObject({ status: 'PAUSED', pauseReason: 'WAVE_FAILED' });
    return job.jobId;
  };

  it('is refused while DRS still launches the job; once it finished, only the servers never launched are retried', async () => {
    const jobId = await part2Refused();
    const before = (await events()).length;
    expect(await retry()).toMatchObject({ statusCode: 409, error: 'WAVE_JOBS_STILL_RUNNING', drsJobIds: [jobId] });
    expect(await events()).toHaveLength(before);

    world.clock.advance(30 * 60_000);
    expect(await retry()).toMatchObject({ statusCode: 200, status: 'RETRYING', retry: 1, serverIds: SERVERS.slice(100) });
    const polled = (await events()).filter((event) => event.type === 'WavePolled');
    expect(polled).toMatchObject([{ data: { drsJobId: jobId, drsJobStatus: 'COMPLETED' } }]);
    const part1Jobs = world.drs.jobs().filter((drsJob) => drsJob.participants.some((server) => server.sourceServerID === SERVERS[0]));
    expect(part1Jobs).toHaveLength(1);
  });
});
