import { RecoveryJobsError } from '../../ports/recoveryJobs';
import { AssumeRoleError } from './assumeRole';

/** Errors worth another attempt later: throttling, DRS's own faults, a server still busy in another job. */
const RETRYABLE = new Set(['ThrottlingException', 'InternalServerException', 'ConflictException', 'ServiceUnavailable']);

/**
 * Quotas on work in flight, concurrent jobs (L-D88FAC3A) and servers across active jobs (L-05AFA8C6): a slot
 * frees when a job ends, so a start refused by them is tried again. Other quotas (servers per job) are final.
 */
const IN_FLIGHT_QUOTAS = new Set(['L-D88FAC3A', 'L-05AFA8C6']);

const isInFlightQuota = (error: unknown, name: string): boolean => {
  const quotaCode = (error as { quotaCode?: unknown }).quotaCode;
  return name === 'ServiceQuotaExceededException' && typeof quotaCode === 'string' && IN_FLIGHT_QUOTAS.has(quotaCode);
};

/** Any failure of a DRS call (or of the credentials for it), classified for the domain. */
export const toRecoveryJobsError = (error: unknown): RecoveryJobsError => {
  if (error instanceof RecoveryJobsError) return error;
  // Thrown by the client's credential provider before any DRS request: classified by STS's answer.
  if (error instanceof AssumeRoleError) return new RecoveryJobsError(error.code, error.message, error.retryable);
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  const retryAfter = Number((error as { retryAfterSeconds?: unknown }).retryAfterSeconds);
  // No HTTP status: no answer at all (connection refused or reset, a timeout). DRS may or may not have
  // acted; a retried wave start first looks for a job with the wave's tags, so retrying is safe.
  const noAnswer = status === 0;
  // No room in DRS: a slot frees when a job ends, minutes from now; the wave waits without spending attempts.
  const waitingForCapacity = isInFlightQuota(error, name) || name === 'ConflictException';
  return new RecoveryJobsError(
    name,
    message,
    RETRYABLE.has(name) || waitingForCapacity || noAnswer || status >= 500 || status === 429,
    Number.isFinite(retryAfter) ? retryAfter : undefined,
    waitingForCapacity,
  );
};
