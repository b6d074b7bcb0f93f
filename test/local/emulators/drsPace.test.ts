import {
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  type DrsClient,
  type JobLog,
  paginateDescribeJobLogItems,
  StartRecoveryCommand,
} from '@aws-sdk/client-drs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { DEFAULT_TIMINGS, type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators/drs';
import { drsClient, getJson, serverId } from './support';

/** The sample plan's 25 servers: a realistic spread of ids. */
const SAMPLE_SERVERS = (
  JSON.parse(readFileSync(join(__dirname, '../../../samples/three-tier-plan.json'), 'utf8')) as {
    waves: Array<{ sourceServerIds: string[] }>;
  }
).waves.flatMap((wave) => wave.sourceServerIds);

const MINUTE = 60_000;
const START = Date.UTC(2025, 5, 1, 12, 0, 0);

/** Each server's stage times in its job log, in minutes after the job's creation. */
const stageTimes = (log: JobLog[], id: string): Record<string, number> =>
  Object.fromEntries(
    log
      .filter((item) => item.eventData?.sourceServerID === id)
      .map((item) => [item.event as string, (Date.parse(item.logDateTime!) - START) / MINUTE]),
  );

describe("DRS emulator at DRS's pace (the default timings)", () => {
  let clock: ManualClock;
  let emulator: DrsEmulator;
  let drs: DrsClient;

  const start = async (ids: string[]) =>
    (await drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }))).job!;
  const describe1 = async (jobID: string) => (await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [jobID] } }))).items![0]!;
  const logOf = async (jobID: string) => {
    const log: JobLog[] = [];
    for await (const page of paginateDescribeJobLogItems({ client: drs }, { jobID })) log.push(...(page.items ?? []));
    return log;
  };

  beforeEach(async () => {
    clock = manualClock(START);
    emulator = await startDrsEmulator({
      clock: clock.now,
      sourceServers: [
        ...SAMPLE_SERVERS.map((sourceServerID, index) => ({ sourceServerID, hostname: `host-${index}` })),
        { sourceServerID: serverId(1), hostname: 'eu-app', originAccountId: '111122223333', originRegion: 'eu-central-1' },
      ],
    });
    drs = drsClient(emulator.endpoint, { maxAttempts: 1 });
  });

  afterEach(async () => {
    drs.destroy();
    await emulator.close();
  });

  it('takes minutes per stage: PENDING 30 s, snapshot 1-4 min, conversion 3-12 min, launch 2-6 min, each logged by DRS', async () => {
    const job = await start(SAMPLE_SERVERS.slice(0, 12));
    clock.advance(25 * MINUTE);
    const log = await logOf(job.jobID!);
    for (const id of SAMPLE_SERVERS.slice(0, 12)) {
      const at = stageTimes(log, id);
      expect(Object.keys(at)).toEqual(['SNAPSHOT_START', 'SNAPSHOT_END', 'CONVERSION_START', 'CONVERSION_END', 'LAUNCH_START']);
      expect(at.SNAPSHOT_START).toBe(0.5);
      const snapshot = at.SNAPSHOT_END! - at.SNAPSHOT_START!;
      const conversion = at.CONVERSION_END! - at.CONVERSION_START!;
      expect(at.CONVERSION_START).toBe(at.SNAPSHOT_END);
      expect(at.LAUNCH_START).toBe(at.CONVERSION_END);
      expect(snapshot).toBeGreaterThanOrEqual(1);
      expect(snapshot).toBeLessThanOrEqual(4);
      expect(conversion).toBeGreaterThanOrEqual(3);
      expect(conversion).toBeLessThanOrEqual(12);
    }
    const done = await describe1(job.jobID!);
    expect(done.status).toBe('COMPLETED');
    // The launch stage ends when DescribeJobs shows the server LAUNCHED: the job ends with the slowest, 2-6 min after its LAUNCH_START.
    const lastLaunchStart = Math.max(...SAMPLE_SERVERS.slice(0, 12).map((id) => stageTimes(log, id).LAUNCH_START!));
    const jobMinutes = (Date.parse(done.endDateTime!) - START) / MINUTE;
    expect(jobMinutes - lastLaunchStart).toBeLessThanOrEqual(6);
    expect(jobMinutes).toBeGreaterThan(0.5 + 6);
    expect(jobMinutes).toBeLessThanOrEqual(0.5 + 22);
  });

  it('gives each server its own duration, spread across the range, and the same one every time', async () => {
    const first = await start(SAMPLE_SERVERS);
    clock.advance(30 * MINUTE);
    const firstLog = await logOf(first.jobID!);
    const launchStarts = SAMPLE_SERVERS.map((id) => stageTimes(firstLog, id).LAUNCH_START!);
    // 25 servers do not all take as long: the slowest conversion is minutes longer than the fastest.
    expect(Math.max(...launchStarts) - Math.min(...launchStarts)).toBeGreaterThan(3);

    const second = await start(SAMPLE_SERVERS);
    const secondStart = clock.now();
    clock.advance(30 * MINUTE);
    const secondLog = await logOf(second.jobID!);
    const offsets = (log: JobLog[], from: number) =>
      log.map((item) => [item.event, item.eventData?.sourceServerID, Date.parse(item.logDateTime!) - from]);
    expect(offsets(secondLog, secondStart)).toEqual(offsets(firstLog, START));
  });

  it('runs `speed` times faster: the same job, its every log time divided by the speed', async () => {
    const slow = await start([SAMPLE_SERVERS[0]!]);
    clock.advance(30 * MINUTE);
    const slowDone = await describe1(slow.jobID!);
    const slowLength = Date.parse(slowDone.endDateTime!) - Date.parse(slowDone.creationDateTime!);

    emulator.setSpeed(100);
    const fast = await start([SAMPLE_SERVERS[0]!]);
    const fastStart = clock.now();
    clock.advance(Math.floor(slowLength / 100) - 1);
    expect((await describe1(fast.jobID!)).status).toBe('STARTED');
    clock.advance(1);
    const fastDone = await describe1(fast.jobID!);
    expect(fastDone.status).toBe('COMPLETED');
    expect(Date.parse(fastDone.endDateTime!) - fastStart).toBe(Math.floor(slowLength / 100));
  });

  it('reports where each source server runs, as DRS does for servers on AWS (sourceCloudProperties)', async () => {
    const servers = (await drs.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [SAMPLE_SERVERS[0]!, serverId(1)] } })))
      .items!;
    expect(servers.map((server) => [server.sourceServerID, server.sourceCloudProperties])).toEqual([
      [serverId(1), { originAccountID: '111122223333', originRegion: 'eu-central-1', originAvailabilityZone: 'eu-central-1a' }],
      [SAMPLE_SERVERS[0], { originAccountID: '000000000000', originRegion: 'us-west-2', originAvailabilityZone: 'us-west-2a' }],
    ]);
  });
});

