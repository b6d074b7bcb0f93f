/**
 * Recovery points through the operations, on the in-memory stores and DRS: each launched server's point is
 * recorded from DescribeRecoveryInstances (a failed read never stops a poll, and is read again later); a
 * recovery "as of" a moment launches each server from its newest completed snapshot at or before it, the same
 * one whoever starts or takes the start over; a moment that cannot be asked for is refused before any write.
 */
import type { EventOf, ExecutionEvent, StartExecution } from '../../../src/domain/execution';
import { handleCommand } from '../../../src/operations/handleCommand';
import { poll } from '../../../src/operations/poll';
import { continueWaveStart } from '../../../src/operations/reactions/waveStart';
import { startExecution } from '../../../src/operations/startExecution';
import type { AppendResult, ExecutionEventStore } from '../../../src/ports/executionEventStore';
import type { RecoverySnapshot } from '../../../src/ports/recoveryJobs';
import { DB_1, DB_2, PLAN_ID, samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const EXECUTION = 'exec-0001';
const REF = { executionId: EXECUTION, planId: PLAN_ID };
const START = '2026-03-01T09:00:00.000Z';
const minutesBefore = (minutes: number) => new Date(Date.parse(START) - minutes * 60_000).toISOString();

const ofType = <T extends ExecutionEvent['type']>(events: ExecutionEvent[], type: T): EventOf<T>[] =>
  events.filter((event): event is EventOf<T> => event.type === type);
const pointsIn = (events: ExecutionEvent[]) =>
  ofType(events, 'WavePolled').flatMap((event) =>
    event.data.servers.flatMap((server) => (server.recoveryPoint ? [{ serverId: server.serverId, ...server.recoveryPoint }] : [])),
  );

const snapshot = (serverId: string, snapshotId: string, minutesAgo: number, taken = true): RecoverySnapshot => ({
  snapshotId,
  sourceServerId: serverId,
  expectedTimestamp: minutesBefore(minutesAgo),
  ...(taken ? { timestamp: minutesBefore(minutesAgo) } : {}),
});

const startDrill = async (world: MemoryWorld, extra: { recoverAsOf?: string; override?: { reason: string } } = {}) => {
  await world.givenPlan(samplePlan);
  return startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com', ...extra });
};

describe('recovery points of launched servers', () => {
  it('the poll that sees servers LAUNCHED records the point in time DRS gives for each', async () => {
    const world = new MemoryWorld();
    await startDrill(world);
    world.clock.advance(300);
    world.drs.launchAll(world.drs.jobOfWave(1).jobId);

    await poll(world.deps, REF);

    // The fake gives DRS's latest data: a minute before the launch.
    const launchedAt = new Date(Date.parse(START) + 240_000).toISOString();
    expect(pointsIn(await world.events(EXECUTION))).toEqual([
      { serverId: DB_1, pointInTime: launchedAt },
      { serverId: DB_2, pointInTime: launchedAt },
    ]);
    expect(world.drs.calls.describeRecoveryInstances).toEqual([[`i-${DB_1.slice(2)}`, `i-${DB_2.slice(2)}`]]);
  });

  it('a DescribeRecoveryInstances that fails does not stop the poll; a later poll reads only the missing points', async () => {
    const world = new MemoryWorld({ config: { serversPerJob: 1 } });
    await startDrill(world);
    world.clock.advance(60);
    world.drs.launchAll(world.drs.jobOfWave(1, 1).jobId);
    world.drs.failNextDescribeInstances();

    const first = await poll(world.deps, REF);

    expect(first).toMatchObject({ statusCode: 200, waveStatus: 'IN_PROGRESS' });
    expect(first).not.toHaveProperty('pollError');
    const recorded = ofType(await world.events(EXECUTION), 'WavePolled');
    expect(recorded.at(-1)?.data).toMatchObject({ servers: [{ serverId: DB_1, launchStatus: 'LAUNCHED' }], recoveryPointsMissing: 1 });
    expect(recorded.at(-1)?.data.servers[0]).not.toHaveProperty('recoveryPoint');
    expect(world.log.lines.some((line) => line.message === 'Recovery points unavailable; recording the launch without them')).toBe(true);

    world.clock.advance(30);
    await poll(world.deps, REF);

    expect(world.drs.calls.describeRecoveryInstances.at(-1)).toEqual([`i-${DB_1.slice(2)}`]);
    expect(pointsIn(await world.events(EXECUTION))).toEqual([{ serverId: DB_1, pointInTime: expect.any(String) }]);
    const { state } = await world.store.load(EXECUTION);
    expect(state.status === 'RUNNING' ? state.waves[0] : undefined).not.toHaveProperty('recoveryPointsMissing');

    // Nothing missing any more: a further poll neither reads the stream's points nor records one again.
    world.clock.advance(30);
    const calls = world.drs.calls.describeRecoveryInstances.length;
    await poll(world.deps, REF);
    expect(world.drs.calls.describeRecoveryInstances).toHaveLength(calls);
    expect(pointsIn(await world.events(EXECUTION))).toHaveLength(1);
  });
});

describe('a recovery as of a moment', () => {
  const asOf = minutesBefore(30);
  /** Each server's snapshots: taken before and after the moment, and one still being created before it. */
  const scriptSnapshots = (world: MemoryWorld) => {
    world.drs.snapshotsOf.set(DB_1, [
      snapshot(DB_1, 'pit-db1-after000000', 20),
      snapshot(DB_1, 'pit-db1-creating000', 32, false),
      snapshot(DB_1, 'pit-db1-chosen00000', 40),
      snapshot(DB_1, 'pit-db1-older000000', 100),
    ]);
    world.drs.snapshotsOf.set(DB_2, [snapshot(DB_2, 'pit-db2-chosen00000', 30), snapshot(DB_2, 'pit-db2-after000000', 10)]);
  };

  it('launches each server from its newest completed snapshot at or before it, and records the choice and the launch', async () => {
    const world = new MemoryWorld();
    scriptSnapshots(world);
    const response = await startDrill(world, { recoverAsOf: asOf });
    expect(response).toMatchObject({ statusCode: 200, recoverAsOf: asOf });

    expect(world.drs.calls.startRecovery[0]?.request.recoverySnapshotIds).toEqual({
      [DB_1]: 'pit-db1-chosen00000',
      [DB_2]: 'pit-db2-chosen00000',
    });
    const events = await world.events(EXECUTION);
    expect(ofType(events, 'ExecutionStarted')[0]?.data.recoverAsOf).toBe(asOf);
    expect(ofType(events, 'WaveStarted')[0]?.data.servers.map((server) => server.recoveryPoint)).toEqual([
      { snapshotId: 'pit-db1-chosen00000', pointInTime: minutesBefore(40) },
      { snapshotId: 'pit-db2-chosen00000', pointInTime: minutesBefore(30) },
    ]);

    world.clock.advance(300);
    world.drs.launchAll(world.drs.jobOfWave(1).jobId);
    await poll(world.deps, REF);
    // DRS says the instances hold the chosen snapshots' data.
    expect(pointsIn(await world.events(EXECUTION))).toEqual([
      { serverId: DB_1, pointInTime: minutesBefore(40) },
      { serverId: DB_2, pointInTime: minutesBefore(30) },
    ]);
  });

  it('a server with no completed snapshot at or before it fails the wave start, not retryably, and nothing is launched', async () => {
    const world = new MemoryWorld();
    scriptSnapshots(world);
    world.drs.snapshotsOf.set(DB_2, [snapshot(DB_2, 'pit-db2-creating000', 35, false), snapshot(DB_2, 'pit-db2-after000000', 10)]);

    // Preflight refuses such a start; overridden, the wave start refuses it too.
    expect(await startDrill(world, { recoverAsOf: asOf })).toMatchObject({ statusCode: 409, error: 'PREFLIGHT_BLOCKED' });
    const started = await startDrill(world, { recoverAsOf: asOf, override: { reason: 'rehearsing the wave-start refusal' } });

    expect(world.drs.calls.startRecovery).toEqual([]);
    const events = await world.events(started.executionId as string);
    expect(ofType(events, 'WaveStartFailed')[0]?.data).toMatchObject({
      retryable: false,
      error: { code: 'NoRecoveryPointAsOf', message: expect.stringContaining(DB_2) },
    });
    expect(events.map((event) => event.type)).toContain('ExecutionFailed');
  });

  it.each([
    ['not an instant', 'last Friday', /ISO-8601/],
    ['in the future', '2026-03-01T10:00:00Z', /future/],
    ['older than DRS keeps snapshots', '2025-02-01T00:00:00Z', /365 days/],
  ])('a moment %s is refused with 400 before anything is written or claimed', async (_label, recoverAsOf, message) => {
    const world = new MemoryWorld();
    const response = await startDrill(world, { recoverAsOf });
    expect(response).toMatchObject({ statusCode: 400, error: 'INVALID_RECOVER_AS_OF', message: expect.stringMatching(message) });
    expect(await world.headSeq(EXECUTION)).toBe(0);
    expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
    // The plan is free: a valid start goes through at once.
    expect(await startDrill(world)).toMatchObject({ statusCode: 200 });
  });
});

describe('a crashed start as of a moment, taken over', () => {
  const asOf = minutesBefore(30);

  /** The execution started and wave 1 claimed (two servers, two jobs), nothing sent to DRS yet. */
  const givenClaimed = async (world: MemoryWorld) => {
    world.drs.snapshotsOf.set(DB_1, [snapshot(DB_1, 'pit-db1-chosen00000', 31), snapshot(DB_1, 'pit-db1-after000000', 29)]);
    world.drs.snapshotsOf.set(DB_2, [snapshot(DB_2, 'pit-db2-chosen00000', 45), snapshot(DB_2, 'pit-db2-creating000', 30, false)]);
    const start: StartExecution = {
      type: 'StartExecution',
      executionId: EXECUTION,
      plan: samplePlan,
      executionType: 'RECOVERY',
      initiatedBy: 'ops@example.com',
      serversPerJob: 1,
      recoverAsOf: asOf,
      at: world.clock.now(),
    };
    return (await handleCommand({ store: world.store }, await world.store.load(EXECUTION), () => start)).loaded;
  };

  const EXPECTED = [
    { snapshotId: 'pit-db1-chosen00000', pointInTime: minutesBefore(31) },
    { snapshotId: 'pit-db2-chosen00000', pointInTime: minutesBefore(45) },
  ];

  it('a driver that takes over a start that never reached DRS chooses the same snapshots', async () => {
    const world = new MemoryWorld();
    const claimed = await givenClaimed(world);

    await continueWaveStart(world.deps, claimed, 1, 'takeOver');

    expect(world.drs.calls.startRecovery.map((call) => call.request.recoverySnapshotIds)).toEqual([
      { [DB_1]: 'pit-db1-chosen00000' },
      { [DB_2]: 'pit-db2-chosen00000' },
    ]);
    const started = ofType(await world.events(EXECUTION), 'WaveStarted');
    expect(started.flatMap((event) => event.data.servers.map((server) => server.recoveryPoint))).toEqual(EXPECTED);
  });

  it('a start whose DRS job was created but not recorded is adopted with the same recovery points, and not started twice', async () => {
    // The first writer dies once StartRecovery of part 2 has answered: nothing it writes after reaches the ledger.
    let dead = false;
    let crashed = false;
    const world = new MemoryWorld({
      store: (ledger): ExecutionEventStore => ({
        load: (id) => ledger.load(id),
        read: (id, range) => ledger.read(id, range),
        listExecutions: (size, token) => ledger.listExecutions(size, token),
        head: (id) => ledger.head(id),
        append: async (loaded, decided): Promise<AppendResult> => {
          const event = decided.events[0];
          if (!crashed && event?.type === 'WaveStarted' && event.data.part === 2) dead = crashed = true;
          if (dead) throw new Error('the driver crashed');
          return ledger.append(loaded, decided);
        },
      }),
    });
    const claimed = await givenClaimed(world);
    await expect(continueWaveStart(world.deps, claimed, 1, 'claimed')).rejects.toThrow('the driver crashed');
    expect(world.drs.calls.startRecovery).toHaveLength(2);
    dead = false;

    await continueWaveStart(world.deps, await world.store.load(EXECUTION), 1, 'takeOver');

    expect(world.drs.calls.startRecovery).toHaveLength(2);
    const started = ofType(await world.events(EXECUTION), 'WaveStarted');
    expect(started.map((event) => event.data.part ?? 1)).toEqual([1, 2]);
    expect(started.flatMap((event) => event.data.servers.map((server) => server.recoveryPoint))).toEqual(EXPECTED);
  });
});
