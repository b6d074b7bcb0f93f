import { accountKey, FIND_CALLER } from './drsAccount';
import type { DrsAccount } from '../ports/recoveryJobs';
import type { WaveJob } from '../ports/executionViewStore';
import type { ObservedJob } from '../ports/pollInvoker';
import type { RecoveryJob } from '../ports/recoveryJobs';
import { expireApprovals } from './approvalDeadlines';
import { drivePendingCleanups } from './pendingCleanups';
import { allIndexPages } from './indexPages';
import { inBatches } from './inBatches';
import type { OperationDeps } from './deps';
import { ok, type OperationResponse } from './responses';

/** Async invokes in flight at once: enough to fan out thousands quickly without a burst of throttles. */
const INVOKE_CONCURRENCY = 16;

/** An observation larger than this is not handed on (async payloads stop at 256 KB): that poll asks DRS. */
const MAX_OBSERVATION_BYTES = 64 * 1024;

interface FindResult {
  executionId: string;
  planId: string;
  status: 'POLLING_INITIATED' | 'POLL_INVOKE_FAILED';
  error?: string;
}

/**
 * The current DRS job of each execution's wave in progress: the views name the jobs, and DescribeJobs
 * takes 1,000 ids a call (per account). Whatever cannot be read is not prefetched: those polls ask DRS.
 */
const prefetchJobs = async (deps: OperationDeps, executionIds: string[]): Promise<Map<string, ObservedJob[]>> => {
  const observed = new Map<string, ObservedJob[]>();
  if (!deps.views.wavesInProgress) return observed;
  try {
    type AccountGroup = { account: DrsAccount | undefined; waves: WaveJob[] };
    const byAccount = new Map<string, AccountGroup>();
    for (const wave of await deps.views.wavesInProgress(executionIds)) {
      const key = accountKey(wave.accountContext);
      const account: DrsAccount | undefined = wave.accountContext ? { ...wave.accountContext, onBehalfOf: FIND_CALLER } : undefined;
      const group: AccountGroup = byAccount.get(key) ?? { account, waves: [] };
      group.waves.push(wave);
      byAccount.set(key, group);
    }
    const drs = await deps.drs();
    for (const { account, waves } of byAccount.values()) {
      const observedAt = deps.now();
      const jobs = await drs
        .describeJobs(
          waves.flatMap((wave) => wave.drsJobIds),
          account,
        )
        .catch((error: unknown) => {
          deps.log.warn('Reading DRS jobs for the polls failed; each poll reads its own', { error: String(error) });
          return new Map<string, RecoveryJob>();
        });
      for (const wave of waves) {
        const seen = wave.drsJobIds.flatMap((jobId): ObservedJob[] => {
          const job = jobs.get(jobId);
          return job ? [{ jobId: job.jobId, status: job.status, servers: job.servers, observedAt }] : [];
        });
        // Only a whole wave is handed on: a poll missing one of its jobs reads DRS itself anyway.
        if (seen.length !== wave.drsJobIds.length) continue;
        if (Buffer.byteLength(JSON.stringify(seen), 'utf8') <= MAX_OBSERVATION_BYTES) observed.set(wave.executionId, seen);
      }
    }
  } catch (error) {
    deps.log.warn('Prefetching DRS jobs failed; each poll reads its own', { error: String(error) });
  }
  return observed;
};

/**
 * find (also the EventBridge schedule): every RUNNING execution, all pages of the sparse index, and one
 * asynchronous poll invocation for each, carrying the DRS job find saw for it when there are many.
 * A failed invoke is reported, not fatal: the next run retries it.
 */
export const find = async (deps: OperationDeps, functionName: string): Promise<OperationResponse> => {
  // Approvals past their deadline first: a CONTINUE makes its execution RUNNING, polled below.
  // A failure there must not stop the polls of every running execution: the next find tries again.
  const expired = await expireApprovals(deps).catch((error: unknown) => {
    deps.log.warn('Applying approval timeouts failed; the next find retries', { error: String(error) });
    return [];
  });
  const approvalsExpired = expired.length ? { approvalsExpired: expired } : {};
  const polled = await pollRunning(deps, functionName);
  // Drill cleanups due, awaiting confirmation, or to retry, after the polls (the time-critical work): a failure
  // here is logged, and the next find retries it.
  const visited = await drivePendingCleanups(deps).catch((error: unknown) => {
    deps.log.warn('Driving drill cleanups failed; the next find retries', { error: String(error) });
    return [];
  });
  const cleanups = visited.length ? { cleanups: visited } : {};
  return ok({ ...polled, ...approvalsExpired, ...cleanups });
};

/** One asynchronous poll invocation for every RUNNING execution. */
const pollRunning = async (
  deps: OperationDeps,
  functionName: string,
): Promise<{ executionsFound: number; executionsPolled: number; results: FindResult[] }> => {
  const running = await allIndexPages((pageSize, nextToken) => deps.views.listRunning(pageSize, nextToken));
  if (running.length === 0) return { executionsFound: 0, executionsPolled: 0, results: [] };
  // Many executions: one DescribeJobs per 1,000 of them here, rather than one in each poll.
  const observations =
    running.length >= deps.config.findPrefetchMinExecutions
      ? await prefetchJobs(
          deps,
          running.map((target) => target.executionId),
        )
      : new Map<string, ObservedJob[]>();
  if (observations.size > 0) deps.log.info('DRS jobs read for the polls', { executions: running.length, jobs: observations.size });
  const invoker = await deps.pollInvoker();
  const results = await inBatches(running, INVOKE_CONCURRENCY, async (target): Promise<FindResult> => {
    const observed = observations.get(target.executionId);
    try {
      await invoker.invokePoll(functionName, observed ? { ...target, observations: observed } : target);
      return { ...target, status: 'POLLING_INITIATED' };
    } catch (error) {
      deps.log.warn('Poll invocation failed', { executionId: target.executionId, error: String(error) });
      return { ...target, status: 'POLL_INVOKE_FAILED', error: error instanceof Error ? error.message : String(error) };
    }
  });
  return {
    executionsFound: running.length,
    executionsPolled: results.filter((result) => result.status === 'POLLING_INITIATED').length,
    results,
  };
};
