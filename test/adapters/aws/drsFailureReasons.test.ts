import { createHash } from 'node:crypto';
import type { JobLog } from '@aws-sdk/client-drs';
import { failureReasonFields, reasonsByServer } from '../../../src/adapters/aws/drsFailureReasons';
import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import { MAX_FAILURE_REASON_BYTES } from '../../../src/domain/execution';
import { CUT_MARK, utf8Length } from '../../../src/domain/text';
import { type DrsEmulator, manualClock, type ManualClock, startDrsEmulator } from '../../../src/local/emulators';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** 2 KB, like EC2's "encoded authorization failure message" when a launch role lacks a permission. */
const ENCODED_AUTHORIZATION_FAILURE = `You are not authorized to perform this operation. Encoded authorization failure message: ${'Qw7-'.repeat(500)}`;

const at = (second: number): string => `2025-06-01T12:00:${String(second).padStart(2, '0')}.000Z`;
const logged = (event: string, sourceServerID: string, second: number, rawError?: string): JobLog =>
  ({ event, logDateTime: at(second), eventData: { sourceServerID, ...(rawError !== undefined ? { rawError } : {}) } }) as JobLog;

describe('failure reasons from a DRS job log (pure)', () => {
  it('takes the last failure event logged for each server, whichever stage logged it', () => {
    const reasons = reasonsByServer([
      logged('SNAPSHOT_START', 's-a', 1),
      logged('SNAPSHOT_FAIL', 's-a', 2, 'snapshot failed'),
      logged('USING_PREVIOUS_SNAPSHOT_FAILED', 's-a', 3, 'no previous snapshot'),
      logged('CONVERSION_FAIL', 's-b', 4, 'conversion failed'),
      logged('LAUNCH_FAILED', 's-c', 5, 'capacity'),
    ]);
    expect(Object.fromEntries(reasons)).toEqual({
      's-a': { text: 'no previous snapshot', logEvent: 'USING_PREVIOUS_SNAPSHOT_FAILED', logDateTime: at(3) },
      's-b': { text: 'conversion failed', logEvent: 'CONVERSION_FAIL', logDateTime: at(4) },
      's-c': { text: 'capacity', logEvent: 'LAUNCH_FAILED', logDateTime: at(5) },
    });
  });

  it('prefers a failure event over a later event that merely carries a rawError, and takes such an event when nothing failed', () => {
    const reasons = reasonsByServer([
      logged('LAUNCH_FAILED', 's-a', 1, 'the failure'),
      logged('USING_PREVIOUS_SNAPSHOT', 's-a', 2, 'a note'),
      logged('USING_PREVIOUS_SNAPSHOT', 's-b', 3, 'only a note'),
    ]);
    expect(reasons.get('s-a')?.text).toBe('the failure');
    expect(reasons.get('s-b')).toEqual({ text: 'only a note', logEvent: 'USING_PREVIOUS_SNAPSHOT', logDateTime: at(3) });
  });

  it('gives no reason to a server whose events carry no rawError (or an empty one)', () => {
    const reasons = reasonsByServer([logged('LAUNCH_FAILED', 's-a', 1), logged('CONVERSION_FAIL', 's-b', 2, ''), { event: 'JOB_END' }]);
    expect(reasons.size).toBe(0);
  });

  it('cuts a 2 KB reason to at most 512 UTF-8 bytes, marked, with the digest and size of the whole', () => {
    const fields = failureReasonFields('drsjob-00000000000000001', {
      text: ENCODED_AUTHORIZATION_FAILURE,
      logEvent: 'SNAPSHOT_FAIL',
      logDateTime: at(9),
    });
    expect(utf8Length(ENCODED_AUTHORIZATION_FAILURE)).toBeGreaterThan(2000);
    expect(utf8Length(fields.failureReason)).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES);
    expect(fields.failureReason.endsWith(CUT_MARK)).toBe(true);
    expect(ENCODED_AUTHORIZATION_FAILURE.startsWith(fields.failureReason.slice(0, -CUT_MARK.length))).toBe(true);
    expect(fields.failureReasonRef).toEqual({
      sha256: sha256(ENCODED_AUTHORIZATION_FAILURE),
      bytes: Buffer.byteLength(ENCODED_AUTHORIZATION_FAILURE, 'utf8'),
      drsJobId: 'drsjob-00000000000000001',
      logEvent: 'SNAPSHOT_FAIL',
      logDateTime: at(9),
    });
  });

  it('counts bytes, not characters: a multi-byte reason is cut on a character boundary', () => {
    const text = 'Échec de conversion — ' + '日本語'.repeat(200);
    const { failureReason, failureReasonRef } = failureReasonFields('drsjob-00000000000000002', { text, logEvent: 'CONVERSION_FAIL' });
    expect(utf8Length(failureReason)).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES);
    expect(failureReason).not.toContain('\uFFFD');
    expect(failureReasonRef.bytes).toBe(Buffer.byteLength(text, 'utf8'));
    expect(failureReasonRef).not.toHaveProperty('logDateTime');
    // A short reason is kept whole.
    expect(failureReasonFields('drsjob-00000000000000002', { text: 'short', logEvent: 'LAUNCH_FAILED' }).failureReason).toBe('short');
  });
});

