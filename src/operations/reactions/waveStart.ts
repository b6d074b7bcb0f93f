import { drsAccountOf } from '../drsAccount';
import {
  drsSearchSince,
  partsWithoutJob,
  type Running,
  type ServerObservation,
  serversOfPart,
  type StartedExecution,
  type WaveState,
} from '../../domain/execution';
import type { LoadedExecution } from '../../ports/executionEventStore';
import { type RecoveryJob, RecoveryJobsError } from '../../ports/recoveryJobs';
import type { OperationDeps } from '../deps';
import { type CommandOutcome, handleCommand, unchanged } from '../handleCommand';
import { chooseRecoverySnapshots, type SnapshotChoice } from './recoverySnapshotChoice';

const PART_TAG = 'drs-ledger:part';
const RETRY_TAG = 'drs-ledger:retry';

/**
 * Tags that let a lost start be found again in DRS (findJobsByTags) and tie DRS jobs to the ledger: the
 * execution, the plan, the wave, which of the wave's jobs and, for a retry's jobs, which round (so that the
 * wave's earlier jobs are never taken for a retry's).
 */
export const waveTags = (executionId: string, planId: string, waveNumber: number, part = 1, retry = 0): Record<string, string> => ({
  'drs-ledger:executionId': executionId,
  'drs-ledger:planId': planId,
  'drs-ledger:wave': String(waveNumber),
  [PART_TAG]: String(part),
  ...(retry > 0 ? { [RETRY_TAG]: String(retry) } : {}),
});

/** Jobs started before waves had several carry no part tag: they were the wave's only job. */
const partOf = (job: RecoveryJob): number => Number(job.tags[PART_TAG] ?? '1');
/** A wave's first jobs carry no retry tag: round 0. */
const roundOf = (job: RecoveryJob): number => Number(job.tags[RETRY_TAG] ?? '0');

const describeError = (error: unknown): { code: string; message: string; retryable: boolean; waitingForCapacity?: boolean } => {
  if (error instanceof RecoveryJobsError) {
    return { code: error.code, message: error.message, retryable: error.retryable, waitingForCapacity: error.waitingForCapacity };
  }
  const message = error instanceof Error ? error.message : String(error);
  // Anything unclassified (a network error, a timeout) may succeed next time.
  return { code: 'UnexpectedError', message, retryable: true };
};

/** The wave, when the stream is RUNNING with it still being started: the only state a start goes on from. */
const startingWave = (loaded: LoadedExecution, waveNumber: number): { state: Running; wave: WaveState } | undefined => {
  const { state } = loaded;
  if (state.status !== 'RUNNING') return undefined;
  const wave = state.waves[waveNumber - 1];
  return wave?.status === 'STARTING' ? { state, wave } : undefined;
};

const record = (
  deps: OperationDeps,
  loaded: LoadedExecution,
  waveNumber: number,
  part: number,
  job: RecoveryJob,
  servers: ServerObservation[],
) => handleCommand(deps, loaded, () => ({ type: 'RecordWaveStarted', waveNumber, part, drsJobId: job.jobId, servers, at: deps.now() }));

/** The job servers as the ledger records them: with their hostnames, when DRS can say (a wave starts without them otherwise). */
const withHostnames = async (deps: OperationDeps, state: StartedExecution, job: RecoveryJob): Promise<ServerObservation[]> => {
  const serverIds = job.servers.map((server) => server.serverId);
  const hostnames = await (await deps.drs()).hostnames(serverIds, drsAccountOf(state)).catch((error: unknown) => {
    deps.log.warn('Hostnames unavailable; recording the wave without them', { error: describeError(error).message });
    return new Map<string, string>();
  });
  return job.servers.map((server) => {
    const hostname = hostnames.get(server.serverId);
    return hostname === undefined ? server : { ...server, hostname };
  });
};

/** The servers with the recovery point a recovery "as of" a moment chose for them (recorded on WaveStarted). */
const withChosenPoints = (servers: ServerObservation[], choice: SnapshotChoice | undefined): ServerObservation[] =>
  choice
    ? servers.map((server) => {
        const recoveryPoint = choice.points.get(server.serverId);
        return recoveryPoint ? { ...server, recoveryPoint } : server;
      })
    : servers;

