import { accountKey, drsAccountOf, POLLS_CALLER } from './drsAccount';
import {
  allWavesCompleted,
  decide,
  jobsOf,
  type ObserveWave,
  type Running,
  type StartedExecution,
  WAVE_START_LEASE_MS,
  waveCounters,
  waveInFlight,
  type WaveState,
} from '../domain/execution';
import type { LoadedExecution } from '../ports/executionEventStore';
import type { ObservedJob } from '../ports/pollInvoker';
import { type RecoveryJob, RecoveryJobsError } from '../ports/recoveryJobs';
import type { OperationDeps } from './deps';
import { finishExecution } from './finishExecution';
import { type CommandOutcome, handleCommand, TooManyConflictsError, unchanged } from './handleCommand';
import type { ExecutionRef } from './inputs';
import { loadExecution } from './loadExecution';
import { serversMissingPoints, withRecoveryPoints } from './recoveryPoints';
import { react } from './reactions/react';
import { continueWaveStart } from './reactions/waveStart';
import { ok, type OperationResponse } from './responses';

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

const observation = (
  deps: OperationDeps,
  wave: WaveState,
  job: Pick<RecoveryJob, 'jobId' | 'status' | 'servers'>,
  pointsUnavailable = false,
): ObserveWave => ({
  type: 'ObserveWave',
  waveNumber: wave.waveNumber,
  drsJobId: job.jobId,
  drsJobStatus: job.status,
  servers: job.servers,
  completionGraceMs: deps.config.completedJobGraceSeconds * 1000,
  ...(pointsUnavailable ? { recoveryPointsUnavailable: true } : {}),
  at: deps.now(),
});

/**
 * The wave's jobs from DRS, read in the execution's own name (its role session and source identity): what the
 * ledger records. With a container's shared reads, the jobs of the other executions polled here lately are
 * read too, for their polls, on behalf of them all (POLLS_CALLER): in the same call in the home account; in a
 * target account in a call of their own, whose failure costs this poll nothing. Only this poll's own jobs get
 * their failed servers' reasons read from the job logs.
 */
const readJobs = async (deps: OperationDeps, state: Running, jobIds: string[]): Promise<Map<string, RecoveryJob>> => {
  const drs = await deps.drs();
  const shared = deps.sharedJobReads;
  if (!shared) return drs.describeJobs(jobIds, drsAccountOf(state));
  const key = accountKey(state.accountContext);
  const companions = shared.companions(key, jobIds, state.executionId);
  // An answer is as old as its question.
  const read = { executionId: state.executionId, needed: jobIds, askedAtMs: shared.clockMs() };
  if (companions.length === 0 || !state.accountContext) {
    const jobs = await drs.describeJobs([...jobIds, ...companions], drsAccountOf(state), { reasonsOf: jobIds });
    shared.remember(key, read, jobs);
    return jobs;
  }
  const [own, others] = await Promise.all([
    drs.describeJobs(jobIds, drsAccountOf(state)),
    drs.describeJobs(companions, { ...state.accountContext, onBehalfOf: POLLS_CALLER }, { reasonsOf: [] }).catch((error: unknown) => {
      // Refused (throttled, or the role's trust policy refuses the session): not asked again for a while.
      shared.companionsFailed(key);
      deps.log.warn("Reading other executions' DRS jobs for their polls failed; each reads its own", { error: String(error) });
      return new Map<string, RecoveryJob>();
    }),
  ]);
  shared.remember(key, read, new Map([...others, ...own]));
  return own;
};

