import { cleanupLedgerOf, type ExecutionEvent, type StartedExecution } from '../../domain/execution';
import type { RecoveryInstanceEvidence, RecoveryInstancesEvidence } from './evidence';

/** Ids the verdict names when instances remain; the table lists them all. */
const NAMED_IN_VERDICT = 5;

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * What became of a DRILL's recovery instances, from the ledger alone: every instance its jobs launched (as the waves
 * observed them, or as the cleanup found them in DRS), when its termination was requested, when it was confirmed
 * gone, and a verdict. Undefined for a RECOVERY (its instances are the recovered workload) and for a drill that
 * launched nothing and never began a cleanup.
 */
export const recoveryInstancesEvidence = (
  state: StartedExecution,
  events: readonly ExecutionEvent[],
): RecoveryInstancesEvidence | undefined => {
  if (state.executionType !== 'DRILL') return undefined;
  const ledger = cleanupLedgerOf(events);
  if (ledger.instances.size === 0 && !ledger.started) return undefined;
  const hostnames = new Map(state.waves.flatMap((wave) => wave.servers.map((server) => [server.serverId, server.hostname] as const)));
  // Until the cleanup acts, instances within a keep-alive are kept as the drill asked: not left behind.
  const keptAlive =
    ledger.started &&
    ledger.started.keepAliveMinutes > 0 &&
    !ledger.completed &&
    ledger.requested.size === 0 &&
    ledger.failures.length === 0
      ? ledger.started.dueAt
      : undefined;
  const instances = [...ledger.instances.values()].map((instance): RecoveryInstanceEvidence => {
    const requested = ledger.requested.get(instance.recoveryInstanceId);
    const goneAt = ledger.gone.get(instance.recoveryInstanceId);
    const hostname = hostnames.get(instance.sourceServerId);
    return {
      recoveryInstanceId: instance.recoveryInstanceId,
      serverId: instance.sourceServerId,
      ...(hostname === undefined ? {} : { hostname }),
      ...(instance.waveNumber === undefined ? {} : { waveNumber: instance.waveNumber }),
      ...(instance.launchedAt === undefined ? {} : { launchedAt: instance.launchedAt }),
      ...(instance.foundAt === undefined ? {} : { foundAt: instance.foundAt }),
      ...(requested ? { terminationRequestedAt: requested.at } : {}),
      ...(goneAt === undefined ? {} : { goneAt }),
      state: goneAt !== undefined ? 'gone' : requested ? 'terminating' : keptAlive ? 'kept-alive' : 'running',
    };
  });
  const remaining = instances.filter((instance) => instance.state !== 'gone');
  const total = plural(instances.length, 'drill instance');
  let verdict: RecoveryInstancesEvidence['verdict'];
  if (remaining.length === 0 && ledger.completed) {
    verdict = {
      ok: true,
      text: instances.length === 0 ? 'the drill launched no recovery instance' : `all ${total} terminated and confirmed gone`,
    };
  } else if (keptAlive && remaining.length > 0) {
    verdict = { ok: true, text: `${plural(remaining.length, 'drill instance')} kept alive until ${keptAlive}, as the drill asked` };
  } else {
    const named = remaining.slice(0, NAMED_IN_VERDICT).map((instance) => instance.recoveryInstanceId);
    const more = remaining.length > NAMED_IN_VERDICT ? `, and ${remaining.length - NAMED_IN_VERDICT} more` : '';
    const why = ledger.failures.at(-1)?.abandoned
      ? `the cleanup was ABANDONED after ${ledger.failures.length} failures`
      : ledger.started
        ? 'the cleanup has not confirmed them gone'
        : 'no cleanup has started';
    verdict = { ok: false, text: `${remaining.length} of ${total} STILL RUNNING (${why}): ${named.join(', ')}${more}` };
  }
  const lastFailure = ledger.failures.at(-1);
  const retrying = lastFailure !== undefined && (ledger.lastRequestAt === undefined || ledger.lastRequestAt < lastFailure.at);
  const status: RecoveryInstancesEvidence['cleanup']['status'] = ledger.completed
    ? 'completed'
    : !ledger.started
      ? 'not-started'
      : retrying
        ? 'failed-retrying'
        : ledger.requested.size > 0
          ? 'terminating'
          : 'waiting';
  return {
    instances,
    cleanup: {
      status,
      ...(ledger.started ? { dueAt: ledger.started.dueAt, keepAliveMinutes: ledger.started.keepAliveMinutes } : {}),
      failures: ledger.failures,
      ...(ledger.completed
        ? {
            completedAt: ledger.completed.at,
            instancesTerminated: ledger.completed.instancesTerminated,
            instancesAlreadyGone: ledger.completed.instancesAlreadyGone,
          }
        : {}),
    },
    verdict,
  };
};
