import type { RecoveryPlan } from '../plan';
import type { BusyJob, FactRead, FactReadError, ReadinessCheck, ReadinessFacts, ServerReplication } from './facts';
import { type ReadinessFinding, reasonText } from './finding';

/** A server whose replication lags more than this (or its plan's RPO target) is told about. */
export const DEFAULT_MAX_LAG_MINUTES = 15;
/** DRS's quota on concurrent jobs (L-D88FAC3A), unless the deployment says otherwise. */
export const DEFAULT_CONCURRENT_JOBS_QUOTA = 20;
/** The replication state in which DRS can launch a server from current data. */
export const HEALTHY_REPLICATION = 'CONTINUOUS';
/** States DRS passes through while replicating normally (a backlog, a snapshot being taken, a rescan). */
const TRANSIENT_REPLICATION = new Set(['BACKLOG', 'CREATING_SNAPSHOT', 'RESCAN']);

export interface ReadinessInput {
  plan: RecoveryPlan;
  executionType: 'DRILL' | 'RECOVERY';
  /** When the facts were read. */
  now: string;
  /** Recover every server as of this time: each needs a completed snapshot at or before it. */
  recoverAsOf?: string;
  /** DRS's servers-per-job quota as configured. */
  serversPerJob: number;
  /** DRS's concurrent-jobs quota as configured. */
  concurrentJobsQuota: number;
  facts: ReadinessFacts;
}

const minutes = (seconds: number): string => `${Math.round((seconds / 60) * 10) / 10} min`;

const blocking = (code: ReadinessFinding['code'], reason: string, where: Partial<ReadinessFinding> = {}): ReadinessFinding => ({
  severity: 'BLOCKING',
  code,
  reason: reasonText(reason),
  ...where,
});
const warning = (code: ReadinessFinding['code'], reason: string, where: Partial<ReadinessFinding> = {}): ReadinessFinding => ({
  severity: 'WARNING',
  code,
  reason: reasonText(reason),
  ...where,
});

interface PlacedServer {
  serverId: string;
  waveNumber: number;
}

const serversOf = (plan: RecoveryPlan): PlacedServer[] =>
  plan.waves.flatMap((wave, index) => wave.sourceServerIds.map((serverId) => ({ serverId, waveNumber: index + 1 })));

/** Replication, and the newest snapshot against the RPO target: one BLOCKING at most, the cause first. */
const replicationFindings = (server: PlacedServer, facts: ServerReplication | undefined, input: ReadinessInput): ReadinessFinding[] => {
  const where = { serverId: server.serverId, waveNumber: server.waveNumber };
  if (!facts) {
    return [blocking('SERVER_UNKNOWN_TO_DRS', `DRS does not know source server ${server.serverId}: it cannot be launched`, where)];
  }
  if (TRANSIENT_REPLICATION.has(facts.state)) {
    // DRS catches up or takes a snapshot and goes back to CONTINUOUS: a launch uses the newest point it has.
    return [
      warning(
        'REPLICATION_CATCHING_UP',
        `Replication of ${server.serverId} is ${facts.state}, passing through on its way to ${HEALTHY_REPLICATION}`,
        where,
      ),
    ];
  }
  if (facts.state !== HEALTHY_REPLICATION) {
    // The state is the cause: a lag or snapshot age of a server that does not replicate says nothing more.
    const error = facts.error ? `: ${facts.error}` : '';
    return [
      blocking('REPLICATION_NOT_HEALTHY', `Replication of ${server.serverId} is ${facts.state}, not ${HEALTHY_REPLICATION}${error}`, where),
    ];
  }
  const found: ReadinessFinding[] = [];
  const rpo = input.plan.rpoTargetMinutes;
  const maxLagSeconds = (rpo ?? DEFAULT_MAX_LAG_MINUTES) * 60;
  if (facts.lagSeconds !== undefined && facts.lagSeconds > maxLagSeconds) {
    const against = rpo === undefined ? `the ${DEFAULT_MAX_LAG_MINUTES} min default` : `the plan's RPO target of ${rpo} min`;
    found.push(warning('REPLICATION_LAG', `Replication of ${server.serverId} lags ${minutes(facts.lagSeconds)}, above ${against}`, where));
  }
  if (facts.lastSnapshotAt === undefined) {
    found.push(blocking('NO_SNAPSHOT', `DRS has no recovery snapshot of ${server.serverId} yet: there is no point to launch from`, where));
  } else if (rpo !== undefined) {
    const ageSeconds = (Date.parse(input.now) - Date.parse(facts.lastSnapshotAt)) / 1000;
    if (ageSeconds > rpo * 60) {
      found.push(
        warning(
          'SNAPSHOT_OLDER_THAN_RPO',
          `The newest snapshot of ${server.serverId} (${facts.lastSnapshotAt}) is ${minutes(ageSeconds)} old, above the plan's RPO target of ${rpo} min`,
          where,
        ),
      );
    }
  }
  return found;
};

