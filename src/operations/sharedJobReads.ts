import type { ObservedJob } from '../ports/pollInvoker';
import type { RecoveryJob } from '../ports/recoveryJobs';

/** A job is read along with others' while its execution was polled here this recently: two poll periods. */
export const SHARED_READ_INTEREST_MS = 60_000;
/** Other executions' jobs read along with a poll's own in one DescribeJobs (the call then names at most 100). */
export const MAX_COMPANION_JOBS = 99;
/** Jobs remembered at once: beyond it the least recently polled go first. */
export const MAX_REMEMBERED_JOBS = 1_000;

interface Remembered {
  accountKey: string;
  /** The execution whose poll needs this job. */
  neededBy: string;
  /** When an execution's poll last needed this job (its interest), by the container's clock. */
  neededAtMs: number;
  answer?: { job: RecoveryJob; readAtMs: number; readFor: string };
}

/**
 * What this container's polls read from DRS lately, by job, so that the polls of many executions share their
 * DescribeJobs: a poll that must read DRS reads, in the same call, the jobs of the other executions polled
 * here lately (in the same account, through the same role), and a poll that finds its jobs read by another
 * within `freshMs`, showing nothing its ledger lacks, reads DRS no more than a poll that find handed an
 * observation. A poll's own last answer never stands in for its next one: its ledger holds that answer
 * already, and the state machine, not this cache, sets each execution's cadence (so an execution polled
 * alone reads DRS on every poll, as without sharing). As with find's, an answer read for another poll is never recorded: a change is
 * read from DRS by the poll that records it. DRS throttles DescribeJobs per account, and a container serving
 * polls of many executions otherwise sends one call per poll.
 *
 * Ages are measured by the clock it is given (one per container, monotonic in production): never by the
 * invocations' own clocks, which may disagree.
 */
export class SharedJobReads {
  private readonly jobs = new Map<string, Remembered>();

  /**
   * @param clockMs the container's clock, in ms (monotonic in production).
   * @param freshMs how long an answer stands in for DRS's (SHARED_JOB_READ_SECONDS).
   */
  constructor(
    readonly clockMs: () => number,
    private readonly freshMs: number,
  ) {}

  /**
   * The jobs' answers, when every one was read within `freshMs` in this account by another execution's poll;
   * else undefined.
   */
  fresh(accountKey: string, jobIds: readonly string[], executionId: string): ObservedJob[] | undefined {
    const nowMs = this.clockMs();
    const observed: ObservedJob[] = [];
    for (const jobId of jobIds) {
      const answer = this.jobs.get(jobId);
      if (answer?.accountKey !== accountKey || !answer.answer || answer.answer.readFor === executionId) return undefined;
      const age = nowMs - answer.answer.readAtMs;
      if (age < 0 || age > this.freshMs) return undefined;
      const { job } = answer.answer;
      observed.push({ jobId, status: job.status, servers: job.servers, observedAt: new Date(answer.answer.readAtMs).toISOString() });
    }
    return observed.length ? observed : undefined;
  }

  /**
   * Jobs of other executions polled here lately in this account, to be read with `own` (the jobs of
   * `executionId`'s wave): at most MAX_COMPANION_JOBS.
   */
  companions(accountKey: string, own: readonly string[], executionId: string): string[] {
    const nowMs = this.clockMs();
    const companions: string[] = [];
    // Newest interest last (see remember): walking from the end takes the executions polled most recently.
    const entries = [...this.jobs.entries()];
    for (let index = entries.length - 1; index >= 0 && companions.length < MAX_COMPANION_JOBS; index -= 1) {
      const [jobId, remembered] = entries[index] as [string, Remembered];
      if (remembered.accountKey !== accountKey || remembered.neededBy === executionId || own.includes(jobId)) continue;
      if (nowMs - remembered.neededAtMs > SHARED_READ_INTEREST_MS) continue;
      companions.push(jobId);
    }
    return companions;
  }

  /**
   * What one DescribeJobs answered, sent at `askedAtMs` (an answer is as old as its question) for the poll of
   * `executionId`: `needed` are its own jobs, whose interest is renewed; the others' answers are kept for
   * their own polls.
   */
  remember(
    accountKey: string,
    read: { executionId: string; needed: readonly string[]; askedAtMs: number },
    answers: ReadonlyMap<string, RecoveryJob>,
  ): void {
    const { executionId, needed, askedAtMs } = read;
    const nowMs = this.clockMs();
    // The jobs of a wave this execution has left are nobody's concern any more: never read again along with others.
    for (const [jobId, remembered] of this.jobs)
      if (remembered.neededBy === executionId && !needed.includes(jobId)) this.jobs.delete(jobId);
    for (const jobId of needed) {
      const previous = this.jobs.get(jobId);
      this.jobs.delete(jobId);
      this.jobs.set(jobId, {
        accountKey,
        neededBy: executionId,
        neededAtMs: nowMs,
        ...(previous?.answer ? { answer: previous.answer } : {}),
      });
    }
    for (const [jobId, job] of answers) {
      const remembered = this.jobs.get(jobId);
      // Only jobs some poll here needed: an answer nobody asked about is not kept.
      if (remembered?.accountKey !== accountKey) continue;
      remembered.answer = { job, readAtMs: askedAtMs, readFor: executionId };
    }
    while (this.jobs.size > MAX_REMEMBERED_JOBS) {
      const oldest = this.jobs.keys().next().value as string;
      this.jobs.delete(oldest);
    }
  }
}
