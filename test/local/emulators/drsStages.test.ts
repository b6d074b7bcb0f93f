import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  type JobLog,
  JobLogEvent,
  StartRecoveryCommand,
} from '@aws-sdk/client-drs';
import { MAX_RAW_ERROR_CHARS } from '../../../src/local/emulators/drs';
import type { JobRecord } from '../../../src/local/emulators/drs/records';
import { jobLog } from '../../../src/local/emulators/drs/timeline';
import { useDrsRig, getJson, postJson, serverId } from './support';

const [A, B, C, D] = [1, 2, 3, 4].map(serverId) as [string, string, string, string];

// With FIXED_TIMINGS a server's snapshot ends at 15 s, its conversion at 29 s and its launch at 45 s.
/** 2 KB, like EC2's "encoded authorization failure message" when a launch role lacks a permission. */
const ENCODED_AUTHORIZATION_FAILURE = `You are not authorized to perform this operation. Encoded authorization failure message: ${'Xk9'.repeat(660)}`;

const MODEL_EVENTS = new Set<string>(Object.values(JobLogEvent));

describe('DRS emulator: a server failing at the snapshot, conversion or launch stage', () => {
  const rig = useDrsRig([A, B, C, D]);

  const start = async (ids: string[]) =>
    (await rig.drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) })))
      .job!;
  const statuses = async (jobID: string) => {
    const job = (await rig.drs.send(new DescribeJobsCommand({ filters: { jobIDs: [jobID] } }))).items![0]!;
    return { status: job.status, servers: Object.fromEntries(job.participatingServers!.map((s) => [s.sourceServerID, s.launchStatus])) };
  };
  const logOf = async (jobID: string): Promise<JobLog[]> => (await rig.drs.send(new DescribeJobLogItemsCommand({ jobID }))).items!;
  const eventsFor = (log: JobLog[], id: string) => log.filter((item) => item.eventData?.sourceServerID === id).map((item) => item.event);

  it("logs each stage in DRS's events, the failing one with its rawError, and stops the server there", async () => {
    rig.emulator.faults.apply({
      failServers: [
        { sourceServerID: B, stage: 'SNAPSHOT', reason: ENCODED_AUTHORIZATION_FAILURE },
        { sourceServerID: C, stage: 'CONVERSION', reason: 'Conversion failed: unsupported boot loader' },
        { sourceServerID: D, reason: 'InsufficientInstanceCapacity' }, // LAUNCH by default
      ],
    });
    const job = await start([A, B, C, D]);

    rig.clock.advance(15_000); // B's snapshot failed; the others go on
    expect(await statuses(job.jobID!)).toEqual({
      status: 'STARTED',
      servers: { [A]: 'IN_PROGRESS', [B]: 'FAILED', [C]: 'IN_PROGRESS', [D]: 'IN_PROGRESS' },
    });
    rig.clock.advance(14_000); // 29 s: C's conversion failed
    expect((await statuses(job.jobID!)).servers).toEqual({ [A]: 'IN_PROGRESS', [B]: 'FAILED', [C]: 'FAILED', [D]: 'IN_PROGRESS' });
    rig.clock.advance(16_000); // 45 s: done
    expect(await statuses(job.jobID!)).toEqual({
      status: 'COMPLETED',
      servers: { [A]: 'LAUNCHED', [B]: 'FAILED', [C]: 'FAILED', [D]: 'FAILED' },
    });

    const log = await logOf(job.jobID!);
    expect(log.every((item) => MODEL_EVENTS.has(item.event!))).toBe(true);
    expect(log[0]!.event).toBe('JOB_START');
    expect(log[log.length - 1]!.event).toBe('JOB_END');
    expect(eventsFor(log, A)).toEqual(['SNAPSHOT_START', 'SNAPSHOT_END', 'CONVERSION_START', 'CONVERSION_END', 'LAUNCH_START']);
    expect(eventsFor(log, B)).toEqual(['SNAPSHOT_START', 'SNAPSHOT_FAIL']);
    expect(eventsFor(log, C)).toEqual(['SNAPSHOT_START', 'SNAPSHOT_END', 'CONVERSION_START', 'CONVERSION_FAIL']);
    expect(eventsFor(log, D)).toEqual([
      'SNAPSHOT_START',
      'SNAPSHOT_END',
      'CONVERSION_START',
      'CONVERSION_END',
      'LAUNCH_START',
      'LAUNCH_FAILED',
    ]);

    const withReasons = log.filter((item) => item.eventData?.rawError !== undefined);
    expect(withReasons.map((item) => [item.event, item.eventData!.sourceServerID, item.eventData!.rawError])).toEqual([
      ['SNAPSHOT_FAIL', B, ENCODED_AUTHORIZATION_FAILURE],
      ['CONVERSION_FAIL', C, 'Conversion failed: unsupported boot loader'],
      ['LAUNCH_FAILED', D, 'InsufficientInstanceCapacity'],
    ]);
    expect(withReasons.map((item) => item.logDateTime)).toEqual([
      '2025-06-01T12:00:15.000Z',
      '2025-06-01T12:00:29.000Z',
      '2025-06-01T12:00:45.000Z',
    ]);

    const instances = (await rig.drs.send(new DescribeRecoveryInstancesCommand({}))).items!;
    expect(instances.map((instance) => instance.sourceServerID)).toEqual([A]);
  });

  it('completes a job early when every server fails at the snapshot', async () => {
    rig.emulator.faults.apply({
      failServers: [
        { sourceServerID: A, stage: 'SNAPSHOT' },
        { sourceServerID: B, stage: 'SNAPSHOT' },
      ],
    });
    const job = await start([A, B]);
    rig.clock.advance(15_000);
    const done = (await rig.drs.send(new DescribeJobsCommand({ filters: { jobIDs: [job.jobID!] } }))).items![0]!;
    expect(done).toMatchObject({ status: 'COMPLETED', endDateTime: '2025-06-01T12:00:15.000Z' });
    expect((await logOf(job.jobID!)).filter((item) => item.event === 'SNAPSHOT_FAIL').map((item) => item.eventData!.rawError)).toEqual([
      expect.stringContaining('injected'),
      expect.stringContaining('injected'),
    ]);
  });

  it('logs a failure without a rawError when the reason is empty (DRS does not always say why)', async () => {
    rig.emulator.faults.apply({ failServers: [{ sourceServerID: A, stage: 'CONVERSION', reason: '' }] });
    const job = await start([A]);
    rig.clock.advance(45_000);
    expect((await statuses(job.jobID!)).servers[A]).toBe('FAILED');
    const failure = (await logOf(job.jobID!)).find((item) => item.event === 'CONVERSION_FAIL')!;
    expect(failure.eventData).toEqual({ sourceServerID: A });
  });

  it('takes stage failures over HTTP, and refuses a bad stage or a reason longer than rawError allows, changing nothing', async () => {
    await postJson(`${rig.emulator.endpoint}/__emulator/faults`, {
      failServers: [{ sourceServerID: A, stage: 'CONVERSION', reason: ENCODED_AUTHORIZATION_FAILURE, times: 1 }],
    });
    for (const bad of [
      { failServers: [{ sourceServerID: B, stage: 'BOOT' }] },
      { failServers: [{ sourceServerID: B, reason: 'x'.repeat(MAX_RAW_ERROR_CHARS + 1) }] },
      { reset: true, failServers: [{ sourceServerID: B, stage: 'SNAPSHOT', reason: 7 }] },
    ]) {
      const response = await fetch(`${rig.emulator.endpoint}/__emulator/faults`, { method: 'POST', body: JSON.stringify(bad) });
      expect(response.status).toBe(400);
      await response.text();
    }
    expect((await getJson(`${rig.emulator.endpoint}/__emulator/faults`)).failServers).toEqual([
      { sourceServerID: A, stage: 'CONVERSION', reason: ENCODED_AUTHORIZATION_FAILURE, times: 1 },
    ]);

    const job = await start([A]);
    rig.clock.advance(45_000);
    const failure = (await logOf(job.jobID!)).find((item) => item.event === 'CONVERSION_FAIL')!;
    expect(failure.eventData!.rawError).toBe(ENCODED_AUTHORIZATION_FAILURE);
    expect((await getJson(`${rig.emulator.endpoint}/__emulator/faults`)).failServers).toEqual([]); // used up
  });

  it('reads a job saved before stages existed (failureReason, no failureStage) as failing at LAUNCH', () => {
    const saved: JobRecord = {
      jobID: 'drsjob-00000000000000001',
      arn: 'arn:aws:drs:us-east-1:000000000000:job/drsjob-00000000000000001',
      type: 'LAUNCH',
      initiatedBy: 'START_DRILL',
      isDrill: true,
      createdAtMs: 0,
      speed: 1,
      pendingMs: 5_000,
      tags: {},
      participants: [{ sourceServerID: A, recoveryInstanceID: 'i-00000000000000001', durationMs: 40_000, failureReason: 'old reason' }],
    };
    const log = jobLog(saved, 60_000);
    expect(log.map((item) => item.event)).toEqual([
      'JOB_START',
      'SNAPSHOT_START',
      'SNAPSHOT_END',
      'CONVERSION_START',
      'CONVERSION_END',
      'LAUNCH_START',
      'LAUNCH_FAILED',
      'JOB_END',
    ]);
    expect(log[6]!.eventData).toEqual({ sourceServerID: A, rawError: 'old reason' });
  });
});
