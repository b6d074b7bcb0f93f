import type { DrsContext, Json, OperationResult } from '../context';
import { conflictError, validationError } from '../errors';
import { DEFAULT_TERMINATION_FAILURE } from '../faults';
import { newJobId } from '../ids';
import { checkJobsInProgress, checkServersPerJob } from '../quotas';
import type { JobRecord } from '../records';
import { noDuplicates, RECOVERY_INSTANCE_ID, requiredArray, stringList } from '../validation';
import { busyServers, jobOnWire, recoveryInstances } from '../views';

/**
 * POST /TerminateRecoveryInstances -> 200 { job }: a TERMINATE job whose servers end TERMINATED and
 * whose instances go SHUTTING-DOWN, then TERMINATED (unless the failTerminations fault fails them: they stay
 * RUNNING). An instance still PENDING is a ConflictException. Unknown instances are a ValidationException
 * (the emulator's choice); an instance already terminating, or a server busy in another job, a ConflictException;
 * a job beyond DRS's job quotas, a ServiceQuotaExceededException.
 */
export const terminateRecoveryInstances = (context: DrsContext, body: Json): OperationResult => {
  const ids = stringList(requiredArray(body, 'recoveryInstanceIDs', 1, 200), 'recoveryInstanceIDs', RECOVERY_INSTANCE_ID) ?? [];
  noDuplicates(ids, 'recoveryInstanceIDs');
  const now = context.now();
  const known = new Map(
    recoveryInstances(context.store.jobs, now, context.arns).map((instance) => [instance.wire.recoveryInstanceID, instance]),
  );
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw validationError(`Recovery instances not found: ${unknown.join(', ')}`, [
      { name: 'recoveryInstanceIDs', message: `Unknown recovery instance ids: ${unknown.join(', ')}` },
    ]);
  }
  const instances = ids.map((id) => known.get(id)!);
  // A cleanup is a job too: DRS's job quotas count its servers like a launch's.
  const serverIds = instances.map((instance) => instance.wire.sourceServerID ?? '');
  checkServersPerJob(context.quotas, serverIds);
  // EC2 cannot end an instance DRS is still launching: DRS refuses until it runs.
  const launching = instances.find((instance) => instance.wire.ec2InstanceState === 'PENDING');
  if (launching) {
    throw conflictError(
      `Recovery instance ${launching.wire.recoveryInstanceID} is still being launched (PENDING)`,
      launching.wire.recoveryInstanceID ?? '',
      'RECOVERY_INSTANCE',
    );
  }
  const ending = instances.find((instance) => instance.terminating);
  if (ending) {
    throw conflictError(
      `Recovery instance ${ending.wire.recoveryInstanceID} is already terminated or terminating`,
      ending.wire.recoveryInstanceID ?? '',
      'RECOVERY_INSTANCE',
    );
  }
  const busy = busyServers(context.store.jobs, now);
  const taken = instances.find((instance) => busy.has(instance.wire.sourceServerID ?? ''));
  if (taken) {
    const serverId = taken.wire.sourceServerID ?? '';
    throw conflictError(`Source server ${serverId} is already participating in active job ${busy.get(serverId)}`, serverId);
  }
  if (context.faults.takeForcedConflict('TerminateRecoveryInstances')) {
    throw conflictError(`Recovery instance ${ids[0]} is in use by another job (injected)`, ids[0] ?? '', 'RECOVERY_INSTANCE');
  }
  checkJobsInProgress(context.quotas, context.store.jobs, now, serverIds);
  const failing = context.faults.takeTerminationFailures(ids);
  const jobID = newJobId();
  const job: JobRecord = {
    jobID,
    arn: context.arns.job(jobID),
    type: 'TERMINATE',
    initiatedBy: 'TERMINATE_RECOVERY_INSTANCES',
    isDrill: instances.every((instance) => instance.wire.isDrill === true),
    createdAtMs: now,
    speed: context.speed,
    pendingMs: context.timings.pendingSeconds * 1000,
    tags: {},
    participants: instances.map((instance) => ({
      sourceServerID: instance.wire.sourceServerID ?? '',
      recoveryInstanceID: instance.wire.recoveryInstanceID ?? '',
      durationMs: context.timings.terminateSeconds * 1000,
      ...(failing.has(instance.wire.recoveryInstanceID ?? '')
        ? { failureReason: `${DEFAULT_TERMINATION_FAILURE}: ${instance.wire.recoveryInstanceID ?? ''}` }
        : {}),
    })),
  };
  context.store.addJob(job);
  return { status: 200, body: { job: jobOnWire(job, now) } };
};
