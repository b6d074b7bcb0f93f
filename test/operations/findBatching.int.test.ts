/**
 * find over many RUNNING executions reads their DRS jobs itself, 1,000 ids to a DescribeJobs call, and hands
 * each poll what it saw; a poll that is handed a recent observation of its own job showing nothing new asks
 * DRS nothing. Anything else (another job, an old observation, one that would change the ledger) the poll
 * checks with DRS itself, so what the ledger records always comes from DRS.
 */
import type { OperationDeps } from '../../src/operations/deps';
import { find } from '../../src/operations/find';
import type { OperationResponse } from '../../src/operations/responses';
import type { PollInvoker, PollTarget } from '../../src/ports/pollInvoker';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { type RunningExecution, seedRunningExecutions } from '../support/runningExecutions';

describe('find batches DescribeJobs for its polls', () => {
  let world: DrillWorld;
  let invoked: PollTarget[];
  beforeEach(async () => {
    invoked = [];
    // Lambda's async invoke, in process: the payload goes through JSON as it would on the wire.
    const invoker: PollInvoker = {
      invokePoll: async (_functionName, target) => {
        invoked.push(JSON.parse(JSON.stringify(target)) as PollTarget);
      },
    };
    world = await startDrillWorld({ overrides: { pollInvoker: async () => invoker } });
  });
  afterEach(() => world.stop());

  const seed = (count: number, tag: string): Promise<RunningExecution[]> =>
    seedRunningExecutions({
      client: world.harness.dynamo.client,
      tables: world.harness.dynamo.config.tables,
      drsJobs: world.drs.jobs(),
      count,
      tag,
      nowMs: world.clock.now(),
    });
  const describeJobsCalls = () => world.drs.stats.snapshot().calls.DescribeJobs ?? 0;
  const poll = (event: Record<string, unknown>) => world.harness.call({ operation: 'poll', ...event });
  /** Runs the polls find invoked, eight at a time. */
  const runPolls = async (): Promise<OperationResponse[]> => {
    const responses: OperationResponse[] = [];
    for (let start = 0; start < invoked.length; start += 8) {
      responses.push(...(await Promise.all(invoked.slice(start, start + 8).map((target) => poll({ ...target })))));
    }
    return responses;
  };

  it('makes ceil(N / 1000) DescribeJobs calls for N = 1,200 executions, and their polls make none', async () => {
    const seeded = await seed(1_200, 'b');
    const itemsBefore = await world.harness.countItems();
    world.drs.stats.reset();

    const found = await world.harness.call({ operation: 'find' });
    expect(found).toMatchObject({ statusCode: 200, executionsFound: 1_200, executionsPolled: 1_200 });
    // The contract's response shape: no observation in the results.
    expect(
      (found.results as Array<Record<string, unknown>>).every(
        (result) => Object.keys(result).sort().join() === 'executionId,planId,status',
      ),
    ).toBe(true);
    expect(describeJobsCalls()).toBe(Math.ceil(1_200 / 1000));

    expect(invoked).toHaveLength(1_200);
    const byId = new Map(seeded.map((execution) => [execution.executionId, execution]));
    for (const target of invoked) {
      expect(target.observations?.map((seen) => seen.jobId)).toEqual([byId.get(target.executionId)?.jobId]);
      expect(Buffer.byteLength(JSON.stringify({ operation: 'poll', ...target }))).toBeLessThan(2_048);
    }

    const polls = await runPolls();
    expect(polls.every((response) => response.statusCode === 200 && response.status === 'RUNNING' && !response.pollError)).toBe(true);
    expect(describeJobsCalls()).toBe(2);
    expect(await world.harness.countItems()).toEqual(itemsBefore);
  });

  it('leaves a few executions to poll DRS each for itself', async () => {
    await seed(3, 'c');
    world.drs.stats.reset();
    expect(await world.harness.call({ operation: 'find' })).toMatchObject({ statusCode: 200, executionsFound: 3 });
    expect(describeJobsCalls()).toBe(0);
    expect(invoked.every((target) => target.observations === undefined)).toBe(true);
    await runPolls();
    expect(describeJobsCalls()).toBe(3);
  });

  it('asks DRS when the observation is of another job, too old, or would change the ledger, and records only DRS', async () => {
    const [execution] = await seed(2, 'd');
    const { executionId, planId, jobId } = execution as RunningExecution;
    const now = new Date(world.clock.now()).toISOString();
    const unchanged = {
      jobId,
      status: 'STARTED',
      servers: [{ serverId: `s-${jobId.slice(7)}`, launchStatus: 'IN_PROGRESS' }],
      observedAt: now,
    };
    const before = (await world.harness.deps.store.read(executionId)).length;
    world.drs.stats.reset();

    expect(await poll({ executionId, planId, observation: unchanged })).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    expect(describeJobsCalls()).toBe(0);

    const handed = [
      { ...unchanged, jobId: 'drsjob-000000000000other' },
      { ...unchanged, observedAt: new Date(world.clock.now() - 61_000).toISOString() },
      // Claims the server launched: DRS says it has not, and the ledger must not say otherwise.
      {
        ...unchanged,
        status: 'COMPLETED',
        servers: [{ ...unchanged.servers[0], launchStatus: 'LAUNCHED', recoveryInstanceId: 'i-0123456789abcdef0' }],
      },
    ];
    for (const [index, observation] of handed.entries()) {
      const response = await poll({ executionId, planId, observation });
      expect(response).toMatchObject({ statusCode: 200, status: 'RUNNING', serversCompleted: 0, drsJobStatus: 'STARTED' });
      expect(describeJobsCalls()).toBe(index + 1);
    }
    expect((await world.harness.deps.store.read(executionId)).length).toBe(before);
  });

  it('refuses a malformed observation as INVALID_PARAMETERS', async () => {
    const response = await poll({
      executionId: 'exec-1',
      planId: 'rp-1',
      observation: { jobId: 'job-1', status: 'DONE', servers: 'all', observedAt: 'now' },
    });
    expect(response).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(response.message).toContain('observation');
  });
});