const launchFindings = (server: PlacedServer, facts: { exists: boolean; problems: readonly string[] } | undefined): ReadinessFinding[] => {
  const where = { serverId: server.serverId, waveNumber: server.waveNumber };
  if (!facts || !facts.exists) {
    return [
      blocking('LAUNCH_CONFIGURATION_MISSING', `DRS has no launch configuration for ${server.serverId}: its launch would fail`, where),
    ];
  }
  if (facts.problems.length === 0) return [];
  return [
    blocking(
      'LAUNCH_CONFIGURATION_INCOMPLETE',
      `The launch configuration of ${server.serverId} is incomplete: ${facts.problems.join('; ')}`,
      where,
    ),
  ];
};

const busyFindings = (server: PlacedServer, jobOf: ReadonlyMap<string, BusyJob>): ReadinessFinding[] => {
  const job = jobOf.get(server.serverId);
  if (!job) return [];
  // A TERMINATE job (a drill's cleanup) ends within minutes and frees the server: the wave waits for it, as it
  // waits for any room in DRS, so it is no reason to refuse the start.
  if (job.type === 'TERMINATE') {
    return [
      warning(
        'SERVER_BEING_TERMINATED',
        `${server.serverId} is in DRS job ${job.jobId} (TERMINATE), still active: its wave waits until DRS frees it`,
        { serverId: server.serverId, waveNumber: server.waveNumber },
      ),
    ];
  }
  return [
    blocking(
      'SERVER_IN_ACTIVE_JOB',
      `${server.serverId} is in DRS job ${job.jobId} (${job.type}), still active: DRS refuses to launch a server busy in another job`,
      { serverId: server.serverId, waveNumber: server.waveNumber },
    ),
  ];
};

const asOfFindings = (server: PlacedServer, snapshots: readonly { timestamp?: string }[] | undefined, asOf: string): ReadinessFinding[] => {
  // A snapshot still being created has no timestamp: it is never a recovery point.
  const at = Date.parse(asOf);
  const completed = (snapshots ?? []).some((snapshot) => snapshot.timestamp !== undefined && Date.parse(snapshot.timestamp) <= at);
  if (completed) return [];
  return [
    blocking('NO_RECOVERY_POINT_AS_OF', `${server.serverId} has no completed recovery snapshot at or before ${asOf}`, {
      serverId: server.serverId,
      waveNumber: server.waveNumber,
    }),
  ];
};

const jobsFor = (servers: number, serversPerJob: number): number => Math.ceil(servers / serversPerJob);

