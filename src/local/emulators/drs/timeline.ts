import type { JobLog, JobLogEvent, JobStatus, LaunchStatus } from '@aws-sdk/client-drs';
import type { JobRecord, ParticipantRecord } from './records';

/**
 * A job's state at a moment, as a pure function of its record and the clock: no timers.
 * Simulated time since creation is (now - createdAt) * speed. The job is PENDING for `pendingMs`,
 * then every server is IN_PROGRESS for its own `durationMs` and ends LAUNCHED (TERMINATED for a
 * TERMINATE job) or FAILED; the job is COMPLETED when the slowest server has ended.
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

const jobLength = (job: JobRecord): number => job.pendingMs + Math.max(0, ...job.participants.map((p) => p.durationMs));

const finalStatus = (job: JobRecord, participant: ParticipantRecord): LaunchStatus => {
  if (participant.failureReason !== undefined) return 'FAILED';
  return job.type === 'LAUNCH' ? 'LAUNCHED' : 'TERMINATED';
};

export const viewJob = (job: JobRecord, nowMs: number): JobView => {
  const elapsed = simulatedElapsed(job, nowMs);
  const participants = job.participants.map((record) => {
    const endsAt = job.pendingMs + record.durationMs;
    if (elapsed < job.pendingMs) return { record, launchStatus: 'PENDING' as LaunchStatus };
    if (elapsed < endsAt) return { record, launchStatus: 'IN_PROGRESS' as LaunchStatus };
    return { record, launchStatus: finalStatus(job, record), endedAtMs: realTimeAt(job, endsAt) };
  });
  const length = jobLength(job);
  if (elapsed < job.pendingMs) return { status: 'PENDING', participants };
  if (elapsed < length) return { status: 'STARTED', participants };
  return { status: 'COMPLETED', endDateTime: iso(realTimeAt(job, length)), participants };
};

export const isActive = (job: JobRecord, nowMs: number): boolean => simulatedElapsed(job, nowMs) < jobLength(job);

/** When a LAUNCH participant's instance exists (clock ms), or undefined if it never will. */
export const launchedAt = (job: JobRecord, participant: ParticipantRecord): number | undefined =>
  job.type === 'LAUNCH' && participant.failureReason === undefined
    ? realTimeAt(job, job.pendingMs + participant.durationMs)
    : undefined;

/** When a participant reaches its final state (clock ms). */
export const endedAt = (job: JobRecord, participant: ParticipantRecord): number =>
  realTimeAt(job, job.pendingMs + participant.durationMs);

/** The job's log so far, oldest first, in the events DRS uses (DescribeJobLogItems). */
export const jobLog = (job: JobRecord, nowMs: number): JobLog[] => {
  const elapsed = simulatedElapsed(job, nowMs);
  const entries: Array<{ at: number; order: number; event: JobLogEvent; eventData?: JobLog['eventData'] }> = [];
  const add = (at: number, event: JobLogEvent, eventData?: JobLog['eventData']): void => {
    entries.push({ at, order: entries.length, event, ...(eventData ? { eventData } : {}) });
  };
  add(0, 'JOB_START');
  for (const participant of job.participants) {
    const start = job.pendingMs;
    const end = job.pendingMs + participant.durationMs;
    const server = { sourceServerID: participant.sourceServerID };
    if (job.type === 'LAUNCH') {
      const snapshotEnd = start + participant.durationMs * 0.25;
      const conversionEnd = start + participant.durationMs * 0.6;
      add(start, 'SNAPSHOT_START', server);
      add(snapshotEnd, 'SNAPSHOT_END', server);
      add(snapshotEnd, 'CONVERSION_START', server);
      add(conversionEnd, 'CONVERSION_END', server);
      add(conversionEnd, 'LAUNCH_START', server);
      if (participant.failureReason !== undefined) {
        add(end, 'LAUNCH_FAILED', { ...server, rawError: participant.failureReason });
      }
    } else {
      add(start, 'CLEANUP_START', { ...server, targetInstanceID: participant.recoveryInstanceID });
      add(end, 'CLEANUP_END', { ...server, targetInstanceID: participant.recoveryInstanceID });
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
