import type { ExecutionEvent, ServerObservation } from './events';
import { type ExecutionCore, jobsOf } from './state';

/** A recovery instance an execution's DRS jobs launched, as the ledger knows it. */
export interface LaunchedInstance {
  recoveryInstanceId: string;
  sourceServerId: string;
  waveNumber?: number;
  /** When the ledger first named the instance (the observation that saw the launch); absent for one the cleanup found. */
  launchedAt?: string;
  /** When the cleanup's sweep of DRS found it, the ledger's waves never having named it (a launch after a cancel). */
  foundAt?: string;
}

/** What the ledger says of an execution's instances and their cleanup: read by the cleanup driver and the report. */
export interface CleanupLedger {
  /** Every DRS job the execution started (LAUNCH jobs; the cleanup's TERMINATE jobs are not among them). */
  launchJobIds: Set<string>;
  instances: Map<string, LaunchedInstance>;
  /** Instance id → when its termination was first requested, and the TERMINATE jobs. */
  requested: Map<string, { at: string; attempt: number; drsJobIds: string[]; lastAt?: string }>;
  /** When the last termination was requested (a retry requests instances again). */
  lastRequestAt?: string;
  /** Instance id → when it was first recorded gone. */
  gone: Map<string, string>;
  started?: { at: string; dueAt: string; keepAliveMinutes: number };
  failures: Array<{ at: string; attempt: number; error: string; nextAttemptAt: string; remaining: number; abandoned?: boolean }>;
  completed?: { at: string; instancesTerminated: number; instancesAlreadyGone: number };
}

const observationsOf = (event: ExecutionEvent): readonly ServerObservation[] => {
  const data = event.data as { servers?: unknown; failedServers?: unknown };
  const lists = [data.servers, data.failedServers].filter((list): list is ServerObservation[] => Array.isArray(list));
  return lists.flat();
};

const isCleanupEvent = (event: ExecutionEvent): boolean =>
  event.type === 'CleanupStarted' ||
  event.type === 'RecoveryInstancesTerminationRequested' ||
  event.type === 'RecoveryInstancesGone' ||
  event.type === 'CleanupFailed' ||
  event.type === 'CleanupCompleted';

/** Reads the instances and the cleanup from an execution's events, in order. Pure. */
export const cleanupLedgerOf = (events: readonly ExecutionEvent[]): CleanupLedger => {
  const ledger: CleanupLedger = { launchJobIds: new Set(), instances: new Map(), requested: new Map(), gone: new Map(), failures: [] };
  for (const event of events) {
    if (!isCleanupEvent(event)) {
      // Any event that names a job of the execution's waves (a start, a retry of failed servers): its job launched them.
      const { drsJobId, waveNumber } = event.data as { drsJobId?: unknown; waveNumber?: unknown };
      if (typeof drsJobId === 'string') ledger.launchJobIds.add(drsJobId);
      for (const server of observationsOf(event)) {
        const id = server.recoveryInstanceId;
        if (id === undefined || ledger.instances.has(id)) continue;
        ledger.instances.set(id, {
          recoveryInstanceId: id,
          sourceServerId: server.serverId,
          ...(typeof waveNumber === 'number' ? { waveNumber } : {}),
          launchedAt: event.occurredAt,
        });
      }
      continue;
    }
    switch (event.type) {
      case 'CleanupStarted':
        ledger.started = { at: event.occurredAt, dueAt: event.data.dueAt, keepAliveMinutes: event.data.keepAliveMinutes };
        break;
      case 'RecoveryInstancesTerminationRequested':
        ledger.lastRequestAt = event.occurredAt;
        for (const id of event.data.recoveryInstanceIds) {
          const earlier = ledger.requested.get(id);
          if (earlier) earlier.lastAt = event.occurredAt;
          else ledger.requested.set(id, { at: event.occurredAt, attempt: event.data.attempt, drsJobIds: event.data.drsJobIds });
        }
        for (const found of event.data.discovered ?? []) {
          if (ledger.instances.has(found.recoveryInstanceId)) continue;
          ledger.instances.set(found.recoveryInstanceId, { ...found, foundAt: event.occurredAt });
        }
        break;
      case 'RecoveryInstancesGone':
        for (const id of event.data.recoveryInstanceIds) if (!ledger.gone.has(id)) ledger.gone.set(id, event.occurredAt);
        break;
      case 'CleanupFailed':
        ledger.failures.push({
          at: event.occurredAt,
          attempt: event.data.attempt,
          error: `${event.data.error.code}: ${event.data.error.message}`,
          nextAttemptAt: event.data.nextAttemptAt,
          remaining: event.data.recoveryInstanceIds?.length ?? 0,
          ...(event.data.abandoned ? { abandoned: true } : {}),
        });
        break;
      case 'CleanupCompleted':
        ledger.completed = { at: event.occurredAt, ...event.data };
        break;
      default:
        break;
    }
  }
  return ledger;
};

/**
 * The same read from the state alone, for a cleanup that has recorded nothing yet (no request, nothing gone, no
 * failure) and no wave retried: the waves hold every job and each server's instance, so the first pass need not
 * read the whole ledger.
 */
export const cleanupLedgerOfState = (state: ExecutionCore): CleanupLedger | undefined => {
  const cleanup = state.cleanup;
  if (cleanup && (cleanup.requested > 0 || cleanup.gone > 0 || cleanup.failures > 0 || cleanup.status !== 'WAITING')) return undefined;
  // A retry drops the earlier round's jobs and the retried servers' instances from the state: only the events know them.
  if (state.waves.some((wave) => wave.retryRound !== undefined)) return undefined;
  const ledger: CleanupLedger = { launchJobIds: new Set(), instances: new Map(), requested: new Map(), gone: new Map(), failures: [] };
  for (const wave of state.waves) {
    for (const job of jobsOf(wave)) ledger.launchJobIds.add(job.drsJobId);
    for (const server of wave.servers) {
      const id = server.recoveryInstanceId;
      if (id === undefined || ledger.instances.has(id)) continue;
      ledger.instances.set(id, {
        recoveryInstanceId: id,
        sourceServerId: server.serverId,
        waveNumber: wave.waveNumber,
        ...((server.launchTime ?? server.updatedAt) ? { launchedAt: server.launchTime ?? server.updatedAt } : {}),
      });
    }
  }
  return ledger;
};