describe('DRS emulator timings through the admin API', () => {
  let emulator: DrsEmulator;
  const A = serverId(7);

  beforeEach(async () => {
    emulator = await startDrsEmulator({ sourceServers: [{ sourceServerID: A, hostname: 'a' }] });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const post = (body: unknown) =>
    fetch(`${emulator.endpoint}/__emulator/timings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('shows, changes and resets the pace of the jobs created from then on', async () => {
    expect(await getJson(`${emulator.endpoint}/__emulator/timings`)).toEqual(DEFAULT_TIMINGS);
    const changed = await post({ pendingSeconds: 2, stages: { conversion: { minSeconds: 600, maxSeconds: 600 } } });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({
      ...DEFAULT_TIMINGS,
      pendingSeconds: 2,
      stages: { ...DEFAULT_TIMINGS.stages, conversion: { minSeconds: 600, maxSeconds: 600 } },
    });
    expect(emulator.timings().stages.conversion).toEqual({ minSeconds: 600, maxSeconds: 600 });
    await fetch(`${emulator.endpoint}/__emulator/timings`, { method: 'DELETE' });
    expect(emulator.timings()).toEqual(DEFAULT_TIMINGS);
  });

  it.each([
    [{ pendingSeconds: -1 }, 'pendingSeconds must be a number of seconds'],
    [{ stages: { boot: { minSeconds: 1, maxSeconds: 2 } } }, 'Unknown launch stage boot'],
    [{ stages: { snapshot: { minSeconds: 5, maxSeconds: 1 } } }, 'maxSeconds is below minSeconds'],
    [{ launchMinSeconds: 10 }, 'launchMinSeconds and launchMaxSeconds go together'],
    [{ speed: 3 }, 'Unknown DRS timing speed'],
  ])('refuses %j with 400 and changes nothing', async (body, message) => {
    const refused = await post(body);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toContain(message);
    expect(emulator.timings()).toEqual(DEFAULT_TIMINGS);
  });
});
