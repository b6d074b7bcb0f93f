/**
 * poll with one container's shared DescribeJobs: the polls of several executions read DRS once between them,
 * a change DRS makes after the shared read is seen once that read is too old (at the latest by the next poll),
 * an answer showing a change is read again by the poll that records it, a failed server with no reason on record
 * is read by its own poll, and an execution polled alone reads DRS on every poll, as without sharing.
 */
import type { RecoveryPlan } from '../../../src/domain/plan';
import { POLLS_CALLER } from '../../../src/operations/drsAccount';
import { poll } from '../../../src/operations/poll';
import { startExecution } from '../../../src/operations/startExecution';
import { samplePlan, serverId } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const SHARED_MS = 5_000;
/** The world's clock moves in seconds. */
const SHARED_SECONDS = SHARED_MS / 1000;

/** The sample plan under another id, on servers of its own. */
const planOf = (tag: string): RecoveryPlan => ({
  ...samplePlan,
  planId: `plan-${tag}`,
  waves: samplePlan.waves.map((wave, index) => ({
    ...wave,
    sourceServerIds: wave.sourceServerIds.map((_, n) => serverId(`${tag}${index}`, n + 1)),
  })),
});

interface Running {
  ref: { executionId: string; planId: string };
  jobId: string;
}

/** A container whose polls share their reads, with `count` executions started a moment ago, each in wave 1. */
const runningExecutions = async (
  count: number,
  options: ConstructorParameters<typeof MemoryWorld>[0] = {},
  adjust: (plan: RecoveryPlan) => RecoveryPlan = (plan) => plan,
) => {
  const world = new MemoryWorld({ sharedJobReadMs: SHARED_MS, ...options });
  const running: Running[] = [];
  for (const tag of ['a', 'b', 'c'].slice(0, count)) {
    const plan = await world.givenPlan(adjust(planOf(tag)));
    const started = await startExecution(world.deps, { planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    if (started.statusCode !== 200) throw new Error(JSON.stringify(started));
    const jobId = world.drs.startedJobs().at(-1)?.jobId as string;
    running.push({ ref: { executionId: String(started.executionId), planId: plan.planId }, jobId });
  }
  world.clock.advance(30);
  return { world, running };
};

const pollOk = async (world: MemoryWorld, ref: Running['ref']) => {
  const response = await poll(world.deps, ref);
  expect(response).toMatchObject({ statusCode: 200, status: 'RUNNING' });
  expect(response.pollError).toBeUndefined();
  return response;
};

describe('poll with shared DescribeJobs', () => {
  it("given three executions polled in turn, the first poll's one call reads all three jobs and the other two read nothing", async () => {
    const { world, running } = await runningExecutions(3);
    const [a, b, c] = running as [Running, Running, Running];
    // Each poll once, alone: every execution becomes known to the container.
    for (const execution of running) {
      await pollOk(world, execution.ref);
      world.clock.advance(SHARED_SECONDS + 1);
    }
    const calls = world.drs.calls.describeJobs.length;
    const heads = await Promise.all(running.map((execution) => world.ledger.head(execution.ref.executionId)));

    await pollOk(world, a.ref);
    world.clock.advance(1);
    await pollOk(world, b.ref);
    await pollOk(world, c.ref);

    expect(world.drs.calls.describeJobs.slice(calls)).toEqual([[a.jobId, c.jobId, b.jobId]]);
    // Failure reasons come from the job logs of the poll's own jobs only.
    expect(world.drs.calls.describeJobsReasonsOf.slice(calls)).toEqual([[a.jobId]]);
    expect(await Promise.all(running.map((execution) => world.ledger.head(execution.ref.executionId)))).toEqual(heads);
  });

  it("a change DRS shows after the shared read is recorded once that read is older than the sharing's bound", async () => {
    const { world, running } = await runningExecutions(2);
    const [a, b] = running as [Running, Running];
    await pollOk(world, b.ref);
    await pollOk(world, a.ref);
    world.drs.progress(b.jobId, 'STARTED', 'IN_PROGRESS');
    const before = await world.headSeq(b.ref.executionId);

    // A's read is 5 s old at most: B's news waits for it.
    world.clock.advance(SHARED_SECONDS);
    expect(await pollOk(world, b.ref)).toMatchObject({ drsJobStatus: 'PENDING' });
    expect(await world.typesAfter(b.ref.executionId, before)).toEqual([]);

    world.clock.advance(0.001);
    expect(await pollOk(world, b.ref)).toMatchObject({ drsJobStatus: 'STARTED' });
    expect(await world.typesAfter(b.ref.executionId, before)).toEqual(['WavePolled']);
  });

  it('a shared read that shows a change is not recorded: the poll reads DRS itself and records what it read', async () => {
    const { world, running } = await runningExecutions(2);
    const [a, b] = running as [Running, Running];
    await pollOk(world, b.ref);
    world.drs.progress(b.jobId, 'STARTED', 'IN_PROGRESS');
    await pollOk(world, a.ref);
    const calls = world.drs.calls.describeJobs.length;
    const before = await world.headSeq(b.ref.executionId);

    expect(await pollOk(world, b.ref)).toMatchObject({ drsJobStatus: 'STARTED' });
    expect(world.drs.calls.describeJobs.slice(calls)).toEqual([[b.jobId, a.jobId]]);
    expect(await world.typesAfter(b.ref.executionId, before)).toEqual(['WavePolled']);
  });

  it("an execution polled alone reads only its current wave's jobs, in its own name, once a wave completed", async () => {
    const { world, running } = await runningExecutions(1);
    const [a] = running as [Running];
    await pollOk(world, a.ref);
    world.drs.launchAll(a.jobId);
    await pollOk(world, a.ref);
    world.clock.advance(30);
    await pollOk(world, a.ref);
    const wave2 = world.drs.jobOfWave(2).jobId;
    expect(world.drs.calls.describeJobs.at(-1)).toEqual([wave2]);
    expect(world.drs.calls.describeJobsAccounts.every((account) => account === undefined)).toBe(true);
  });

  it('a wave with a failed server whose reason is not on record is read by its own poll, whatever was shared', async () => {
    // b's first server is optional: its failure leaves the wave running while the other launches.
    const { world, running } = await runningExecutions(2, {}, (plan) =>
      plan.planId === 'plan-b'
        ? {
            ...plan,
            waves: plan.waves.map((wave, i) => (i === 0 ? { ...wave, optionalServerIds: wave.sourceServerIds.slice(0, 1) } : wave)),
          }
        : plan,
    );
    const [a, b] = running as [Running, Running];
    const [optional, other] = world.drs.startedJobs().find((job) => job.jobId === b.jobId)?.servers ?? [];
    world.drs.progress(b.jobId, 'STARTED', 'IN_PROGRESS');
    world.drs.progressServer(b.jobId, optional?.serverId as string, 'FAILED');
    await pollOk(world, b.ref);
    const wave = (await world.deps.store.load(b.ref.executionId)).state;
    expect(JSON.stringify(wave)).toContain(`{"serverId":"${optional?.serverId}","launchStatus":"FAILED"`);
    expect(JSON.stringify(wave)).not.toContain('failureReason');
    expect(other).toBeDefined();
    await pollOk(world, a.ref);
    const calls = world.drs.calls.describeJobs.length;

    // a's read of b's job is fresh and shows nothing new; b reads DRS itself anyway, for the reason.
    await pollOk(world, b.ref);
    expect(world.drs.calls.describeJobs.slice(calls)).toEqual([[b.jobId, a.jobId]]);
  });

  it('an execution polled alone reads DRS on every poll: its own last answer never stands in', async () => {
    const { world, running } = await runningExecutions(1);
    const [a] = running as [Running];
    await pollOk(world, a.ref);
    await pollOk(world, a.ref);
    await pollOk(world, a.ref);
    expect(world.drs.calls.describeJobs).toEqual([[a.jobId], [a.jobId], [a.jobId]]);
  });

  it("a read for several executions' jobs in a target account is made on behalf of the polls, never of one execution", async () => {
    const shared = { accountId: '210987654321', region: 'eu-west-1' };
    const world = new MemoryWorld({ sharedJobReadMs: SHARED_MS, config: { targetAccountIds: [shared.accountId] } });
    const refs: Array<Running['ref']> = [];
    // a and b reach the account through the same role; c through its plan's own ExternalId, a session of its own.
    for (const [tag, target] of [
      ['a', shared],
      ['b', shared],
      ['c', { ...shared, externalId: 'ext-plan-c' }],
    ] as const) {
      const plan = await world.givenPlan({ ...planOf(tag), target });
      const started = await startExecution(world.deps, { planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
      if (started.statusCode !== 200) throw new Error(JSON.stringify(started));
      refs.push({ executionId: String(started.executionId), planId: plan.planId });
    }
    world.clock.advance(30);
    const [a, b, c] = refs as [Running['ref'], Running['ref'], Running['ref']];
    await pollOk(world, a);
    await pollOk(world, c);
    await pollOk(world, b);
    const [alone, ownExternalId, bOwn, others] = world.drs.calls.describeJobsAccounts.slice(-4);
    const [aJobs, , bJobs, othersJobs] = world.drs.calls.describeJobs.slice(-4);

    expect(alone).toMatchObject({ accountId: shared.accountId, onBehalfOf: a.executionId });
    expect(ownExternalId).toMatchObject({ accountId: shared.accountId, externalIdFromPlan: c.planId, onBehalfOf: c.executionId });
    // b's own jobs, which its ledger records, are read in b's own session; a's, for a's next poll, in the polls'.
    expect(bOwn).toMatchObject({ accountId: shared.accountId, onBehalfOf: b.executionId });
    expect(bJobs).toHaveLength(1);
    expect(others).toMatchObject({ accountId: shared.accountId, onBehalfOf: POLLS_CALLER });
    expect(others).not.toHaveProperty('sourceIdentity');
    expect(othersJobs).toEqual(aJobs);
    expect(world.drs.calls.describeJobsReasonsOf.slice(-2)).toEqual([undefined, []]);
  });

  it("in a target account, a failed read of other executions' jobs costs the poll nothing", async () => {
    const shared = { accountId: '210987654321', region: 'eu-west-1' };
    const world = new MemoryWorld({ sharedJobReadMs: SHARED_MS, config: { targetAccountIds: [shared.accountId] } });
    const refs: Array<Running['ref']> = [];
    for (const tag of ['a', 'b']) {
      const plan = await world.givenPlan({ ...planOf(tag), target: shared });
      const started = await startExecution(world.deps, { planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
      refs.push({ executionId: String(started.executionId), planId: plan.planId });
    }
    world.clock.advance(30);
    const [a, b] = refs as [Running['ref'], Running['ref']];
    await pollOk(world, a);
    world.drs.progress(world.drs.startedJobs()[1]?.jobId as string, 'STARTED', 'IN_PROGRESS');
    world.drs.throttleDescribesOnBehalfOf(POLLS_CALLER);
    expect(await pollOk(world, b)).toMatchObject({ drsJobStatus: 'STARTED' });
    expect(world.drs.calls.describeJobsAccounts.at(-1)).toMatchObject({ onBehalfOf: POLLS_CALLER });
    expect(world.log.lines.some((line) => line.message.includes('other executions'))).toBe(true);
    // Refused once: the next poll that reads DRS asks for its own jobs only.
    world.clock.advance(30);
    const calls = world.drs.calls.describeJobs.length;
    await pollOk(world, a);
    expect(world.drs.calls.describeJobsAccounts.slice(calls)).toEqual([expect.objectContaining({ onBehalfOf: a.executionId })]);
  });
});