describe('find reads the jobs of each account apart', () => {
  it('makes one DescribeJobs batch per account, with that account', async () => {
    const accountB = { accountId: '222222222222', region: 'eu-west-1', roleName: 'DRSOrchestrationRole' };
    const executions = ['a1', 'a2', 'b1'].map((id) => ({ executionId: `exec-${id}`, planId: `rp-${id}` }));
    const waves = executions.map(({ executionId }, index) => ({
      executionId,
      waveNumber: 1,
      drsJobIds: [`drsjob-0000000000000000${index}`],
      ...(executionId.startsWith('exec-b') ? { accountContext: accountB } : {}),
    }));
    const calls: Array<{ jobIds: string[]; accountId: string | undefined }> = [];
    const targets: PollTarget[] = [];
    const deps = {
      config: { findPrefetchMinExecutions: 2 },
      views: {
        listRunning: async () => ({ executions }),
        listAwaitingApproval: async () => ({ executions: [] }),
        wavesInProgress: async () => waves,
      },
      drs: async () => ({
        describeJobs: async (jobIds: string[], account?: { accountId: string }) => {
          calls.push({ jobIds, accountId: account?.accountId });
          return new Map(jobIds.map((jobId) => [jobId, { jobId, status: 'STARTED', servers: [], tags: {} }]));
        },
      }),
      pollInvoker: async () => ({ invokePoll: async (_name: string, target: PollTarget) => void targets.push(target) }),
      now: () => '2026-01-01T00:00:00.000Z',
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    } as unknown as OperationDeps;
    expect(await find(deps, 'execution-handler')).toMatchObject({ statusCode: 200, executionsPolled: 3 });
    expect(calls).toEqual([
      { jobIds: ['drsjob-00000000000000000', 'drsjob-00000000000000001'], accountId: undefined },
      { jobIds: ['drsjob-00000000000000002'], accountId: '222222222222' },
    ]);
    expect(targets.map((target) => target.observations?.map((seen) => seen.jobId))).toEqual(waves.map((wave) => wave.drsJobIds));
  });
});