/** DRS's quotas, per plan: a wave larger than a job is split; its jobs and the active ones must fit the concurrent quota. */
const quotaFindings = (input: ReadinessInput, active: readonly BusyJob[] | undefined): ReadinessFinding[] => {
  const found: ReadinessFinding[] = [];
  input.plan.waves.forEach((wave, index) => {
    const jobs = jobsFor(wave.sourceServerIds.length, input.serversPerJob);
    if (jobs > 1) {
      found.push(
        warning(
          'WAVE_SPLIT_ACROSS_JOBS',
          `Wave ${index + 1} has ${wave.sourceServerIds.length} servers, more than DRS's ${input.serversPerJob} per job: it is started as ${jobs} jobs`,
          { waveNumber: index + 1 },
        ),
      );
    }
  });
  if (active) {
    const largest = Math.max(0, ...input.plan.waves.map((wave) => jobsFor(wave.sourceServerIds.length, input.serversPerJob)));
    if (active.length + largest > input.concurrentJobsQuota) {
      found.push(
        warning(
          'CONCURRENT_JOBS_QUOTA',
          `DRS has ${active.length} active jobs; with this plan's largest wave (${largest} jobs) that is above its quota of ${input.concurrentJobsQuota} concurrent jobs: waves wait for room`,
        ),
      );
    }
  }
  return found;
};

/** A check that could not run: unreachable target (BLOCKING, one per error code) or a check unavailable (WARNING). */
const readFailures = (failed: Array<{ check: ReadinessCheck; error: FactReadError }>): ReadinessFinding[] => {
  const denied = new Map<string, { checks: ReadinessCheck[]; error: FactReadError }>();
  const found: ReadinessFinding[] = [];
  for (const { check, error } of failed) {
    if (!error.denied) {
      // Unread is not ready: a check that could not be made would hide the BLOCKING findings it exists for, so
      // the start goes ahead only with an override that the ledger records.
      found.push(blocking('READINESS_CHECK_FAILED', `DRS's ${check} could not be read (${error.code}): ${error.message}`));
      continue;
    }
    const seen = denied.get(error.code);
    if (seen) seen.checks.push(check);
    else denied.set(error.code, { checks: [check], error });
  }
  const unreachable = [...denied.values()].map(({ checks, error }) =>
    blocking(
      'TARGET_UNREACHABLE',
      `DRS cannot be read in the plan's target account (${error.code}; ${checks.join(', ')}): ${error.message}`,
    ),
  );
  return [...unreachable, ...found];
};

const valueOf = <T>(read: FactRead<T> | undefined): T | undefined => (read?.ok ? read.value : undefined);

/**
 * What stands between a plan and its start, per server then per plan: BLOCKING findings refuse a start unless
 * an operator overrides them, WARNINGs are told. Pure: the facts were read before; the findings come in plan
 * order, per-plan ones last. A check whose facts could not be read yields no per-server finding of its kind.
 */
export const assessReadiness = (input: ReadinessInput): ReadinessFinding[] => {
  const { facts } = input;
  const replication = valueOf(facts.replication);
  const launch = valueOf(facts.launchConfigurations);
  const active = valueOf(facts.activeJobs);
  const snapshots = input.recoverAsOf === undefined ? undefined : valueOf(facts.snapshotsAsOf);
  const jobOf = new Map<string, BusyJob>();
  // A launch holding the server outranks a termination holding it too: the former refuses the start.
  for (const job of active ?? []) {
    for (const serverId of job.serverIds) if (!jobOf.has(serverId) || jobOf.get(serverId)?.type === 'TERMINATE') jobOf.set(serverId, job);
  }

  const perServer = serversOf(input.plan).flatMap((server) => [
    ...(replication ? replicationFindings(server, replication.get(server.serverId), input) : []),
    ...(launch ? launchFindings(server, launch.get(server.serverId)) : []),
    ...(active ? busyFindings(server, jobOf) : []),
    ...(snapshots && input.recoverAsOf !== undefined ? asOfFindings(server, snapshots.get(server.serverId), input.recoverAsOf) : []),
  ]);
  const failed: Array<{ check: ReadinessCheck; error: FactReadError }> = [];
  const note = (check: ReadinessCheck, read: FactRead<unknown> | undefined) => {
    if (read && !read.ok) failed.push({ check, error: read.error });
  };
  note('replication', facts.replication);
  note('launch configurations', facts.launchConfigurations);
  note('active jobs', facts.activeJobs);
  if (input.recoverAsOf !== undefined) note('recovery snapshots', facts.snapshotsAsOf);
  return [...perServer, ...quotaFindings(input, active), ...readFailures(failed)];
};
