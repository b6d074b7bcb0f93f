import type { ObservedJob } from '../ports/pollInvoker';
import type { RecoveryJob } from '../ports/recoveryJobs';

/** A job is read along with others' while its execution was polled here this recently: two poll periods. */
export const SHARED_READ_INTEREST_MS = 60_000;
/** Other executions' jobs read in one DescribeJobs along with a poll's own. */
export const MAX_COMPANION_JOBS = 99;
/** Jobs remembered at once: beyond it the least recently polled go first. */
export const MAX_REMEMBERED_JOBS = 1_000;
/** After a read of other executions' jobs failed in an account, none is asked for there for this long. */
export const COMPANIONS_QUIET_MS = 60_000;

interface Remembered {
  accountKey: string;
  /** The execution whose poll needs this job. */
  neededBy: string;
  /** When its execution's poll last needed this job (its interest), by the container's clock. */
  neededAtMs: number;
  answer?: { job: RecoveryJob; readAtMs: number; readFor: string };
}

export interface SharedJobReadsOptions {
  /** How long an answer stands in for DRS's (SHARED_JOB_READ_SECONDS). */
  freshMs: number;
  /**
   * Sharing starts once this many executions were polled here lately in one account
   * (SHARED_JOB_READ_MIN_EXECUTIONS): below it a saved call is not worth a poll's news being late.
   */
  minExecutions: number;
}

/**
 * What this container's polls read from DRS lately, by job, so that the polls of many executions share their
 * DescribeJobs: DRS throttles DescribeJobs per account, and a container serving the polls of many executions
 * otherwise sends one call per poll. A poll that must read DRS also reads the jobs of the other executions
 * polled here lately (in the same account, through the same role); a poll that finds its jobs read so by
 * another within `freshMs`, showing nothing its ledger lacks, reads nothing. As with find's observations,
 * such an answer is never recorded: a change is read from DRS by the poll that records it. The price: a
 * change DRS makes between that read and the poll is seen one poll later.
 *
 * A poll's own last answer never stands in for its next one (its ledger holds that answer already, and the
 * state machine, not this cache, sets an execution's cadence), and below `minExecutions` nothing is shared,
 * so a few executions are polled as without sharing. Ages are measured by the clock it is given (one per
 * container, monotonic in production), never by the invocations' own clocks, which may disagree.
 */
export class SharedJobReads {
  private readonly jobs = new Map<string, Remembered>();
  /** Accounts where reading other executions' jobs failed lately: until when none is asked for there. */
  private readonly quietUntil = new Map<string, number>();

  /** @param clockMs the container's clock, in ms (monotonic in production). */
  constructor(
    readonly clockMs: () => number,
    private readonly options: SharedJobReadsOptions,
  ) {}

  /**
   * The jobs' answers (dated from `at`, the poll's own time), when every one was read within `freshMs` in
   * this account by another execution's poll; else undefined. A use renews the jobs' interest.
   */
  fresh(accountKey: string, jobIds: readonly string[], executionId: string, at: string): ObservedJob[] | undefined {
    const nowMs = this.clockMs();
    if (jobIds.length === 0 || !this.sharing(accountKey, executionId, nowMs)) return undefined;
    const observed: ObservedJob[] = [];
    for (const jobId of jobIds) {
      const remembered = this.jobs.get(jobId);
      const answer = remembered?.accountKey === accountKey ? remembered.answer : undefined;
      if (!answer || answer.readFor === executionId) return undefined;
      const age = nowMs - answer.readAtMs;
      if (age < 0 || age > this.options.freshMs) return undefined;
      const { job } = answer;
      observed.push({ jobId, status: job.status, servers: job.servers, observedAt: new Date(Date.parse(at) - age).toISOString() });
    }
    this.need(accountKey, executionId, jobIds, nowMs);
    return observed;
  }

  /**
   * Jobs of other executions polled here lately in this account, to be read with `own` (the jobs of
   * `executionId`'s wave): at most MAX_COMPANION_JOBS, none while too few executions share.
   */
  companions(accountKey: string, own: readonly string[], executionId: string): string[] {
    const nowMs = this.clockMs();
    if (!this.sharing(accountKey, executionId, nowMs) || nowMs < (this.quietUntil.get(accountKey) ?? -Infinity)) return [];
    const companions: string[] = [];
    // Newest interest last (see need): walking from the end takes the executions polled most recently.
    const entries = [...this.jobs.entries()];
    for (let index = entries.length - 1; index >= 0 && companions.length < MAX_COMPANION_JOBS; index -= 1) {
      const [jobId, remembered] = entries[index] as [string, Remembered];
      if (remembered.accountKey !== accountKey || remembered.neededBy === executionId || own.includes(jobId)) continue;
      if (nowMs - remembered.neededAtMs > SHARED_READ_INTEREST_MS) continue;
      companions.push(jobId);
    }
    return companions;
  }

  /** A read of other executions' jobs failed in this account: none is asked for there for COMPANIONS_QUIET_MS. */
  companionsFailed(accountKey: string): void {
    this.quietUntil.set(accountKey, this.clockMs() + COMPANIONS_QUIET_MS);
  }

  /**
   * What DRS answered, asked at `askedAtMs` (an answer is as old as its question), for the poll of
   * `executionId`: `needed` are its own jobs, whose interest is renewed; the others' answers are kept for
   * their own polls, unless a newer answer is kept already.
   */
  remember(
    accountKey: string,
    read: { executionId: string; needed: readonly string[]; askedAtMs: number },
    answers: ReadonlyMap<string, RecoveryJob>,
  ): void {
    const { executionId, needed, askedAtMs } = read;
    this.need(accountKey, executionId, needed, this.clockMs());
    for (const [jobId, job] of answers) {
      const remembered = this.jobs.get(jobId);
      // Only jobs some poll here needed: an answer nobody asked about is not kept.
      if (remembered?.accountKey !== accountKey) continue;
      // Concurrent polls may finish out of order: an older answer never replaces a newer one.
      if (remembered.answer && remembered.answer.readAtMs > askedAtMs) continue;
      remembered.answer = { job, readAtMs: askedAtMs, readFor: executionId };
    }
    while (this.jobs.size > MAX_REMEMBERED_JOBS) {
      const oldest = this.jobs.keys().next().value as string;
      this.jobs.delete(oldest);
    }
  }

  /** `executionId` needs `jobIds` now: their interest is renewed, and the jobs of a wave it has left are forgotten. */
  private need(accountKey: string, executionId: string, jobIds: readonly string[], nowMs: number): void {
    for (const [jobId, remembered] of this.jobs) {
      if (remembered.neededBy === executionId && !jobIds.includes(jobId)) this.jobs.delete(jobId);
    }
    for (const jobId of jobIds) {
      const previous = this.jobs.get(jobId);
      this.jobs.delete(jobId);
      this.jobs.set(jobId, {
        accountKey,
        neededBy: executionId,
        neededAtMs: nowMs,
        ...(previous?.answer && previous.accountKey === accountKey ? { answer: previous.answer } : {}),
      });
    }
  }

  /** Whether enough executions, the asking one among them, were polled here lately in this account to share. */
  private sharing(accountKey: string, executionId: string, nowMs: number): boolean {
    const executions = new Set<string>([executionId]);
    for (const remembered of this.jobs.values()) {
      if (remembered.accountKey === accountKey && nowMs - remembered.neededAtMs <= SHARED_READ_INTEREST_MS) {
        executions.add(remembered.neededBy);
        if (executions.size >= this.options.minExecutions) return true;
      }
    }
    return false;
  }
}
