import { partsWithoutJob, Running, ServerObservation, serversOfPart, StartedExecution } from '../../domain/execution';
import { RecoveryJob, RecoveryJobsError } from '../../ports/recoveryJobs';
import type { OperationDeps } from '../deps';
import { CommandOutcome, handleCommand } from '../handleCommand';

const PART_TAG = 'drs-ledger:part';

/**
 * Tags that let a lost start be found again in DRS (findJobsByTags) and tie DRS jobs to the ledger: the
 * execution, the plan, the wave and which of the wave's jobs.
 */
export const waveTags = (executionId: string, planId: string, waveNumber: number, part = 1): Record<string, string> => ({
  'drs-ledger:executionId': executionId,
  'drs-ledger:planId': planId,
  'drs-ledger:wave': String(waveNumber),
  [PART_TAG]: String(part),
});

/** Jobs started before waves had several carry no part tag: they were the wave's only job. */
const partOf = (job: RecoveryJob): number => Number(job.tags[PART_TAG] ?? '1');

const describeError = (error: unknown): { code: string; message: string; retryable: boolean; waitingForCapacity?: boolean } => {
  if (error instanceof RecoveryJobsError) {
    return { code: error.code, message: error.message, retryable: error.retryable, waitingForCapacity: error.waitingForCapacity };
  }
  const message = error instanceof Error ? error.message : String(error);
  // Anything unclassified (a network error, a timeout) may succeed next time.
  return { code: 'UnexpectedError', message, retryable: true };
};

const stateAfter = (outcome: CommandOutcome): Running | undefined => (outcome.ok && outcome.state.status === 'RUNNING' ? outcome.state : undefined);

const record = (deps: OperationDeps, state: StartedExecution, waveNumber: number, part: number, job: RecoveryJob, servers = job.servers) =>
  handleCommand(deps.store, state.executionId, () => ({ type: 'RecordWaveStarted', waveNumber, part, drsJobId: job.jobId, servers, at: deps.now() }));

/** The job servers as the ledger records them: with their hostnames, when DRS can say (a wave starts without them otherwise). */
const withHostnames = async (deps: OperationDeps, state: StartedExecution, job: RecoveryJob): Promise<ServerObservation[]> => {
  const serverIds = job.servers.map((server) => server.serverId);
  const hostnames = await (await deps.drs()).hostnames(serverIds, state.accountContext).catch((error: unknown) => {
    deps.log.warn('Hostnames unavailable; recording the wave without them', { error: describeError(error).message });
    return new Map<string, string>();
  });
  return job.servers.map((server) => {
    const hostname = hostnames.get(server.serverId);
    return hostname === undefined ? server : { ...server, hostname };
  });
};

/** Of the jobs DRS holds for one part, the one its claim started: the earliest (DescribeJobs lists newest first). */
const earliest = (jobs: RecoveryJob[]): RecoveryJob | undefined =>
  [...jobs].reverse().sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''))[0];

/**
 * The jobs DRS already has for the wave's parts that the ledger lacks (a start whose answer or whose
 * record was lost), found by their tags in one listing, and recorded. `outcome` is the last recording's;
 * when it left the execution no longer RUNNING, `state` is not to be launched from.
 */
export const adoptWaveJobs = async (
  deps: OperationDeps,
  state: Running,
  waveNumber: number,
  since: string,
): Promise<{ state: Running; outcome?: CommandOutcome; stopped?: boolean }> => {
  const wave = state.waves[waveNumber - 1];
  const missing = wave ? partsWithoutJob(state, wave) : [];
  if (!missing.length) return { state };
  const { [PART_TAG]: _anyPart, ...tags } = waveTags(state.executionId, state.planId, waveNumber);
  const found = await (await deps.drs()).findJobsByTags(tags, since, state.accountContext);
  let current = state;
  let outcome: CommandOutcome | undefined;
  for (const part of missing) {
    const candidates = found.filter((candidate) => partOf(candidate) === part);
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
    outcome = await record(deps, current, waveNumber, part, job, await withHostnames(deps, current, job));
    const next = stateAfter(outcome);
    if (!next) return { state: current, outcome, stopped: true };
    current = next;
  }
  return outcome ? { state: current, outcome } : { state: current };
};

/**
 * Calls DRS StartRecovery for each of the wave's parts that has no job yet, for a wave this writer claimed
 * (it appended the WaveStartRequested), and records each job as it starts, or the failure. Only the
 * claimant gets here, so each claim starts each part at most once; a later claim first adopts any job an
 * earlier one created after all (its answer or its record lost).
 */
export const launchWave = async (deps: OperationDeps, state: Running, waveNumber: number): Promise<CommandOutcome> => {
  const wave = state.waves[waveNumber - 1];
  if (!wave) throw new Error(`Execution ${state.executionId} has no wave ${waveNumber}`);
  let current = state;
  let outcome: CommandOutcome | undefined;
  let part = partsWithoutJob(current, wave)[0] ?? 1;
  try {
    if (wave.startAttempts > 1) {
      const adopted = await adoptWaveJobs(deps, state, waveNumber, state.startTime);
      // Recording an adopted job ended the wave's start (a cancel taking effect, another writer): no launch.
      if (adopted.stopped && adopted.outcome) return adopted.outcome;
      ({ state: current, outcome } = adopted);
    }
    const drs = await deps.drs();
    for (part of partsWithoutJob(current, current.waves[waveNumber - 1] ?? wave)) {
      const serverIds = serversOfPart(current, wave, part).map((server) => server.serverId);
      const job = await drs.startRecovery(
        { isDrill: current.executionType === 'DRILL', sourceServerIds: serverIds, tags: waveTags(current.executionId, current.planId, waveNumber, part) },
        current.accountContext,
      );
      deps.log.info('Wave job started', { waveNumber, part, drsJobId: job.jobId });
      outcome = await record(deps, current, waveNumber, part, job, await withHostnames(deps, current, job));
      const next = stateAfter(outcome);
      if (!next) return outcome;
      current = next;
    }
    return outcome ?? { ok: true, state: current, appended: [], headHash: undefined };
  } catch (error) {
    const described = describeError(error);
    deps.log.warn('Wave start failed', { waveNumber, part, code: described.code, retryable: described.retryable });
    return handleCommand(deps.store, state.executionId, () => ({
      type: 'RecordWaveStartFailure',
      waveNumber,
      part,
      error: { code: described.code, message: described.message },
      retryable: described.retryable,
      ...(described.waitingForCapacity ? { waitingForCapacity: true } : {}),
      at: deps.now(),
    }));
  }
};
