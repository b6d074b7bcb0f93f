import {
  CLEANUP_CONFIRM_WITHIN_MS,
  cleanupActionable,
  type CleanupLedger,
  cleanupLedgerOf,
  cleanupLedgerOfState,
  confirmationOverdue,
  drsSearchSince,
  type DiscoveredInstance,
  type ErrorInfo,
  type ExecutionCommand,
  isTerminal,
  MAX_INSTANCES_PER_CLEANUP_EVENT,
  type TerminalExecution,
} from '../../domain/execution';
import type { LoadedExecution } from '../../ports/executionEventStore';
import { type DrsAccount, type RecoveryJobs, RecoveryJobsError } from '../../ports/recoveryJobs';
import type { OperationDeps } from '../deps';
import { drsAccountOf } from '../drsAccount';
import { handleCommand } from '../handleCommand';
import { notifyCleanupFailure } from './notifyCleanupFailure';

/** The tag waveTags (reactions/waveStart) puts on every DRS job of an execution. */
const EXECUTION_TAG = 'drs-ledger:executionId';

/** What a pass of the cleanup came to, for logs and find's answer. */
export type CleanupStep =
  'NOT_A_DRILL' | 'NOT_DUE' | 'WAITING_FOR_JOBS' | 'WAITING_FOR_CONFIRMATION' | 'TERMINATION_REQUESTED' | 'FAILED' | 'COMPLETED';

export interface CleanupPass {
  step: CleanupStep;
  loaded: LoadedExecution;
}

/** DRS's gone: no longer listed, or listed TERMINATED. */
const isGone = (state: string | undefined): boolean => state === undefined || state === 'TERMINATED';
/** On its way to TERMINATED: asking DRS again only earns a ConflictException. */
const isTerminating = (state: string | undefined): boolean => state === 'SHUTTING-DOWN' || state === 'STOPPING';

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

const errorInfo = (error: unknown): ErrorInfo =>
  error instanceof RecoveryJobsError
    ? { code: error.code, message: error.message }
    : { code: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };

/** Every instance the execution's jobs launched and DRS has not been seen to remove, with the server each is of. */
const candidatesOf = async (
  drs: RecoveryJobs,
  account: DrsAccount | undefined,
  state: TerminalExecution,
  ledger: CleanupLedger,
): Promise<{ instances: Map<string, string>; discovered: Map<string, DiscoveredInstance> }> => {
  const instances = new Map<string, string>();
  for (const instance of ledger.instances.values()) instances.set(instance.recoveryInstanceId, instance.sourceServerId);
  // DRS may have launched a server the ledger never saw launch (the wave was cancelled before the poll that would
  // have): those of the plan's servers whose job is one of this execution's. Never another execution's or a stranger's.
  const servers = [...new Set(state.waves.flatMap((wave) => wave.servers.map((server) => server.serverId)))];
  const discovered = new Map<string, DiscoveredInstance>();
  for (const found of await drs.recoveryInstancesOfServers(servers, account)) {
    if (found.jobId === undefined || !ledger.launchJobIds.has(found.jobId) || instances.has(found.recoveryInstanceId)) continue;
    instances.set(found.recoveryInstanceId, found.sourceServerId);
    discovered.set(found.recoveryInstanceId, {
      recoveryInstanceId: found.recoveryInstanceId,
      sourceServerId: found.sourceServerId,
      jobId: found.jobId,
    });
  }
  for (const id of ledger.gone.keys()) instances.delete(id);
  return { instances, discovered };
};

/** The ids DRS still lists, not TERMINATED, of these, with their EC2 state. */
const stillThere = async (drs: RecoveryJobs, account: DrsAccount | undefined, ids: readonly string[]): Promise<Map<string, string>> => {
  const present = new Map<string, string>();
  for (const chunk of chunks(ids, MAX_INSTANCES_PER_CLEANUP_EVENT)) {
    const facts = await drs.describeRecoveryInstances(chunk, account);
    for (const id of chunk) {
      const state = facts.get(id)?.ec2InstanceState;
      if (!isGone(state)) present.set(id, state as string);
    }
  }
  return present;
};

/** DRS refused because another termination of these (another driver's, a redelivery's) is already under way. */
const alreadyTerminating = async (
  error: unknown,
  drs: RecoveryJobs,
  account: DrsAccount | undefined,
  chunk: readonly string[],
): Promise<boolean> => {
  if (!(error instanceof RecoveryJobsError) || error.code !== 'ConflictException') return false;
  const now = await stillThere(drs, account, chunk);
  return [...now.values()].every(isTerminating);
};

/**
 * One pass of a DRILL's cleanup, each step recorded before the next: start it (its keep-alive), wait for the
 * execution's jobs still running, find every instance they launched, record those gone, terminate the rest
 * (200 a call) and confirm; a failure is recorded, notified and retried later. Safe to run again and from two
 * drivers: the ledger's state says what is left, and its conditional appends decide who records each step.
 */
