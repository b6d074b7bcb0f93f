import {
  ConflictException,
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  type DrsClient,
  InternalServerException,
  StartRecoveryCommand,
  ThrottlingException,
} from '@aws-sdk/client-drs';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { type DrsEmulator, startDrsEmulator, QUICK_TIMINGS } from '../../../src/local/emulators/drs';
import { drsClient, getJson, postJson, rejectionOf, serverId } from './support';

const A = serverId(1);
const B = serverId(2);
const C = serverId(3);

describe('DRS emulator: conflicts, throttling, server errors and failed launches', () => {
  let clock: ManualClock;
  let emulator: DrsEmulator;
  let drs: DrsClient;
  let randomValues: number[];

  beforeEach(async () => {
    clock = manualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
    randomValues = [];
    emulator = await startDrsEmulator({
      timings: QUICK_TIMINGS,
      clock: clock.now,
      random: () => randomValues.shift() ?? 1,
      sourceServers: [A, B, C].map((sourceServerID, i) => ({ sourceServerID, hostname: `host-${i}` })),
    });
    drs = drsClient(emulator.endpoint, { maxAttempts: 1 });
  });

  afterEach(async () => {
    drs.destroy();
    await emulator.close();
  });

  const start = (ids: string[], tags?: Record<string, string>) =>
    drs.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: ids.map((sourceServerID) => ({ sourceServerID })),
        ...(tags ? { tags } : {}),
      }),
    );

  it('refuses a server that is in a PENDING or STARTED job with ConflictException, until the job completes', async () => {
    const first = (await start([A, B])).job!;
    const conflict = await rejectionOf(start([C, B]));
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict.name).toBe('ConflictException');
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    expect(conflict).toMatchObject({ resourceId: B, resourceType: 'SOURCE_SERVER' });
    expect(conflict.message).toContain(first.jobID);

    clock.advance(10_000); // STARTED: still busy
    expect(await rejectionOf(start([A]))).toBeInstanceOf(ConflictException);

    clock.advance(40_000); // COMPLETED: free again
    expect((await start([A, B])).job!.status).toBe('PENDING');
    expect(emulator.stats.snapshot().errors.StartRecovery).toEqual({ ConflictException: 2 });
  });

  it('forces a ConflictException on request, in process or over HTTP', async () => {
    emulator.faults.apply({ conflict: { count: 1 } });
    expect(await rejectionOf(start([A]))).toBeInstanceOf(ConflictException);
    await start([A]);

    await postJson(`${emulator.endpoint}/__emulator/faults`, { conflict: { count: 1 } });
    const forced = await rejectionOf(start([B]));
    expect(forced).toBeInstanceOf(ConflictException);
    expect(forced.resourceId).toBe(B);
    expect(emulator.jobs()).toHaveLength(1);
  });

  it('throttles with ThrottlingException, 429 and Retry-After, which the SDK reads into retryAfterSeconds', async () => {
    emulator.faults.apply({ throttle: { count: 1, retryAfterSeconds: 2 } });
    const throttled = await rejectionOf(start([A]));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect(throttled.retryAfterSeconds).toBe('2'); // the SDK models it as the Retry-After header's string
    expect(throttled.serviceCode).toBe('drs');
    expect(throttled.$response?.headers['retry-after']).toBe('2');
    expect(emulator.jobs()).toHaveLength(0);
  });

  it('lets the default retry (maxAttempts 3) absorb one throttle', async () => {
    const retrying = drsClient(emulator.endpoint);
    try {
      emulator.faults.apply({ throttle: { count: 1, operations: ['StartRecovery'] } });
      const result = await retrying.send(
        new StartRecoveryCommand({
          sourceServers: [{ sourceServerID: A }],
          tags: { 'drs-ledger:executionId': 'ex-1', 'drs-ledger:wave': '1' },
        }),
      );
      expect(result.$metadata.attempts).toBe(2);
      expect(emulator.jobs()).toHaveLength(1);
      expect(emulator.stats.startRecoveryFor('ex-1', 1)).toEqual({ calls: 2, jobsCreated: 1 });
      const overHttp = await getJson(`${emulator.endpoint}/__emulator/stats`);
      expect(overHttp).toMatchObject({
        calls: { StartRecovery: 2 },
        succeeded: { StartRecovery: 1 },
        errors: { StartRecovery: { ThrottlingException: 1 } },
        startRecoveryByWave: [{ executionId: 'ex-1', wave: '1', calls: 2, jobsCreated: 1 }],
      });
    } finally {
      retrying.destroy();
    }
  });

  it('throttles a fraction of requests', async () => {
    await postJson(`${emulator.endpoint}/__emulator/faults`, { throttle: { fraction: 0.5 } });
    randomValues = [0.2, 0.7, 0.1, 0.9];
    const outcomes = [];
    for (let i = 0; i < 4; i += 1) {
      outcomes.push(
        await drs.send(new DescribeJobsCommand({})).then(
          () => 'ok',
          (error: Error) => error.name,
        ),
      );
    }
    expect(outcomes).toEqual(['ThrottlingException', 'ok', 'ThrottlingException', 'ok']);
  });

  it('answers the next N requests with InternalServerException (500)', async () => {
    emulator.faults.apply({ internalError: { count: 2 } });
    const first = await rejectionOf(drs.send(new DescribeJobsCommand({})));
    expect(first).toBeInstanceOf(InternalServerException);
    expect(first.$metadata.httpStatusCode).toBe(500);
    expect(first.$fault).toBe('server');
    expect(await rejectionOf(start([A]))).toBeInstanceOf(InternalServerException);
    expect(emulator.jobs()).toHaveLength(0);
    await start([A]);
    expect(emulator.jobs()).toHaveLength(1);
  });

  it('fails chosen servers: launchStatus FAILED, the reason in DescribeJobLogItems, no recovery instance', async () => {
    emulator.faults.apply({ failServers: [{ sourceServerID: B, reason: 'InsufficientInstanceCapacity in us-east-1a' }] });
    await postJson(`${emulator.endpoint}/__emulator/faults`, { failServers: [{ sourceServerID: C, times: 1 }] });
    const job = (await start([A, B, C])).job!;
    clock.advance(60_000);

    const done = (await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [job.jobID!] } }))).items![0]!;
    expect(done.status).toBe('COMPLETED'); // DRS has no FAILED job status
    expect(done.participatingServers!.map((s) => [s.sourceServerID, s.launchStatus])).toEqual([
      [A, 'LAUNCHED'],
      [B, 'FAILED'],
      [C, 'FAILED'],
    ]);
    const log = (await drs.send(new DescribeJobLogItemsCommand({ jobID: job.jobID! }))).items!;
    const failures = log.filter((item) => item.event === 'LAUNCH_FAILED').map((item) => item.eventData);
    expect(failures).toEqual(
      expect.arrayContaining([
        { sourceServerID: B, rawError: 'InsufficientInstanceCapacity in us-east-1a' },
        { sourceServerID: C, rawError: expect.stringContaining('injected') },
      ]),
    );
    const instances = (await drs.send(new DescribeRecoveryInstancesCommand({}))).items!;
    expect(instances.map((i) => i.sourceServerID)).toEqual([A]);

    // C failed once only; B keeps failing until healed.
    const again = (await start([B, C])).job!;
    clock.advance(60_000);
    const second = (await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [again.jobID!] } }))).items![0]!;
    expect(second.participatingServers!.map((s) => s.launchStatus)).toEqual(['FAILED', 'LAUNCHED']);

    emulator.faults.apply({ healServers: [B] });
    const healed = (await start([B])).job!;
    clock.advance(60_000);
    const third = (await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [healed.jobID!] } }))).items![0]!;
    expect(third.participatingServers![0]!.launchStatus).toBe('LAUNCHED');
  });

  it('refuses unknown admin routes and bad fault JSON without touching DRS state', async () => {
    const response = await fetch(`${emulator.endpoint}/__emulator/nothing`);
    expect(response.status).toBe(404);
    await response.text();
    const bad = await fetch(`${emulator.endpoint}/__emulator/faults`, { method: 'POST', body: '{' });
    expect(bad.status).toBe(400);
    await bad.text();
    const faults = await (await fetch(`${emulator.endpoint}/__emulator/faults`, { method: 'DELETE' })).json();
    expect(faults).toEqual({ throttle: null, internalError: null, conflict: null, failServers: [], lagServers: [] });
  });
});