describe('DrsRecoveryJobs.describeJobs: failure reasons read from DescribeJobLogItems (DRS emulator, real DrsClient)', () => {
  const servers = Array.from({ length: 200 }, (_, i) => `s-${String(i + 1).padStart(17, '0')}`);
  const [launched, snapshotFailed, conversionFailed, launchFailed, unexplained] = servers as [string, string, string, string, string];
  /** Their LAUNCH_FAILED events are among the log's last: with the others, past its first 1,000 items. */
  const tail = servers.slice(195);
  let clock: ManualClock;
  let drs: DrsEmulator;
  let jobs: DrsRecoveryJobs;

  beforeEach(async () => {
    clock = manualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
    drs = await startDrsEmulator({
      clock: clock.now,
      timings: { pendingSeconds: 5, launchMinSeconds: 40, launchMaxSeconds: 40 },
      // 200 servers log about 1,000 items: a second page of DescribeJobLogItems.
      quotas: { maxServersPerJob: 200 },
      sourceServers: servers.map((sourceServerID) => ({ sourceServerID, hostname: sourceServerID })),
    });
    jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint }));
  });
  afterEach(() => drs.close());

  it('finds SNAPSHOT_FAIL, CONVERSION_FAIL and LAUNCH_FAILED reasons on every page, bounded and identified', async () => {
    drs.faults.apply({
      failServers: [
        { sourceServerID: snapshotFailed, stage: 'SNAPSHOT', reason: ENCODED_AUTHORIZATION_FAILURE },
        { sourceServerID: conversionFailed, stage: 'CONVERSION', reason: 'Conversion failed: unsupported boot loader' },
        { sourceServerID: launchFailed, stage: 'LAUNCH', reason: 'InsufficientInstanceCapacity' },
        { sourceServerID: unexplained, stage: 'LAUNCH', reason: '' },
        ...tail.map((sourceServerID) => ({ sourceServerID, stage: 'LAUNCH' as const, reason: `no capacity for ${sourceServerID}` })),
      ],
    });
    const job = await jobs.startRecovery({ isDrill: true, sourceServerIds: servers, tags: {} });
    clock.advance(45_000);

    const seen = (await jobs.describeJobs([job.jobId])).get(job.jobId)!;
    const server = (id: string) => seen.servers.find((s) => s.serverId === id)!;
    expect(seen.status).toBe('COMPLETED');
    expect(drs.stats.snapshot().calls.DescribeJobLogItems).toBe(2);

    expect(server(launched)).toEqual({ serverId: launched, launchStatus: 'LAUNCHED', recoveryInstanceId: expect.stringMatching(/^i-/) });
    const snapshot = server(snapshotFailed);
    expect(snapshot.launchStatus).toBe('FAILED');
    expect(utf8Length(snapshot.failureReason!)).toBeLessThanOrEqual(MAX_FAILURE_REASON_BYTES);
    expect(snapshot.failureReason!.endsWith(CUT_MARK)).toBe(true);
    expect(snapshot.failureReasonRef).toEqual({
      sha256: sha256(ENCODED_AUTHORIZATION_FAILURE),
      bytes: Buffer.byteLength(ENCODED_AUTHORIZATION_FAILURE),
      drsJobId: job.jobId,
      logEvent: 'SNAPSHOT_FAIL',
      logDateTime: '2025-06-01T12:00:15.000Z',
    });
    expect(server(conversionFailed)).toMatchObject({
      failureReason: 'Conversion failed: unsupported boot loader',
      failureReasonRef: {
        logEvent: 'CONVERSION_FAIL',
        sha256: sha256('Conversion failed: unsupported boot loader'),
        logDateTime: '2025-06-01T12:00:29.000Z',
      },
    });
    expect(server(launchFailed)).toMatchObject({
      failureReason: 'InsufficientInstanceCapacity',
      failureReasonRef: { logEvent: 'LAUNCH_FAILED' },
    });
    for (const id of tail)
      expect(server(id)).toMatchObject({ failureReason: `no capacity for ${id}`, failureReasonRef: { logEvent: 'LAUNCH_FAILED' } });

    const silent = server(unexplained);
    expect(silent.launchStatus).toBe('FAILED');
    expect(silent).not.toHaveProperty('failureReason');
    expect(silent).not.toHaveProperty('failureReasonRef');
  });

  it("reads the logs of the jobs named in reasonsOf only: other executions' jobs, read for their polls, go without", async () => {
    drs.faults.apply({
      failServers: [
        { sourceServerID: launchFailed, stage: 'LAUNCH', reason: 'InsufficientInstanceCapacity' },
        { sourceServerID: unexplained, stage: 'LAUNCH', reason: 'no capacity' },
      ],
    });
    const own = await jobs.startRecovery({ isDrill: true, sourceServerIds: [launchFailed], tags: {} });
    const others = await jobs.startRecovery({ isDrill: true, sourceServerIds: [unexplained], tags: {} });
    clock.advance(45_000);

    const seen = await jobs.describeJobs([own.jobId, others.jobId], undefined, { reasonsOf: [own.jobId] });
    expect(seen.get(own.jobId)?.servers[0]).toMatchObject({ launchStatus: 'FAILED', failureReason: 'InsufficientInstanceCapacity' });
    expect(seen.get(others.jobId)?.servers[0]).toEqual({ serverId: unexplained, launchStatus: 'FAILED' });
    expect(drs.stats.snapshot().calls.DescribeJobLogItems).toBe(1);
  });

  it('does not read the log of a job with no failed server', async () => {
    const job = await jobs.startRecovery({ isDrill: true, sourceServerIds: servers.slice(0, 2), tags: {} });
    clock.advance(45_000);
    expect((await jobs.describeJobs([job.jobId])).get(job.jobId)!.servers.map((s) => s.launchStatus)).toEqual(['LAUNCHED', 'LAUNCHED']);
    expect(drs.stats.snapshot().calls.DescribeJobLogItems).toBeUndefined();
  });
});
