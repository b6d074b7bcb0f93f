/**
 * continueWaveStart, the one path by which a wave start goes on: a failed part is recorded for that part on
 * the stream the launch left, and a search of DRS for what another process started never fails a drill.
 */
import type { StartExecution } from '../../../src/domain/execution';
import { handleCommand } from '../../../src/operations/handleCommand';
import { continueWaveStart } from '../../../src/operations/reactions/waveStart';
import type { AppendResult, ExecutionEventStore } from '../../../src/ports/executionEventStore';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';
import { samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const EXECUTION = 'exec-wave-start';

/** A ledger that counts the appends another writer's seq refused: each is a conflict, a reload, a decision again. */
const countingConflicts = (ledger: ExecutionEventStore) => {
  const counted = { conflicts: 0 };
  const store: ExecutionEventStore = {
    load: (executionId) => ledger.load(executionId),
    read: (executionId, range) => ledger.read(executionId, range),
    listExecutions: (pageSize, token) => ledger.listExecutions(pageSize, token),
    head: (executionId) => ledger.head(executionId),
    append: async (loaded, decided): Promise<AppendResult> => {
      const result = await ledger.append(loaded, decided);
      if (!result.ok) counted.conflicts += 1;
      return result;
    },
  };
  return { store, counted };
};

/** Wave 1 of the sample plan (two servers) claimed as two jobs of one server, nothing started yet. */
const givenWaveOneClaimed = async (world: MemoryWorld) => {
  const start: StartExecution = {
    type: 'StartExecution',
    executionId: EXECUTION,
    plan: samplePlan,
    executionType: 'DRILL',
    initiatedBy: 'ops@example.com',
    serversPerJob: 1,
    at: world.clock.now(),
  };
  const outcome = await handleCommand({ store: world.store }, await world.store.load(EXECUTION), () => start);
  expect(outcome.appended.map((stored) => stored.event.type)).toEqual(['ExecutionStarted', 'WaveStartRequested']);
  return outcome.loaded;
};

describe('a wave start going on', () => {
  it('given part 1 starts and part 2 is refused, the failure is recorded for part 2, on the stream the launch left', async () => {
    const { store, counted } = countingConflicts(new MemoryWorld().ledger);
    const world = new MemoryWorld({ store: () => store });
    const claimed = await givenWaveOneClaimed(world);
    world.drs.failStartsOfPart(2, new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true, 2));

    const outcome = await continueWaveStart(world.deps, claimed, 1, 'claimed');

    const after = outcome.appended.map((stored) => stored.event);
    expect((await store.read(EXECUTION)).map((stored) => stored.event.type)).toEqual([
      'ExecutionStarted',
      'WaveStartRequested',
      'WaveStarted',
      'WaveStartFailed',
    ]);
    expect(after[0]).toMatchObject({ type: 'WaveStartFailed', data: { waveNumber: 1, part: 2, retryable: true } });
    expect(counted.conflicts).toBe(0);
    expect(world.log.lines.filter((line) => line.message === 'Wave start failure not recorded')).toEqual([]);
  });

  it('given a restarted stack whose search of DRS fails, the takeover records nothing and hands the error to its caller', async () => {
    const world = new MemoryWorld();
    const claimed = await givenWaveOneClaimed(world);
    const denied = new RecoveryJobsError('AccessDeniedException', 'not authorized to perform drs:DescribeJobs', false);
    world.drs.failNextFind(denied);

    await expect(continueWaveStart(world.deps, claimed, 1, 'takeOver')).rejects.toBe(denied);

    expect(await world.headSeq(EXECUTION)).toBe(2);
    expect(world.drs.calls.startRecovery).toEqual([]);
  });

  it('given a lease expired and the search fails, nothing is recorded and the poll gets the error as DRS gave it', async () => {
    const world = new MemoryWorld();
    const claimed = await givenWaveOneClaimed(world);
    const throttled = new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true, 2);
    world.drs.failNextFind(throttled);

    await expect(continueWaveStart(world.deps, claimed, 1, 'leaseExpired')).rejects.toBe(throttled);
    expect(await world.headSeq(EXECUTION)).toBe(2);
  });

  it('given the claimant retrying and its adoption failing, the failure is recorded as a failed start of the first part without a job', async () => {
    const world = new MemoryWorld();
    const claimed = await givenWaveOneClaimed(world);
    // A first attempt that failed: the wave is claimed again, so the claimant adopts before it launches.
    const failed = await handleCommand({ store: world.store }, claimed, () => ({
      type: 'RecordWaveStartFailure',
      waveNumber: 1,
      part: 1,
      error: { code: 'TimeoutError', message: 'no answer' },
      retryable: true,
      at: world.clock.now(),
    }));
    const claimedAgain = await handleCommand({ store: world.store }, failed.loaded, () => ({
      type: 'Advance',
      at: world.clock.advance(30),
    }));
    expect(claimedAgain.appended.map((stored) => stored.event.type)).toEqual(['WaveStartRequested']);
    world.drs.failNextFind(new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true, 2));

    const outcome = await continueWaveStart(world.deps, claimedAgain.loaded, 1, 'claimed');

    const [recorded] = outcome.appended.map((stored) => stored.event);
    expect(recorded).toMatchObject({ type: 'WaveStartFailed', data: { waveNumber: 1, error: { code: 'ThrottlingException' } } });
    // The ledger names part 1 by leaving the part out, as waves of one job always did.
    expect(recorded?.type === 'WaveStartFailed' ? (recorded.data.part ?? 1) : undefined).toBe(1);
    expect(world.drs.calls.startRecovery).toEqual([]);
  });
});
