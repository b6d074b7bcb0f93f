/**
 * A poll that loses its seq to another poll which recorded the same DRS observation: after the conflict it
 * decides again on the stream as it now stands, finds nothing left to record, and answers 200 without writing
 * (issue 17: losers must leave, not retry against fresh polls until they are abandoned).
 */
import type { ObserveWave } from '../../../src/domain/execution';
import { poll } from '../../../src/operations/poll';
import { startExecution } from '../../../src/operations/startExecution';
import { PLAN_ID, samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';
import { InterleavingEventStore } from '../../support/interleavingEventStore';

const EXECUTION = 'exec-0001';

describe('a poll that lost the race to the same observation', () => {
  it('given another poll records what DRS said just before this one writes, when polling, then it answers 200 and appends nothing', async () => {
    let interleaving: InterleavingEventStore | undefined;
    const world = new MemoryWorld({ store: (ledger) => (interleaving = new InterleavingEventStore(ledger)) });
    await world.givenPlan(samplePlan);
    const started = await startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    expect(started.statusCode).toBe(200);
    world.clock.advance(30);
    const job = world.drs.jobOfWave(1);
    world.drs.progress(job.jobId, 'STARTED', 'IN_PROGRESS');
    const seen = world.drs.jobOfWave(1);
    const before = await world.headSeq(EXECUTION);
    const otherPoll: ObserveWave = {
      type: 'ObserveWave',
      waveNumber: 1,
      drsJobId: seen.jobId,
      drsJobStatus: seen.status,
      servers: seen.servers,
      completionGraceMs: world.deps.config.completedJobGraceSeconds * 1000,
      at: world.clock.now(),
    };
    interleaving?.interleaveAt(EXECUTION, before + 1, () => [otherPoll]);

    const response = await poll(world.deps, { executionId: EXECUTION, planId: PLAN_ID });

    expect(response).toMatchObject({ statusCode: 200, waveStatus: 'IN_PROGRESS', drsJobStatus: 'STARTED' });
    expect(response.pollError).toBeUndefined();
    // The other poll's WavePolled, and nothing of this poll's own.
    expect(await world.typesAfter(EXECUTION, before)).toEqual(['WavePolled']);
    expect(world.drs.calls.describeJobs).toHaveLength(1);
  });
});
