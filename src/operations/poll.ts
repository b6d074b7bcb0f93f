import {
  allWavesCompleted,
  decide,
  ExecutionState,
  isTerminal,
  jobsOf,
  ObserveWave,
  Running,
  StartedExecution,
  WAVE_START_LEASE_MS,
  waveCounters,
  waveInFlight,
  WaveState,
} from '../domain/execution';
import type { LoadedExecution } from '../ports/executionEventStore';
import type { ObservedJob } from '../ports/pollInvoker';
import { RecoveryJob, RecoveryJobsError } from '../ports/recoveryJobs';
import { TooManyConflictsError } from './handleCommand';
import type { OperationDeps } from './deps';
import { ExecutionRef, finishExecution } from './finalize';
import { CommandOutcome, handleCommand } from './handleCommand';
import { loadExecution } from './loadExecution';
import { react } from './reactions/react';
import { settleTerminal, settlingLost } from './reactions/settleOutcome';
import { adoptWaveJobs } from './reactions/launchWave';
import { ok, OperationResponse } from './responses';

/** What kept a poll from finishing its step: where it failed (reading DRS or writing the ledger) and why. */
interface PollError {
  /** `drs`: DRS could not be read or refused; `ledger`: the ledger could not be read or written. */
  source: 'drs' | 'ledger';
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

const asPollError = (error: unknown): PollError => {
  if (error instanceof RecoveryJobsError) {
    return {
      source: 'drs',
      code: error.code,
      message: error.message,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  const code = error instanceof TooManyConflictsError ? 'TooManyConflicts' : error instanceof Error ? error.name : 'UnexpectedError';
  return { source: 'ledger', code, message: error instanceof Error ? error.message : String(error) };
};

const observation = (deps: OperationDeps, wave: WaveState, job: Pick<RecoveryJob, 'jobId' | 'status' | 'servers'>): ObserveWave => ({
  type: 'ObserveWave',
  waveNumber: wave.waveNumber,
  drsJobId: job.jobId,
  drsJobStatus: job.status,
  servers: job.servers,
  completionGraceMs: deps.config.completedJobGraceSeconds * 1000,
  at: deps.now(),
});

/** A wave whose jobs are running: read DRS (one call for all of them) and record only what changed. */
const observe = async (deps: OperationDeps, loaded: LoadedExecution, state: Running, wave: WaveState): Promise<CommandOutcome> => {
  const jobIds = jobsOf(wave).map((job) => job.drsJobId);
  const jobs = await (await deps.drs()).describeJobs(jobIds, state.accountContext);
  let outcome: CommandOutcome | undefined;
  let head: LoadedExecution = loaded;
  for (const jobId of jobIds) {
    const job = jobs.get(jobId);
    if (!job) throw new RecoveryJobsError('JobNotFound', `DRS has no job ${jobId}`, true);
    outcome = await handleCommand(deps.store, state.executionId, () => observation(deps, wave, job), { preloaded: head });
    // Another writer moved the wave on (or this observation ended it): the rest of its jobs no longer matter.
    if (!outcome.ok || outcome.state.status !== 'RUNNING' || outcome.appended.some((stored) => stored.event.type !== 'WavePolled')) break;
    head = { state: outcome.state, headHash: outcome.headHash };
  }
  return outcome ?? { ok: true, state, appended: [], headHash: loaded.headHash };
};

export interface PollInput extends ExecutionRef {
  /** The wave's DRS jobs as find saw them, DescribeJobs batched over many executions. */
  observations?: ObservedJob[];
  /** One job, as finds sent it before waves had several jobs (async invocations may still carry it). */
  observation?: ObservedJob;
}

/** How old find's observation may be and still stand for DRS's answer: find's own period. */
export const OBSERVATION_MAX_AGE_MS = 60_000;
/** Clocks of two invocations may disagree a little. */
const OBSERVATION_CLOCK_SKEW_MS = 5_000;

/**
 * Whether the job find observed shows nothing the ledger does not already hold. It must be this wave's job,
 * and recent. It is never recorded: a change is read from DRS by the poll itself, so what enters the ledger
 * always comes from DRS, and a stale or forged observation can at most delay a poll's news by one poll.
 */
const observedNoChange = (deps: OperationDeps, state: Running, wave: WaveState, observed: ObservedJob[]): boolean => {
  const jobs = jobsOf(wave);
  if (jobs.length === 0 || jobs.some((job) => !observed.some((seen) => seen.jobId === job.drsJobId))) return false;
  return jobs.every((job) => {
    const seen = observed.find((candidate) => candidate.jobId === job.drsJobId) as ObservedJob;
    const age = Date.parse(deps.now()) - Date.parse(seen.observedAt);
    if (!(age >= -OBSERVATION_CLOCK_SKEW_MS && age <= OBSERVATION_MAX_AGE_MS)) return false;
    const decision = decide(observation(deps, wave, { jobId: seen.jobId, status: seen.status, servers: seen.servers }), state);
    return decision.ok && decision.events.length === 0;
  });
};

/**
 * A claimed start whose claimant vanished: adopt the DRS jobs it created for the wave's parts, and if a
 * part still has none, give the claim up so that the next poll claims the rest again.
 */
const recoverStart = async (deps: OperationDeps, state: Running, wave: WaveState): Promise<CommandOutcome | undefined> => {
  const claimedAt = wave.startRequestedAt ?? state.lastEventAt;
  if (Date.parse(deps.now()) - Date.parse(claimedAt) < WAVE_START_LEASE_MS) return undefined;
  const adopted = await adoptWaveJobs(deps, state, wave.waveNumber, state.startTime);
  const after = adopted.state.waves[wave.waveNumber - 1];
  if (adopted.stopped || after?.status !== 'STARTING') return adopted.outcome;
  return handleCommand(deps.store, state.executionId, () => ({
    type: 'ReclaimWaveStart',
    waveNumber: wave.waveNumber,
    at: deps.now(),
  }));
};

/** One step of the drive: observe the running wave, recover a lost start, or act at the boundary. */
const step = async (
  deps: OperationDeps,
  loaded: LoadedExecution,
  state: Running,
  observed: ObservedJob[] | undefined,
): Promise<CommandOutcome | undefined> => {
  const wave = waveInFlight(state);
  if (wave?.status === 'IN_PROGRESS') {
    // Find already asked DRS and nothing changed: no DescribeJobs of this poll's own.
    if (observed && observedNoChange(deps, state, wave, observed)) return { ok: true, state, appended: [], headHash: loaded.headHash };
    return observe(deps, loaded, state, wave);
  }
  if (wave?.status === 'STARTING') return recoverStart(deps, state, wave);
  return handleCommand(deps.store, state.executionId, () => ({ type: 'Advance', at: deps.now() }), { preloaded: loaded });
};

const pollResponse = (state: StartedExecution, polledAt: string, pollError?: PollError): OperationResponse => {
  const wave = state.waves[state.currentWave - 1];
  return ok({
    executionId: state.executionId,
    planId: state.planId,
    currentWave: state.currentWave,
    waveStatus: wave?.status ?? null,
    drsJobStatus: wave?.drsJobStatus ?? null,
    ...waveCounters(wave?.servers ?? []),
    lastPolled: polledAt,
    status: state.status,
    totalWaves: state.waves.length,
    ...(state.status === 'PAUSED' ? { nextWave: state.nextWave } : {}),
    ...(pollError ? { pollError } : {}),
  });
};

/**
 * poll: read DRS for the current wave and append only what changed; start the next wave exactly once,
 * pause at a boundary, or complete the execution when every wave is done. A recent observation from find
 * that shows no change spares the DRS call.
 */
export const poll = async (deps: OperationDeps, input: PollInput): Promise<OperationResponse> => {
  const found = await loadExecution(deps, input.executionId, input.planId);
  if (!found.ok) return found.response;
  const polledAt = deps.now();
  let state: ExecutionState = found.state;
  let pollError: PollError | undefined;
  // The ledger's head as this poll last read or wrote it; undefined once unknown.
  let latest: LoadedExecution | undefined = found.loaded;

  if (state.status === 'RUNNING') {
    try {
      const observed = input.observations ?? (input.observation ? [input.observation] : undefined);
      const outcome = await step(deps, found.loaded, state, observed);
      if (outcome) {
        latest = undefined;
        // A refusal here means another driver moved the execution first: its state is the answer.
        if (!outcome.ok) deps.log.info('Poll found the execution moved on', { kind: outcome.rejection.kind });
        const reacted = await react(deps, outcome);
        // Reactions that append (a launch, an end's settling) move the head past the one this poll wrote.
        if (outcome.ok && reacted === outcome.state && !isTerminal(reacted)) latest = { state: reacted, headHash: outcome.headHash };
        state = reacted;
      }
    } catch (error) {
      // DRS throttling or outage, or a ledger write that failed: the next poll tries again.
      pollError = asPollError(error);
      // Logger reserves `message`: the error's own words go under `error`.
      const { message, ...rest } = pollError;
      deps.log.warn(pollError.source === 'drs' ? 'Poll could not read DRS' : 'Poll could not record in the ledger', { ...rest, error: message });
    }
    if (state.status === 'RUNNING' && allWavesCompleted(state)) {
      // The last wave just completed: finalize on the head this poll wrote, without reading it again.
      state = (await finishExecution(deps, input.executionId, latest)).state;
    }
  } else if (isTerminal(state) && settlingLost(state, polledAt)) {
    // A crash after the end but before its settling is repaired by the next poll.
    await settleTerminal(deps, state);
  }
  return pollResponse(state as StartedExecution, polledAt, pollError);
};
