import type { JobLog, JobLogEvent, JobStatus, LaunchStatus } from '@aws-sdk/client-drs';
import { launchEvents, launchStageStartMs, workMs } from './phases';
import type { JobRecord, ParticipantRecord } from './records';

/**
 * A job's state at a moment, as a pure function of its record and the clock: no timers.
 * Simulated time since creation is (now - createdAt) * speed. The job is PENDING for `pendingMs`,
 * then every server is IN_PROGRESS for its own `durationMs` (less when it fails at an earlier stage,
 * phases.ts) and ends LAUNCHED (TERMINATED for a TERMINATE job) or FAILED; the job is COMPLETED when the
 * slowest server has ended. A server with `staleStatus` keeps reading PENDING/IN_PROGRESS past that.
 */
export interface JobView {
  status: JobStatus;
  endDateTime?: string;
  participants: Array<{ record: ParticipantRecord; launchStatus: LaunchStatus; endedAtMs?: number }>;
}

const simulatedElapsed = (job: JobRecord, nowMs: number): number => Math.max(0, (nowMs - job.createdAtMs) * job.speed);

/** The clock time at which `simulatedMs` into the job is reached. */
export const realTimeAt = (job: JobRecord, simulatedMs: number): number => job.createdAtMs + simulatedMs / job.speed;

const iso = (ms: number): string => new Date(Math.floor(ms)).toISOString();

/** When the slowest server really ends (simulated ms): the job is COMPLETED from then on. */
const jobLength = (job: JobRecord): number => job.pendingMs + Math.max(0, ...job.participants.map((p) => workMs(job, p)));

/** When the participant really ends (simulated ms). */
const realEnd = (job: JobRecord, participant: ParticipantRecord): number => job.pendingMs + workMs(job, participant);

/** When DescribeJobs shows the participant's final status: later than its real end when it reads stale. */
const visibleEnd = (job: JobRecord, participant: ParticipantRecord): number =>
  participant.staleStatus ? Math.max(realEnd(job, participant), jobLength(job) + participant.staleStatus.lagMs) : realEnd(job, participant);

const finalStatus = (job: JobRecord, participant: ParticipantRecord): LaunchStatus => {
  if (participant.failureReason !== undefined) return 'FAILED';
  return job.type === 'LAUNCH' ? 'LAUNCHED' : 'TERMINATED';
};

const launchStatusAt = (job: JobRecord, participant: ParticipantRecord, elapsed: number): LaunchStatus => {
  if (elapsed < job.pendingMs) return 'PENDING';
  if (participant.staleStatus && elapsed < visibleEnd(job, participant)) return participant.staleStatus.launchStatus;
  if (elapsed < realEnd(job, participant)) return 'IN_PROGRESS';
  return finalStatus(job, participant);
};

export const viewJob = (job: JobRecord, nowMs: number): JobView => {
  const elapsed = simulatedElapsed(job, nowMs);
  const participants = job.participants.map((record) => {
    const launchStatus = launchStatusAt(job, record, elapsed);
    const ended = launchStatus === 'LAUNCHED' || launchStatus === 'FAILED' || launchStatus === 'TERMINATED';
    return { record, launchStatus, ...(ended ? { endedAtMs: realTimeAt(job, visibleEnd(job, record)) } : {}) };
  });
  const length = jobLength(job);
  if (elapsed < job.pendingMs) return { status: 'PENDING', participants };
  if (elapsed < length) return { status: 'STARTED', participants };
  // DRS sets endDateTime once a job is COMPLETED, even while a server still reads stale.
  return { status: 'COMPLETED', endDateTime: iso(realTimeAt(job, length)), participants };
};

export const isActive = (job: JobRecord, nowMs: number): boolean => simulatedElapsed(job, nowMs) < jobLength(job);

/** When a LAUNCH participant's instance shows (clock ms), or undefined if it never will. */
export const launchedAt = (job: JobRecord, participant: ParticipantRecord): number | undefined =>
  job.type === 'LAUNCH' && participant.failureReason === undefined ? realTimeAt(job, visibleEnd(job, participant)) : undefined;

/**
 * When a LAUNCH participant's instance is first listed (clock ms): EC2 creates it when the LAUNCH stage starts
 * (PENDING until launched). A server whose status reads stale shows it only once launched; a failing one never.
 */
export const instanceCreatedAt = (job: JobRecord, participant: ParticipantRecord): number | undefined => {
  const launched = launchedAt(job, participant);
  if (launched === undefined || participant.staleStatus) return launched;
  return Math.min(launched, realTimeAt(job, job.pendingMs + launchStageStartMs(participant)));
};

/** When a participant shows its final state (clock ms). */
export const endedAt = (job: JobRecord, participant: ParticipantRecord): number => realTimeAt(job, visibleEnd(job, participant));

/** The job's log so far, oldest first, in the events DRS uses (DescribeJobLogItems), at their real times. */
export const jobLog = (job: JobRecord, nowMs: number): JobLog[] => {
  const elapsed = simulatedElapsed(job, nowMs);
  const entries: Array<{ at: number; order: number; event: JobLogEvent; eventData?: JobLog['eventData'] }> = [];
  const add = (at: number, event: JobLogEvent, eventData?: JobLog['eventData']): void => {
    entries.push({ at, order: entries.length, event, ...(eventData ? { eventData } : {}) });
  };
  add(0, 'JOB_START');
  for (const participant of job.participants) {
    const start = job.pendingMs;
    const server = { sourceServerID: participant.sourceServerID };
    if (job.type === 'LAUNCH') {
      for (const step of launchEvents(participant)) {
        add(start + step.offsetMs, step.event, step.rawError !== undefined ? { ...server, rawError: step.rawError } : server);
      }
    } else {
      const target = { ...server, targetInstanceID: participant.recoveryInstanceID };
      add(start, 'CLEANUP_START', target);
      const reason = participant.failureReason;
      if (reason === undefined) add(realEnd(job, participant), 'CLEANUP_END', target);
      else add(realEnd(job, participant), 'CLEANUP_FAIL', reason ? { ...target, rawError: reason } : target);
    }
  }
  add(jobLength(job), 'JOB_END');
  return entries
    .filter((entry) => entry.at <= elapsed)
    .sort((a, b) => a.at - b.at || a.order - b.order)
    .map((entry) => ({
      logDateTime: iso(realTimeAt(job, entry.at)),
      event: entry.event,
      ...(entry.eventData ? { eventData: entry.eventData } : {}),
    }));
};
