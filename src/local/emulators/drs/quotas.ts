import { quotaExceededError } from './errors';
import type { JobRecord } from './records';
import { isActive } from './timeline';

/**
 * DRS's job quotas (Service Quotas, service code `drs`; none adjustable). The user guide's figures:
 * 100 servers in a single job, 20 jobs in progress, 500 servers across all jobs in progress. Jobs that
 * are COMPLETED do not count. Older published figures say 200 for both server quotas: plan for the lower.
 */
export interface DrsQuotas {
  /** L-B827C881 "Max source servers in a single Job". Final: the same request is refused again. */
  maxServersPerJob: number;
  /** L-D88FAC3A "Concurrent jobs in progress". A slot frees when a job completes. */
  maxConcurrentJobs: number;
  /** L-05AFA8C6 "Max source servers in all Jobs" (in progress). Frees as jobs complete. */
  maxServersInActiveJobs: number;
}

export const DEFAULT_QUOTAS: DrsQuotas = {
  maxServersPerJob: 100,
  maxConcurrentJobs: 20,
  maxServersInActiveJobs: 500,
};

export const QUOTA_CODES = {
  maxServersPerJob: 'L-B827C881',
  maxConcurrentJobs: 'L-D88FAC3A',
  maxServersInActiveJobs: 'L-05AFA8C6',
} as const satisfies Record<keyof DrsQuotas, string>;

/** A quota update, from code or the admin API: each given value must be a positive integer. */
export const checkedQuotas = (update: Record<string, unknown>): Partial<DrsQuotas> => {
  const result: Partial<DrsQuotas> = {};
  for (const [name, value] of Object.entries(update)) {
    if (!(name in DEFAULT_QUOTAS)) throw new Error(`Unknown DRS quota ${name} (known: ${Object.keys(DEFAULT_QUOTAS).join(', ')})`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`DRS quota ${name} must be a positive integer`);
    result[name as keyof DrsQuotas] = value;
  }
  return result;
};

/**
 * Refuses a job of `serverIds` with ServiceQuotaExceededException (402) naming the quota, as DRS does.
 * DRS does not document `resourceType`/`resourceId` for these: the emulator names the first server over a
 * server quota, or the oldest job in progress for the concurrent-jobs quota.
 */
export const checkServersPerJob = (quotas: DrsQuotas, serverIds: string[]): void => {
  if (serverIds.length <= quotas.maxServersPerJob) return;
  throw quotaExceededError(
    `A job may include at most ${quotas.maxServersPerJob} source servers; ${serverIds.length} were requested`,
    QUOTA_CODES.maxServersPerJob,
    'SOURCE_SERVER',
    serverIds[quotas.maxServersPerJob] ?? '',
  );
};

/** The quotas on work in progress, checked once the request is otherwise valid. */
export const checkJobsInProgress = (quotas: DrsQuotas, jobs: JobRecord[], nowMs: number, serverIds: string[]): void => {
  const active = jobs.filter((job) => isActive(job, nowMs));
  if (active.length >= quotas.maxConcurrentJobs) {
    throw quotaExceededError(
      `Maximum of ${quotas.maxConcurrentJobs} concurrent jobs reached`,
      QUOTA_CODES.maxConcurrentJobs,
      'JOB',
      active[0]?.jobID ?? '',
    );
  }
  const inFlight = active.reduce((sum, job) => sum + job.participants.length, 0);
  const room = Math.max(0, quotas.maxServersInActiveJobs - inFlight);
  if (serverIds.length > room) {
    throw quotaExceededError(
      `Jobs in progress may include at most ${quotas.maxServersInActiveJobs} source servers; ${inFlight} are in progress and ${serverIds.length} were requested`,
      QUOTA_CODES.maxServersInActiveJobs,
      'SOURCE_SERVER',
      serverIds[room] ?? '',
    );
  }
};
