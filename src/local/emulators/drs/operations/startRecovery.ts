import type { Job } from '@aws-sdk/client-drs';
import type { DrsContext, Json, OperationResult } from '../context';
import { conflictError, validationError } from '../errors';
import { newJobId, newRecoveryInstanceId } from '../ids';
import { checkJobsInProgress, checkServersPerJob } from '../quotas';
import type { JobRecord, ParticipantRecord } from '../records';
import { HEALTHY_REPLICATION, snapshotsOf } from '../snapshots';
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
import { launchConfigurationFailure } from './getLaunchConfiguration';

/** The tags, read leniently before validation, so the per-wave counters see every call. */
export const startRecoveryTags = (body: Json): Record<string, string> | undefined => {
  const tags = body.tags;
  return typeof tags === 'object' && tags !== null && !Array.isArray(tags) ? (tags as Record<string, string>) : undefined;
};

interface Requested {
  sourceServerID: string;
  recoverySnapshotID: string | undefined;
}

/**
 * A participant's course, fixed at creation with the faults armed for its server. A missing or incomplete
 * launch configuration fails it at LAUNCH, as DRS does; its point in time is the chosen snapshot's, or the
 * latest data DRS has (now less the replication lag).
 */
const participant = (context: DrsContext, server: Requested, nowMs: number, snapshotTimes: Map<string, number>): ParticipantRecord => {
  const { sourceServerID, recoverySnapshotID } = server;
  const configurationFailure = launchConfigurationFailure(context, sourceServerID);
  const failure = configurationFailure
    ? { reason: configurationFailure, stage: 'LAUNCH' as const }
    : context.faults.takeLaunchFailure(sourceServerID);
  const staleStatus = context.faults.takeStaleStatus(sourceServerID);
  const stagesMs = stageDurations(context.timings, sourceServerID);
  const lagMs = (context.store.serverState(sourceServerID).replication ?? HEALTHY_REPLICATION).lagSeconds * 1000;
  return {
    sourceServerID,
    recoveryInstanceID: newRecoveryInstanceId(),
    durationMs: stagesMs.snapshot + stagesMs.conversion + stagesMs.launch,
    stagesMs,
    ...(failure ? { failureReason: failure.reason, failureStage: failure.stage } : {}),
    ...(staleStatus ? { staleStatus } : {}),
    pointInTimeMs: recoverySnapshotID ? (snapshotTimes.get(recoverySnapshotID) ?? nowMs) : Math.floor(nowMs - lagMs),
    ...(recoverySnapshotID ? { recoverySnapshotID } : {}),
  };
};

/** The chosen snapshots' times; an unknown one, or one DRS is still creating, refuses the whole request. */
const chosenSnapshots = (context: DrsContext, requested: Requested[], nowMs: number): Map<string, number> => {
  const times = new Map<string, number>();
  requested.forEach((server, index) => {
    if (!server.recoverySnapshotID) return;
    const path = `sourceServers.${index + 1}.recoverySnapshotID`;
    const snapshot = snapshotsOf(server.sourceServerID, context.store.serverState(server.sourceServerID), nowMs).find(
      (each) => each.snapshotID === server.recoverySnapshotID,
    );
    if (!snapshot) {
      throw validationError(`Recovery snapshot ${server.recoverySnapshotID} not found for source server ${server.sourceServerID}`, [
        { name: path, message: 'Unknown recovery snapshot for this source server' },
      ]);
    }
    if (snapshot.timestamp === undefined) {
      throw validationError(`Recovery snapshot ${server.recoverySnapshotID} is still being created`, [
        { name: path, message: 'Recovery snapshot is not complete' },
      ]);
    }
    times.set(snapshot.snapshotID, Date.parse(snapshot.timestamp));
  });
  return times;
};

/**
 * POST /StartRecovery -> 202 { job }. Refuses more servers than a job may hold, unknown servers
 * (ValidationException: the emulator's choice; DRS does not document this case), an unknown or unfinished
 * recovery snapshot (ValidationException), a server already in a
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
  const snapshotTimes = chosenSnapshots(context, requested, now);
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
    participants: requested.map((server) => participant(context, server, now, snapshotTimes)),
  };
  context.store.addJob(job);
  const wire: Job = jobOnWire(job, now);
  return { status: 202, body: { job: wire }, tags };
};
