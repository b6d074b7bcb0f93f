/**
 * poll on the in-memory stores, with in-memory DRS, Step Functions and SNS: a running wave observed, a wave
 * completing and the next one claimed and launched, a pause at a wave boundary, the end of an execution.
 */
import type { RecoveryPlan } from '../../../src/domain/plan';
import { poll } from '../../../src/operations/poll';
import { startExecution } from '../../../src/operations/startExecution';
import { PLAN_ID, samplePlan, serversOf, withPauseBefore } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const EXECUTION = 'exec-0001';
const REF = { executionId: EXECUTION, planId: PLAN_ID };

/** A world where `plan` was started a moment ago: wave 1's DRS job was created, every server PENDING. */
const started = async (plan: RecoveryPlan = samplePlan): Promise<MemoryWorld> => {
  const world = new MemoryWorld();
  await world.givenPlan(plan);
  const response = await startExecution(world.deps, { planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
  if (response.statusCode !== 200) throw new Error(JSON.stringify(response));
  world.clock.advance(30);
  return world;
};

/** Completes wave `waveNumber` in DRS and polls; answers the poll's response and the types it appended. */
const completeWave = async (world: MemoryWorld, waveNumber: number) => {
  world.drs.launchAll(world.drs.jobOfWave(waveNumber).jobId);
  const before = await world.headSeq(EXECUTION);
  const response = await poll(world.deps, REF);
  world.clock.advance(30);
  return { response, appended: await world.typesAfter(EXECUTION, before) };
};

describe('poll on the in-memory stores', () => {
  describe('given a running wave', () => {
    it('when DRS reports progress, one WavePolled is appended; when it reports the same again, nothing is', async () => {
      const world = await started();
      world.drs.progress(world.drs.jobOfWave(1).jobId, 'STARTED', 'IN_PROGRESS');
      const before = await world.headSeq(EXECUTION);

      const first = await poll(world.deps, REF);
      expect(first).toMatchObject({
        statusCode: 200,
        status: 'RUNNING',
        currentWave: 1,
        waveStatus: 'IN_PROGRESS',
        drsJobStatus: 'STARTED',
        totalWaves: 3,
      });
      expect(await world.typesAfter(EXECUTION, before)).toEqual(['WavePolled']);

      world.clock.advance(30);
      const head = await world.ledger.head(EXECUTION);
      expect(await poll(world.deps, REF)).toMatchObject({ statusCode: 200, status: 'RUNNING', waveStatus: 'IN_PROGRESS' });
      expect(await world.ledger.head(EXECUTION)).toEqual(head);
      expect(world.drs.calls.describeJobs).toEqual([[world.drs.jobOfWave(1).jobId], [world.drs.jobOfWave(1).jobId]]);
    });

    it('a recent observation from find that shows no change spares the DescribeJobs call', async () => {
      const world = await started();
      const job = world.drs.jobOfWave(1);
      await poll(world.deps, REF);
      const calls = world.drs.calls.describeJobs.length;
      const head = await world.ledger.head(EXECUTION);

      const observations = [{ jobId: job.jobId, status: job.status, servers: job.servers, observedAt: world.clock.now() }];
      expect(await poll(world.deps, { ...REF, observations })).toMatchObject({ statusCode: 200, status: 'RUNNING' });
      expect(world.drs.calls.describeJobs).toHaveLength(calls);
      expect(await world.ledger.head(EXECUTION)).toEqual(head);
    });

    it('when DRS throttles, the poll reports it and appends nothing; the next poll records what changed', async () => {
      const world = await started();
      world.drs.progress(world.drs.jobOfWave(1).jobId, 'STARTED', 'IN_PROGRESS');
      world.drs.failNextDescribe();
      const head = await world.ledger.head(EXECUTION);

      expect(await poll(world.deps, REF)).toMatchObject({
        statusCode: 200,
        status: 'RUNNING',
        pollError: { source: 'drs', code: 'ThrottlingException', retryAfterSeconds: 2 },
      });
      expect(await world.ledger.head(EXECUTION)).toEqual(head);
      expect(world.log.messages('warn')).toContain('Poll could not read DRS');

      await poll(world.deps, REF);
      expect(await world.typesAfter(EXECUTION, head?.seq ?? 0)).toEqual(['WavePolled']);
    });
  });

  describe('when a wave completes', () => {
    it('the next wave is claimed and launched in DRS by this poll, once', async () => {
      const world = await started();

      const { response, appended } = await completeWave(world, 1);

      expect(appended).toEqual(['WavePolled', 'WaveCompleted', 'WaveStartRequested', 'WaveStarted']);
      expect(response).toMatchObject({
        statusCode: 200,
        status: 'RUNNING',
        currentWave: 2,
        waveStatus: 'IN_PROGRESS',
        drsJobStatus: 'PENDING',
      });
      expect(world.drs.calls.startRecovery.map((call) => call.request.sourceServerIds)).toEqual([serversOf(1), serversOf(2)]);

      // Polled again before DRS moves: nothing new, and no second start.
      const head = await world.ledger.head(EXECUTION);
      await poll(world.deps, REF);
      expect(await world.ledger.head(EXECUTION)).toEqual(head);
      expect(world.drs.calls.startRecovery).toHaveLength(2);
    });

    it('the last wave completing completes the execution: finalized, the plan freed, the outcome notified once', async () => {
      const world = await started();
      await completeWave(world, 1);
      await completeWave(world, 2);

      const { response, appended } = await completeWave(world, 3);

      // After the notification, the drill's cleanup terminates its instances and confirms them gone.
      expect(appended).toEqual([
        'WavePolled',
        'WaveCompleted',
        'Finalized',
        'NotificationSent',
        'CleanupStarted',
        'RecoveryInstancesTerminationRequested',
        'RecoveryInstancesGone',
        'CleanupCompleted',
      ]);
      expect(response).toMatchObject({ statusCode: 200, status: 'COMPLETED', currentWave: 3, waveStatus: 'COMPLETED' });
      expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
      // The notification carries the ledger's head at the end (Finalized), a copy kept outside the table.
      const [finalized] = (await world.ledger.read(EXECUTION)).filter((stored) => stored.event.type === 'Finalized');
      const headAtEnd = { seq: finalized?.event.seq, hash: finalized?.hash };
      expect(world.notifier.published.map((message) => message.attributes)).toEqual([
        {
          executionId: EXECUTION,
          planId: PLAN_ID,
          status: 'COMPLETED',
          ledgerHeadSeq: String(headAtEnd.seq),
          ledgerHeadHash: headAtEnd.hash,
        },
      ]);
      expect(world.notifier.published[0]?.message).toContain(
        `Ledger head: seq ${headAtEnd.seq}, hash ${headAtEnd.hash}\n(drs-ledger verify ${EXECUTION} --expected-head ${headAtEnd.seq}:${headAtEnd.hash})`,
      );

      // A poll of an ended execution appends nothing and asks DRS nothing.
      const calls = world.drs.calls.describeJobs.length;
      const head = await world.ledger.head(EXECUTION);
      expect(await poll(world.deps, REF)).toMatchObject({ statusCode: 200, status: 'COMPLETED' });
      expect(await world.ledger.head(EXECUTION)).toEqual(head);
      expect(world.drs.calls.describeJobs).toHaveLength(calls);
      expect(world.notifier.published).toHaveLength(1);
    });
  });

  describe('given a plan that pauses before wave 2', () => {
    it('wave 1 completing pauses the execution: wave 2 is not launched', async () => {
      const world = await started(withPauseBefore([2]));

      const { response, appended } = await completeWave(world, 1);

      expect(appended).toEqual(['WavePolled', 'WaveCompleted', 'ExecutionPaused']);
      expect(response).toMatchObject({ statusCode: 200, status: 'PAUSED', currentWave: 1, nextWave: 2 });
      expect(world.drs.calls.startRecovery).toHaveLength(1);
    });

    it('a poll of the paused execution appends nothing and asks DRS nothing', async () => {
      const world = await started(withPauseBefore([2]));
      await completeWave(world, 1);
      const calls = world.drs.calls.describeJobs.length;
      const head = await world.ledger.head(EXECUTION);

      expect(await poll(world.deps, REF)).toMatchObject({ statusCode: 200, status: 'PAUSED', nextWave: 2 });
      expect(await world.ledger.head(EXECUTION)).toEqual(head);
      expect(world.drs.calls.describeJobs).toHaveLength(calls);
      expect(world.drs.calls.startRecovery).toHaveLength(1);
    });
  });

  it('an execution the ledger does not hold is a 404; one of another plan a 400', async () => {
    const world = await started();
    expect(await poll(world.deps, { executionId: 'exec-9999', planId: PLAN_ID })).toMatchObject({ statusCode: 404 });
    expect(await poll(world.deps, { executionId: EXECUTION, planId: 'rp-other' })).toMatchObject({ statusCode: 400 });
  });
});
