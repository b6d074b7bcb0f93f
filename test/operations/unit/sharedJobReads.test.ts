/**
 * SharedJobReads: which DescribeJobs answers stand in for DRS's in another execution's poll, which jobs a
 * poll reads along with its own, and how much it remembers.
 */
import type { RecoveryJob } from '../../../src/ports/recoveryJobs';
import {
  COMPANIONS_QUIET_MS,
  MAX_COMPANION_JOBS,
  MAX_REMEMBERED_JOBS,
  SHARED_READ_INTEREST_MS,
  SharedJobReads,
} from '../../../src/operations/sharedJobReads';

const FRESH_MS = 5_000;
const AT = '2026-03-01T09:00:00.000Z';
const HOME = 'home';
const OTHER_ACCOUNT = '210987654321|eu-west-1|DRSOrchestrationRole||plan-b';

const job = (jobId: string, status: RecoveryJob['status'] = 'STARTED'): RecoveryJob => ({
  jobId,
  status,
  servers: [{ serverId: `s-${jobId.slice(-4)}`, launchStatus: 'IN_PROGRESS' }],
  tags: {},
});

const answers = (...jobs: RecoveryJob[]) => new Map(jobs.map((one) => [one.jobId, one]));

/** A container whose clock the test moves. */
const container = () => {
  let nowMs = 1_000_000;
  const reads = new SharedJobReads(() => nowMs, { freshMs: FRESH_MS, minExecutions: 2 });
  return {
    reads,
    advance: (ms: number) => {
      nowMs += ms;
    },
    /** The poll of `executionId` needed `needed` and DRS answered `jobs` (asked now). */
    read: (executionId: string, needed: string[], jobs: RecoveryJob[], account = HOME) =>
      reads.remember(account, { executionId, needed, askedAtMs: nowMs }, answers(...jobs)),
  };
};