/** A wave whose jobs are running: read DRS (one call for all of them) and record only what changed. */
const observe = async (deps: OperationDeps, loaded: LoadedExecution, state: Running, wave: WaveState): Promise<CommandOutcome> => {
  const jobIds = jobsOf(wave).map((job) => job.drsJobId);
  const jobs = await readJobs(deps, state, jobIds);
  let outcome = unchanged(loaded);
  const missing = await serversMissingPoints(deps, state, wave);
  for (const jobId of jobIds) {
    const job = jobs.get(jobId);
    if (!job) throw new RecoveryJobsError('JobNotFound', `DRS has no job ${jobId}`, true);
    const points = await withRecoveryPoints(deps, state, wave, job.servers, missing);
    const seen = { ...job, servers: points.servers };
    outcome = await handleCommand(deps, outcome.loaded, () => observation(deps, wave, seen, points.unavailable));
    // Another writer moved the wave on (or this observation ended it): the rest of its jobs no longer matter.
    if (!outcome.ok || outcome.loaded.state.status !== 'RUNNING' || outcome.appended.some((stored) => stored.event.type !== 'WavePolled'))
      break;
  }
  return outcome;
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

/** Whether observed jobs show nothing the ledger does not already hold: every job of the wave, each unchanged. */
const showsNoChange = (deps: OperationDeps, state: Running, wave: WaveState, observed: ObservedJob[]): boolean => {
  const jobs = jobsOf(wave);
  // Recovery points still to read are read by the poll itself: observations do not carry them.
  if ((wave.recoveryPointsMissing ?? 0) > 0) return false;
  if (jobs.length === 0 || jobs.some((job) => !observed.some((seen) => seen.jobId === job.drsJobId))) return false;
  return jobs.every((job) => {
    const seen = observed.find((candidate) => candidate.jobId === job.drsJobId) as ObservedJob;
    const decision = decide(observation(deps, wave, { jobId: seen.jobId, status: seen.status, servers: seen.servers }), state);
    return decision.ok && decision.events.length === 0;
  });
};

/**
 * Whether the job find observed shows nothing the ledger does not already hold. It must be this wave's job,
 * and recent. It is never recorded: a change is read from DRS by the poll itself, so what enters the ledger
 * always comes from DRS, and a stale or forged observation can at most delay a poll's news by one poll.
 */
const observedNoChange = (deps: OperationDeps, state: Running, wave: WaveState, observed: ObservedJob[]): boolean => {
  const recent = observed.filter((seen) => {
    const age = Date.parse(deps.now()) - Date.parse(seen.observedAt);
    return age >= -OBSERVATION_CLOCK_SKEW_MS && age <= OBSERVATION_MAX_AGE_MS;
  });
  // A job observed too long ago is as good as unobserved: the poll reads DRS.
  return showsNoChange(deps, state, wave, recent);
};

/**
 * Whether another execution's poll in this container read the wave's jobs lately, and they show no change.
 * Such reads carry no failure reasons (only a poll's own jobs get their logs read): while a server failed with
 * no reason on record, the poll reads DRS itself, so a reason the job log gains later is still recorded.
 */
const sharedReadNoChange = (deps: OperationDeps, state: Running, wave: WaveState): boolean => {
  if (wave.servers.some((server) => server.launchStatus === 'FAILED' && server.failureReason === undefined)) return false;
  const fresh = deps.sharedJobReads?.fresh(
    accountKey(state.accountContext),
    jobsOf(wave).map((job) => job.drsJobId),
    state.executionId,
    deps.now(),
  );
  return fresh !== undefined && showsNoChange(deps, state, wave, fresh);
};

/** One step of the drive: observe the running wave, take over a start whose claimant vanished, or act at the boundary. */
const step = async (
  deps: OperationDeps,
  loaded: LoadedExecution,
  state: Running,
  observed: ObservedJob[] | undefined,
): Promise<CommandOutcome> => {
  const wave = waveInFlight(state);
  if (wave?.status === 'IN_PROGRESS') {
    // Find, or another poll here, already asked DRS and nothing changed: no DescribeJobs of this poll's own.
    if (observed && observedNoChange(deps, state, wave, observed)) return unchanged(loaded);
    if (sharedReadNoChange(deps, state, wave)) return unchanged(loaded);
    return observe(deps, loaded, state, wave);
  }
  if (wave?.status === 'STARTING') {
    const claimedAt = wave.startRequestedAt ?? state.lastEventAt;
    if (Date.parse(deps.now()) - Date.parse(claimedAt) < WAVE_START_LEASE_MS) return unchanged(loaded);
    return continueWaveStart(deps, loaded, wave.waveNumber, 'leaseExpired');
  }
  return handleCommand(deps, loaded, () => ({ type: 'Advance', at: deps.now() }));
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
  // The stream as this poll last read or wrote it: each step starts from it, and a stale one only costs a conflict.
  let loaded = found.loaded;
  let pollError: PollError | undefined;

  if (loaded.state.status === 'RUNNING') {
    try {
      const observed = input.observations ?? (input.observation ? [input.observation] : undefined);
      const outcome = await step(deps, loaded, loaded.state, observed);
      // A refusal here means another driver moved the execution first: its state is the answer.
      if (!outcome.ok) deps.log.info('Poll found the execution moved on', { kind: outcome.rejection.kind });
      loaded = await react(deps, outcome);
    } catch (error) {
      // DRS throttling or outage, or a ledger write that failed: the next poll tries again.
      pollError = asPollError(error);
      // Logger reserves `message`: the error's own words go under `error`.
      const { message, ...rest } = pollError;
      deps.log.warn(pollError.source === 'drs' ? 'Poll could not read DRS' : 'Poll could not record in the ledger', {
        ...rest,
        error: message,
      });
    }
    // The last wave just completed: finalize on the stream this poll holds, without reading it again.
    if (loaded.state.status === 'RUNNING' && allWavesCompleted(loaded.state)) loaded = (await finishExecution(deps, loaded)).loaded;
  } else {
    // An ended execution: a crash after the end but before its settling is repaired here.
    loaded = await react(deps, unchanged(loaded));
  }
  return pollResponse(loaded.state as StartedExecution, polledAt, pollError);
};
