import {
  allWavesCompleted,
  decide,
  ExecutionState,
  isTerminal,
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
import type { OperationDeps } from './deps';
import { ExecutionRef, finishExecution } from './finalize';
import { CommandOutcome, handleCommand } from './handleCommand';
import { loadExecution } from './loadExecution';
import { react } from './reactions/react';
import { settleTerminal, settlingLost } from './reactions/settleOutcome';
import { waveTags } from './reactions/launchWave';
import { ok, OperationResponse } from './responses';

interface PollError {
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

const asPollError = (error: unknown): PollError => {
  if (error instanceof RecoveryJobsError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  return { code: 'UnexpectedError', message: error instanceof Error ? error.message : String(error) };
};

/** A wave whose job is running: read DRS and record only what changed. */
const observe = async (deps: OperationDeps, loaded: LoadedExecution, state: Running, wave: WaveState) => {
  const jobId = wave.drsJobId as string;
  const job = (await (await deps.drs()).describeJobs([jobId], state.accountContext)).get(jobId);
  if (!job) throw new RecoveryJobsError('JobNotFound', `DRS has no job ${jobId}`, true);
  return handleCommand(
    deps.store,
    state.executionId,
    () => ({
      type: 'ObserveWave',
      waveNumber: wave.waveNumber,
      drsJobStatus: job.status,
      servers: job.servers,
      at: deps.now(),
    }),
    { preloaded: loaded },
  );
};

export interface PollInput extends ExecutionRef {
  /** The wave's DRS job as find saw it, DescribeJobs batched over many executions. */
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
const observedNoChange = (deps: OperationDeps, state: Running, wave: WaveState, observed: ObservedJob): boolean => {
  if (observed.jobId !== wave.drsJobId) return false;
  const age = Date.parse(deps.now()) - Date.parse(observed.observedAt);
  if (!(age >= -OBSERVATION_CLOCK_SKEW_MS && age <= OBSERVATION_MAX_AGE_MS)) return false;
  const decision = decide(
    { type: 'ObserveWave', waveNumber: wave.waveNumber, drsJobStatus: observed.status, servers: observed.servers, at: deps.now() },
    state,
  );
  return decision.ok && decision.events.length === 0;
};

/** A claimed start whose claimant vanished: adopt its DRS job if there is one, else claim again. */
const recoverStart = async (deps: OperationDeps, state: Running, wave: WaveState): Promise<CommandOutcome | undefined> => {
  const claimedAt = wave.startRequestedAt ?? state.lastEventAt;
  if (Date.parse(deps.now()) - Date.parse(claimedAt) < WAVE_START_LEASE_MS) return undefined;
  const drs = await deps.drs();
  const jobs: RecoveryJob[] = await drs.findJobsByTags(
    waveTags(state.executionId, state.planId, wave.waveNumber),
    claimedAt,
    state.accountContext,
  );
  const job = jobs[0];
  if (job) {
    deps.log.warn('Adopting a DRS job whose start was not recorded', { waveNumber: wave.waveNumber, drsJobId: job.jobId });
    return handleCommand(deps.store, state.executionId, () => ({
      type: 'RecordWaveStarted',
      waveNumber: wave.waveNumber,
      drsJobId: job.jobId,
      servers: job.servers,
      at: deps.now(),
    }));
  }
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
  observed: ObservedJob | undefined,
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
      const outcome = await step(deps, found.loaded, state, input.observation);
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
      // DRS throttling or outage: the ledger is unchanged and the next poll tries again.
      pollError = asPollError(error);
      deps.log.warn('Poll could not read DRS', { ...pollError });
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
