import type { Job } from '@aws-sdk/client-drs';
import type { DrsContext, Json, OperationResult } from '../context';
import { conflictError, validationError } from '../errors';
import { newJobId, newRecoveryInstanceId } from '../ids';
import { checkJobsInProgress, checkServersPerJob } from '../quotas';
import type { JobRecord, ParticipantRecord } from '../records';
import { stageDurations } from '../timings';
import {
  asObjectAt,
  noDuplicates,
  optionalBoolean,
  optionalString,
  optionalTags,
  RECOVERY_SNAPSHOT_ID,
  requiredArray,
  requiredString,
  SOURCE_SERVER_ID,
} from '../validation';
import { busyServers, jobOnWire } from '../views';

/** The tags, read leniently before validation, so the per-wave counters see every call. */
export const startRecoveryTags = (body: Json): Record<string, string> | undefined => {
  const tags = body.tags;
  return typeof tags === 'object' && tags !== null && !Array.isArray(tags) ? (tags as Record<string, string>) : undefined;
};

/** A participant's course, fixed at creation with the faults armed for its server. */
const participant = (context: DrsContext, sourceServerID: string): ParticipantRecord => {
  const failure = context.faults.takeLaunchFailure(sourceServerID);
  const staleStatus = context.faults.takeStaleStatus(sourceServerID);
  const stagesMs = stageDurations(context.timings, sourceServerID);
  return {
    sourceServerID,
    recoveryInstanceID: newRecoveryInstanceId(),
    durationMs: stagesMs.snapshot + stagesMs.conversion + stagesMs.launch,
    stagesMs,
    ...(failure ? { failureReason: failure.reason, failureStage: failure.stage } : {}),
    ...(staleStatus ? { staleStatus } : {}),
  };
};

/**
 * POST /StartRecovery -> 202 { job }. Refuses more servers than a job may hold, unknown servers
 * (ValidationException: the emulator's choice; DRS does not document this case), a server already in a
 * PENDING/STARTED job (ConflictException), and a job beyond the jobs or servers in progress
 * (ServiceQuotaExceededException, quotas.ts).
 */
export const startRecovery = (context: DrsContext, body: Json): OperationResult => {
  const isDrill = optionalBoolean(body, 'isDrill') ?? false;
  const requested = requiredArray(body, 'sourceServers', 1, 200).map((entry, index) => {
    const path = `sourceServers.${index + 1}`;
    const server = asObjectAt(entry, path);
    return {
      sourceServerID: requiredString(server, 'sourceServerID', SOURCE_SERVER_ID, `${path}.sourceServerID`),
      recoverySnapshotID: optionalString(server, 'recoverySnapshotID', RECOVERY_SNAPSHOT_ID, `${path}.recoverySnapshotID`),
    };
  });
  const tags = optionalTags(body, 'tags');
  const ids = requested.map((server) => server.sourceServerID);
  noDuplicates(ids, 'sourceServers');
  checkServersPerJob(context.quotas, ids);

  const unknown = ids.filter((id) => !context.store.sourceServers.has(id));
  if (unknown.length > 0) {
    throw validationError(`Source servers not found: ${unknown.join(', ')}`, [
      { name: 'sourceServers', message: `Unknown source server ids: ${unknown.join(', ')}` },
    ]);
  }

  const now = context.now();
  const busy = busyServers(context.store.jobs, now);
  const taken = ids.find((id) => busy.has(id));
  if (taken !== undefined) {
    throw conflictError(`Source server ${taken} is already participating in active job ${busy.get(taken)}`, taken);
  }
  if (context.faults.takeForcedConflict('StartRecovery')) {
    throw conflictError(`Source server ${ids[0]} is already participating in another job (injected)`, ids[0] ?? '');
  }
  checkJobsInProgress(context.quotas, context.store.jobs, now, ids);

  const jobID = newJobId();
  const job: JobRecord = {
    jobID,
    arn: context.arns.job(jobID),
    type: 'LAUNCH',
    initiatedBy: isDrill ? 'START_DRILL' : 'START_RECOVERY',
    isDrill,
    createdAtMs: now,
    speed: context.speed,
    pendingMs: context.timings.pendingSeconds * 1000,
    tags,
    participants: ids.map((sourceServerID) => participant(context, sourceServerID)),
  };
  context.store.addJob(job);
  const wire: Job = jobOnWire(job, now);
  return { status: 202, body: { job: wire }, tags };
};