export const driveCleanup = async (deps: OperationDeps, start: LoadedExecution): Promise<CleanupPass> => {
  let loaded = start;
  if (!isTerminal(loaded.state) || loaded.state.executionType !== 'DRILL') return { step: 'NOT_A_DRILL', loaded };
  const run = async (commandFor: (state: TerminalExecution) => ExecutionCommand | undefined) => {
    const outcome = await handleCommand(deps, loaded, (current) => (isTerminal(current) ? commandFor(current) : undefined));
    if (!outcome.ok) deps.log.warn('Cleanup step refused', { executionId: loaded.executionId, kind: outcome.rejection.kind });
    loaded = outcome.loaded;
    return outcome;
  };
  if (!loaded.state.cleanup) await run(() => ({ type: 'StartCleanup', at: deps.now() }));
  const state = loaded.state;
  if (!cleanupActionable(state.cleanup, deps.now())) {
    return { step: state.cleanup?.status === 'COMPLETED' ? 'COMPLETED' : 'NOT_DUE', loaded };
  }
  const fail = async (error: ErrorInfo, remaining?: readonly string[]): Promise<CleanupPass> => {
    const outcome = await run(() => ({
      type: 'RecordCleanupFailure',
      error,
      ...(remaining?.length ? { recoveryInstanceIds: [...remaining] } : {}),
      jitter: (deps.random ?? Math.random)(),
      at: deps.now(),
    }));
    const failed = outcome.appended.map((stored) => stored.event).find((event) => event.type === 'CleanupFailed');
    // Only the writer that recorded the failure tells anyone: a redelivered pass finds it recorded and stays quiet.
    if (failed?.type === 'CleanupFailed') await notifyCleanupFailure(deps, loaded, failed);
    return { step: 'FAILED', loaded };
  };
  const drs = await deps.drs();
  const account = drsAccountOf(state);
  try {
    // Until the cleanup has recorded something, the state says all it needs; after, the ledger's records do.
    const ledger =
      cleanupLedgerOfState(loaded.state) ?? cleanupLedgerOf((await deps.store.read(state.executionId)).map((stored) => stored.event));
    // DRS may hold a job the ledger never recorded (StartRecovery's answer lost, then the drill ended): every job
    // of the execution carries its tag. Not asked when no wave ever asked DRS for a start.
    const askedDrs = state.waves.some((wave) => wave.startAttempts > 0 || wave.startRequestedAt !== undefined || wave.status !== 'PENDING');
    if (askedDrs) {
      for (const job of await drs.findJobsByTags({ [EXECUTION_TAG]: state.executionId }, drsSearchSince(state.startTime), account)) {
        ledger.launchJobIds.add(job.jobId);
      }
    }
    // No DRS job, no instance: a drill that never launched is clean.
    if (ledger.launchJobIds.size === 0 && ledger.instances.size === 0) {
      await run(() => ({ type: 'CompleteCleanup', instancesTerminated: 0, instancesAlreadyGone: 0, at: deps.now() }));
      return { step: 'COMPLETED', loaded };
    }
    // A cancel mid-wave leaves jobs launching: whatever they launch is swept once they are done.
    const running = (await drs.activeJobs(account)).filter((job) => ledger.launchJobIds.has(job.jobId));
    if (running.length) return { step: 'WAITING_FOR_JOBS', loaded };
    const { instances, discovered } = await candidatesOf(drs, account, state, ledger);
    const requestedNow = new Set<string>();
    const requested = (id: string) => ledger.requested.has(id) || requestedNow.has(id);
    /** Asked for within the confirmation window (by any driver): DRS is still carrying it out. */
    const requestedLately = (id: string) => {
      const request = ledger.requested.get(id);
      const at = request ? Date.parse(request.lastAt ?? request.at) : Number.NaN;
      return requestedNow.has(id) || Date.parse(deps.now()) - at < CLEANUP_CONFIRM_WITHIN_MS;
    };
    for (let pass = 1; ; pass += 1) {
      const ids = [...instances.keys()];
      const present = await stillThere(drs, account, ids);
      const gone = ids.filter((id) => !present.has(id));
      if (gone.length) await run(() => ({ type: 'RecordInstancesGone', recoveryInstanceIds: gone, at: deps.now() }));
      for (const id of gone) instances.delete(id);
      if (present.size === 0) {
        const all = new Set([...ledger.gone.keys(), ...gone]);
        const terminated = [...all].filter(requested).length;
        await run(() => ({
          type: 'CompleteCleanup',
          instancesTerminated: terminated,
          instancesAlreadyGone: all.size - terminated,
          at: deps.now(),
        }));
        return { step: 'COMPLETED', loaded };
      }
      const cleanup = loaded.state.cleanup;
      // While a termination awaits confirmation, only instances never asked for are asked for; after a failure, all.
      // Never an instance DRS is already terminating, nor one asked for lately that may not show it yet.
      const toRequest = [...present]
        .filter(([id, state]) => !isTerminating(state) && !requestedLately(id))
        .filter(([id]) => cleanup?.status !== 'TERMINATING' || !requested(id))
        .map(([id]) => id);
      if (toRequest.length === 0 || pass > 1) {
        if (cleanup && confirmationOverdue(cleanup, deps.now())) {
          return fail(
            {
              code: 'TerminationNotConfirmed',
              message: `${present.size} recovery instance(s) still running after termination was requested`,
            },
            [...present.keys()],
          );
        }
        return { step: pass > 1 ? 'TERMINATION_REQUESTED' : 'WAITING_FOR_CONFIRMATION', loaded };
      }
      for (const chunk of chunks(toRequest, MAX_INSTANCES_PER_CLEANUP_EVENT)) {
        let drsJobIds: string[];
        try {
          drsJobIds = await drs.terminateRecoveryInstances(chunk, account);
        } catch (error) {
          if (await alreadyTerminating(error, drs, account, chunk)) {
            for (const id of chunk) requestedNow.add(id);
            continue;
          }
          return fail(errorInfo(error), [...present.keys()]);
        }
        const found = chunk.flatMap((id) => discovered.get(id) ?? []);
        await run(() => ({
          type: 'RecordTerminationRequested',
          recoveryInstanceIds: chunk,
          drsJobIds,
          ...(found.length ? { discovered: found } : {}),
          at: deps.now(),
        }));
        for (const id of chunk) requestedNow.add(id);
      }
    }
  } catch (error) {
    deps.log.warn('Cleanup pass failed; recorded and retried later', { executionId: state.executionId, error: String(error) });
    return fail(errorInfo(error));
  }
};