/** Of the jobs DRS holds for one part, the one its claim started: the earliest (DescribeJobs lists newest first). */
const earliest = (jobs: RecoveryJob[]): RecoveryJob | undefined =>
  [...jobs].reverse().sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''))[0];

/**
 * Records the jobs DRS already has for the wave's parts that the ledger lacks (a start whose answer or whose
 * record was lost), found by their tags in one listing. Stops as soon as a recording leaves the wave no
 * longer starting (a cancel taking effect, another writer).
 */
const adoptWaveJobs = async (deps: OperationDeps, outcome: CommandOutcome, waveNumber: number): Promise<CommandOutcome> => {
  const starting = startingWave(outcome.loaded, waveNumber);
  if (!starting) return outcome;
  const missing = partsWithoutJob(starting.state, starting.wave);
  if (!missing.length) return outcome;
  const { state } = starting;
  const round = starting.wave.retryRound ?? 0;
  const { [PART_TAG]: _anyPart, ...tags } = waveTags(state.executionId, state.planId, waveNumber, 1, round);
  const found = await (
    await deps.drs()
  )
    .findJobsByTags(tags, drsSearchSince(state.startTime), drsAccountOf(state))
    .catch((error: unknown) => Promise.reject(new PartStartError(missing[0] ?? 1, outcome, error)));
  let current = outcome;
  for (const part of missing) {
    // Only this round's jobs: a search for the first round's tags also matches every retry's.
    const candidates = found.filter((candidate) => partOf(candidate) === part && roundOf(candidate) === round);
    const job = earliest(candidates);
    if (!job) continue;
    if (candidates.length > 1) {
      // Never expected (a claim starts a part once): said loudly, and the extra jobs are named for an operator.
      deps.log.error('DRS holds several jobs for one part of a wave; adopting the earliest', {
        waveNumber,
        part,
        adopted: job.jobId,
        others: candidates.filter((candidate) => candidate !== job).map((candidate) => candidate.jobId),
      });
    }
    deps.log.warn('Adopting a DRS job whose start was not recorded', { waveNumber, part, drsJobId: job.jobId });
    const reached = current;
    const drs = await deps.drs();
    const serverIds = job.servers.map((server) => server.serverId);
    // The job exists: a lost read of the snapshots must not stop its recording (the poll reads its points later).
    const choice = await chooseRecoverySnapshots(drs, state, serverIds, drsAccountOf(state)).catch((error: unknown) => {
      deps.log.warn('Recovery snapshots unavailable; adopting the job without its chosen points', { error: describeError(error).message });
      return undefined;
    });
    current = await record(
      deps,
      reached.loaded,
      waveNumber,
      part,
      job,
      withChosenPoints(await withHostnames(deps, state, job), choice),
    ).catch((error: unknown) => Promise.reject(new PartStartError(part, reached, error)));
    if (!current.ok || !startingWave(current.loaded, waveNumber)) return current;
  }
  return current;
};

/** Calls DRS StartRecovery for each part of the wave that has no job yet, recording each job as it starts. */
const launchParts = async (deps: OperationDeps, outcome: CommandOutcome, waveNumber: number): Promise<CommandOutcome> => {
  let current = outcome;
  const drs = await deps.drs();
  for (let starting = startingWave(current.loaded, waveNumber); starting; starting = startingWave(current.loaded, waveNumber)) {
    const { state, wave } = starting;
    const part = partsWithoutJob(state, wave)[0];
    if (part === undefined) return current;
    const serverIds = serversOfPart(state, wave, part).map((server) => server.serverId);
    try {
      // A recovery as of a moment names each server's snapshot; without one, DRS launches from its latest data.
      const choice = await chooseRecoverySnapshots(drs, state, serverIds, drsAccountOf(state));
      const job = await drs.startRecovery(
        {
          isDrill: state.executionType === 'DRILL',
          sourceServerIds: serverIds,
          tags: waveTags(state.executionId, state.planId, waveNumber, part, wave.retryRound),
          ...(choice ? { recoverySnapshotIds: choice.recoverySnapshotIds } : {}),
        },
        drsAccountOf(state),
      );
      deps.log.info('Wave job started', { waveNumber, part, drsJobId: job.jobId });
      current = await record(deps, current.loaded, waveNumber, part, job, withChosenPoints(await withHostnames(deps, state, job), choice));
    } catch (error) {
      throw new PartStartError(part, current, error);
    }
    if (!current.ok) return current;
  }
  return current;
};