describe('SharedJobReads', () => {
  describe('fresh', () => {
    it("given B's job read by A's poll, B's poll gets it while it is fresh, and not once it is older", () => {
      const { reads, read, advance } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      read('exec-a', ['job-a'], [job('job-a'), job('job-b', 'COMPLETED')]);
      advance(FRESH_MS);
      expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)).toEqual([
        expect.objectContaining({ jobId: 'job-b', status: 'COMPLETED', servers: job('job-b').servers }),
      ]);
      advance(1);
      expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)).toBeUndefined();
    });

    it("is dated from the poll's own time less the answer's age", () => {
      const { reads, read, advance } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      read('exec-a', ['job-a'], [job('job-a'), job('job-b')]);
      advance(2_000);
      expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)?.[0]?.observedAt).toBe('2026-03-01T08:59:58.000Z');
    });

    it('an older answer never replaces a newer one (concurrent polls finishing out of order)', () => {
      const { reads, read, advance } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      read('exec-a', ['job-a'], [job('job-a'), job('job-b', 'COMPLETED')]);
      reads.remember(HOME, { executionId: 'exec-c', needed: ['job-c'], askedAtMs: 1_000_000 - 1_000 }, answers(job('job-c'), job('job-b')));
      advance(1);
      expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)?.[0]?.status).toBe('COMPLETED');
    });

    it('nothing is shared while fewer executions than the minimum were polled lately in the account', () => {
      let nowMs = 0;
      const reads = new SharedJobReads(() => nowMs, { freshMs: FRESH_MS, minExecutions: 3 });
      const remember = (executionId: string, jobs: RecoveryJob[]) =>
        reads.remember(HOME, { executionId, needed: [jobs[0]?.jobId as string], askedAtMs: nowMs }, answers(...jobs));
      remember('exec-b', [job('job-b')]);
      remember('exec-a', [job('job-a'), job('job-b')]);
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual([]);
      expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)).toBeUndefined();
      remember('exec-c', [job('job-c'), job('job-b')]);
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual(['job-c', 'job-b']);
      expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)).toHaveLength(1);
      nowMs += SHARED_READ_INTEREST_MS + 1;
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual([]);
    });

    it("an execution's own last answer never stands for its next poll", () => {
      const { reads, read } = container();
      read('exec-a', ['job-a'], [job('job-a')]);
      expect(reads.fresh(HOME, ['job-a'], 'exec-a', AT)).toBeUndefined();
    });

    it('every job of the wave must be fresh: one missing or from another account, and there is no answer', () => {
      const { reads, read } = container();
      read('exec-b', ['job-b1', 'job-b2'], [job('job-b1'), job('job-b2')]);
      read('exec-a', ['job-a'], [job('job-a'), job('job-b1')]);
      expect(reads.fresh(HOME, ['job-b1', 'job-b2'], 'exec-b', AT)).toBeUndefined();
      expect(reads.fresh(HOME, ['job-b1'], 'exec-b', AT)).toHaveLength(1);
      expect(reads.fresh(OTHER_ACCOUNT, ['job-b1'], 'exec-b', AT)).toBeUndefined();
      expect(reads.fresh(HOME, [], 'exec-b', AT)).toBeUndefined();
    });

    it("an answer dated after the container's clock (a clock that went back) is not fresh", () => {
      const { reads, read, advance } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      read('exec-a', ['job-a'], [job('job-a'), job('job-b')]);
      advance(-1);
      expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)).toBeUndefined();
    });

    it('an answer kept for a job id in one account never stands for the same id in another', () => {
      const { reads, read } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      read('exec-a', ['job-a'], [job('job-a'), job('job-b')]);
      read('exec-c', ['job-c'], [job('job-c')], OTHER_ACCOUNT);
      // The same id needed in another account: the home account's answer does not follow it there.
      read('exec-x', ['job-b'], [], OTHER_ACCOUNT);
      expect(reads.fresh(OTHER_ACCOUNT, ['job-b'], 'exec-z', AT)).toBeUndefined();
    });

    it('an answer for a job no poll here needed is not kept', () => {
      const { reads, read } = container();
      read('exec-a', ['job-a'], [job('job-a'), job('job-stranger')]);
      expect(reads.fresh(HOME, ['job-stranger'], 'exec-b', AT)).toBeUndefined();
    });
  });

  describe('companions', () => {
    it('are the jobs of other executions polled lately in the same account, the most recent first', () => {
      const { reads, read, advance } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      read('exec-c', ['job-c'], [job('job-c')]);
      read('exec-x', ['job-x'], [job('job-x')], OTHER_ACCOUNT);
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual(['job-c', 'job-b']);
      expect(reads.companions(HOME, ['job-b'], 'exec-b')).toEqual(['job-c']);
      expect(reads.companions(OTHER_ACCOUNT, ['job-a'], 'exec-a')).toEqual(['job-x']);
      advance(SHARED_READ_INTEREST_MS + 1);
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual([]);
    });

    it('stay companions while their polls use shared answers, without reading DRS themselves', () => {
      const { reads, read, advance } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      for (let round = 0; round < 3; round += 1) {
        advance(SHARED_READ_INTEREST_MS / 2);
        read('exec-a', ['job-a'], [job('job-a'), job('job-b')]);
        expect(reads.fresh(HOME, ['job-b'], 'exec-b', AT)).toHaveLength(1);
      }
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual(['job-b']);
    });

    it("are never jobs of a wave their execution has left: its next wave's poll reads only what is current", () => {
      const { reads, read } = container();
      read('exec-b', ['job-b-wave1'], [job('job-b-wave1')]);
      read('exec-b', ['job-b-wave2'], [job('job-b-wave2')]);
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual(['job-b-wave2']);
      expect(reads.companions(HOME, ['job-b-wave3'], 'exec-b')).toEqual([]);
    });

    it('are none for a while in an account where reading them failed', () => {
      const { reads, read, advance } = container();
      read('exec-b', ['job-b'], [job('job-b')]);
      reads.companionsFailed(HOME);
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual([]);
      expect(reads.companions(OTHER_ACCOUNT, ['job-a'], 'exec-a')).toEqual([]);
      advance(COMPANIONS_QUIET_MS);
      read('exec-b', ['job-b'], [job('job-b')]);
      expect(reads.companions(HOME, ['job-a'], 'exec-a')).toEqual(['job-b']);
    });

    it(`are at most ${MAX_COMPANION_JOBS}, so one call names at most 100 jobs`, () => {
      const { reads, read } = container();
      for (let n = 0; n < 150; n += 1) read(`exec-${n}`, [`job-${n}`], [job(`job-${n}`)]);
      const companions = reads.companions(HOME, ['job-own'], 'exec-own');
      expect(companions).toHaveLength(MAX_COMPANION_JOBS);
      expect(companions[0]).toBe('job-149');
    });
  });

  it(`remembers at most ${MAX_REMEMBERED_JOBS} jobs, the least recently polled going first`, () => {
    const { reads, read } = container();
    for (let n = 0; n <= MAX_REMEMBERED_JOBS; n += 1) read(`exec-${n}`, [`job-${n}`], [job(`job-${n}`)]);
    // One more job needed: job-0 went with the first over the bound, job-1 goes now.
    read('exec-reader', ['job-reader'], [job('job-reader'), job('job-0'), job('job-1'), job('job-2')]);
    expect(reads.fresh(HOME, ['job-0'], 'exec-0', AT)).toBeUndefined();
    expect(reads.fresh(HOME, ['job-1'], 'exec-1', AT)).toBeUndefined();
    expect(reads.fresh(HOME, ['job-2'], 'exec-2', AT)).toHaveLength(1);
  });
});