/**
 * A part whose start (or adoption) failed, in DRS or on its way into the ledger: which part, and the outcome
 * this writer had reached before it, so that the failure is recorded for that part on the stream it left.
 */
class PartStartError extends Error {
  constructor(
    readonly part: number,
    readonly reached: CommandOutcome,
    override readonly cause: unknown,
  ) {
    super(`part ${part} did not start`);
  }
}

/** Records a failed start for the part it names; the domain decides on a retry, or fails the wave. */
const recordStartFailure = async (deps: OperationDeps, waveNumber: number, failure: PartStartError): Promise<CommandOutcome> => {
  const { part } = failure;
  const described = describeError(failure.cause);
  deps.log.warn('Wave start failed', { waveNumber, part, code: described.code, retryable: described.retryable });
  const recorded = await handleCommand(deps, failure.reached.loaded, () => ({
    type: 'RecordWaveStartFailure',
    waveNumber,
    part,
    error: { code: described.code, message: described.message },
    retryable: described.retryable,
    ...(described.waitingForCapacity ? { waitingForCapacity: true } : {}),
    at: deps.now(),
  }));
  // Refused: the start moved on meanwhile (another writer recorded the part, or a cancel took effect).
  if (!recorded.ok) deps.log.warn('Wave start failure not recorded', { waveNumber, part, kind: recorded.rejection.kind });
  return recorded;
};

/**
 * How a start goes on: `claimed`, this writer just appended the claim (WaveStartRequested), so it starts the
 * parts without a job, adopting first only on a later attempt (an earlier one may have started a part after
 * all); `takeOver`, the claimant is known dead (a restarted local stack): adopt, then start the rest;
 * `leaseExpired`, the claimant may still be alive somewhere: adopt what it started, and give the claim up
 * (ReclaimWaveStart) if a part still has no job, so that the next poll claims it again.
 */
export type WaveStartMode = 'claimed' | 'takeOver' | 'leaseExpired';

/**
 * The one path by which a wave start goes on: adopt the DRS jobs found by their tags, then launch the rest
 * or give the claim up. A failed launch (or, for the claimant, a failed adoption) is recorded as the failed
 * start of its part, and the domain decides on a retry; a failed search for what another process started
 * (`takeOver`, `leaseExpired`) records nothing and is left to the caller, since nothing was launched and
 * a lost read must not fail a drill.
 */
export const continueWaveStart = async (
  deps: OperationDeps,
  loaded: LoadedExecution,
  waveNumber: number,
  mode: WaveStartMode,
): Promise<CommandOutcome> => {
  const starting = startingWave(loaded, waveNumber);
  if (!starting) return unchanged(loaded);
  if (mode === 'leaseExpired') {
    const adopted = await adoptWaveJobs(deps, unchanged(loaded), waveNumber).catch(asItCame);
    if (!adopted.ok || !startingWave(adopted.loaded, waveNumber)) return adopted;
    return handleCommand(deps, adopted.loaded, () => ({ type: 'ReclaimWaveStart', waveNumber, at: deps.now() }));
  }
  let current = unchanged(loaded);
  if (mode === 'takeOver') {
    current = await adoptWaveJobs(deps, current, waveNumber).catch(asItCame);
    if (!current.ok) return current;
  }
  try {
    if (mode === 'claimed' && starting.wave.startAttempts > 1) {
      current = await adoptWaveJobs(deps, current, waveNumber);
      if (!current.ok) return current;
    }
    return await launchParts(deps, current, waveNumber);
  } catch (error) {
    if (error instanceof PartStartError) return recordStartFailure(deps, waveNumber, error);
    throw error;
  }
};

/** A search for what another process started failed: its caller gets the error as it came (poll reports it). */
const asItCame = (error: unknown): never => {
  throw error instanceof PartStartError ? error.cause : error;
};
