/**
 * The wave-boundary policy: what happens once no wave is starting or running (fail, cancel, pause, or claim
 * the next wave), and how a wave and its execution fail together. Shared by every decision after which a
 * boundary may have been reached.
 */
import { boundText } from '../text';
import type { EventRecorder } from './eventRecorder';
import type { ApprovalWait, ServerObservation } from './events';
import { identityData } from './identity';
import { type ExecutionState, jobsOf, nextPendingWave, type Paused, type Running, waveInFlight, type WaveState } from './state';
import { SYSTEM_ACTOR } from './vocabulary';
import { pauseOnFailure, pausesOnFailure, resumeAfterRecovery } from './waveFailurePolicy';

/** Starting one wave is attempted at most this many times before the execution fails. */
export const MAX_WAVE_START_ATTEMPTS = 5;
/**
 * How long a wave may wait for room in DRS (its concurrent-jobs quota, servers busy in other jobs) before
 * the execution fails: such refusals do not spend start attempts, since DRS jobs run for tens of minutes.
 */
export const MAX_CAPACITY_WAIT_MS = 6 * 3600_000;

/** Start attempts that count against MAX_WAVE_START_ATTEMPTS: refusals for lack of room do not. */
export const countedAttempts = (wave: WaveState): number => wave.startAttempts - (wave.capacityWaits ?? 0);

/** "DRS jobs already running for this wave: a, b": a wave that fails part-way names what it left in DRS. */
export const runningJobsNote = (wave: WaveState): string => {
  const jobs = jobsOf(wave).map((job) => job.drsJobId);
  return jobs.length ? `; DRS jobs already running for this wave: ${jobs.join(', ')}` : '';
};
/** Reasons the domain writes (a wave's, an execution's, a start error's) stay this small. */
export const MAX_REASON_BYTES = 2048;

export type Active = Running | Paused;
export const isActive = (state: ExecutionState): state is Active => state.status === 'RUNNING' || state.status === 'PAUSED';

/**
 * A pause whose approval is recorded but whose resume is not (the approval's next write lost to another writer,
 * or its writer stopped): the execution goes on in the approver's name, as they decided, unless a cancel came
 * in between (which then ends it).
 */
const resumeAfterApproval = (recorder: EventRecorder, state: Active): boolean => {
  if (state.status !== 'PAUSED' || state.approvalGranted === undefined || state.cancelRequest) return false;
  const { actor, identity } = state.approvalGranted;
  recorder.emit('ExecutionResumed', { resumedBy: actor, nextWave: state.nextWave, ...identityData(identity) }, actor);
  return true;
};

/**
 * At a wave boundary (no wave starting or running): cancel if asked, pause if due, else claim the next wave.
 * Shared by every command after which a boundary may have been reached.
 *
 * A decision's events are appended one conditional write each, so another writer may decide between two of
 * them. The only such in-between state that could mislead is a wave failure not yet carried to the
 * execution: a FAILED wave, or a wave whose last allowed start attempt failed. It is carried through here
 * first, so that no later wave starts.
 */
export const advanceAtBoundary = (recorder: EventRecorder): void => {
  if (!isActive(recorder.state)) return;
  if (resumeAfterApproval(recorder, recorder.state) || resumeAfterRecovery(recorder, recorder.state)) {
    advanceAtBoundary(recorder);
    return;
  }
  const state = recorder.state;
  const failed = state.waves.find((wave) => wave.status === 'FAILED');
  if (failed && pausesOnFailure(state)) {
    pauseOnFailure(recorder, state, failed);
    return;
  }
  if (failed) {
    const reason = boundText(`Wave ${failed.waveNumber} failed: ${failed.failureReason ?? 'no reason recorded'}`, MAX_REASON_BYTES);
    recorder.emit('ExecutionFailed', { reason, waveNumber: failed.waveNumber }, SYSTEM_ACTOR);
    return;
  }
  const exhausted = state.waves.find((wave) => wave.status === 'PENDING' && countedAttempts(wave) >= MAX_WAVE_START_ATTEMPTS);
  if (exhausted) {
    const reason = `DRS StartRecovery failed (after ${exhausted.startAttempts} attempts): ${exhausted.failureReason ?? 'no reason recorded'}${runningJobsNote(exhausted)}`;
    failWave(recorder, exhausted.waveNumber, reason, []);
    return;
  }
  const inFlight = waveInFlight(state);
  if (state.cancelRequest) {
    // A wave being started may already have a DRS job: wait until it is recorded, so the ledger keeps it.
    if (inFlight?.status === 'STARTING') return;
    recorder.emit(
      'ExecutionCancelled',
      { cancelledBy: state.cancelRequest.requestedBy, ...reasonOf(state) },
      state.cancelRequest.requestedBy,
    );
    return;
  }
  if (state.status !== 'RUNNING' || inFlight) return;
  const next = nextPendingWave(state);
  if (!next) return;
  const afterWave = next.waveNumber - 1;
  const approval = approvalWait(next, recorder.at);
  if (state.pauseRequest && jobsOf(next).length === 0) {
    recorder.emit(
      'ExecutionPaused',
      { afterWave, nextWave: next.waveNumber, reason: 'PAUSE_REQUESTED', ...approval, attachesToken: true },
      state.pauseRequest.requestedBy,
    );
    return;
  }
  // A wave some of whose jobs already run in DRS is finished starting before any pause.
  const partlyStarted = jobsOf(next).length > 0;
  if (partlyStarted) {
    recorder.emit('WaveStartRequested', { waveNumber: next.waveNumber, attempt: next.startAttempts + 1 }, SYSTEM_ACTOR);
    return;
  }
  if (next.pauseBeforeWave && !state.pausedBeforeWaves.includes(next.waveNumber)) {
    recorder.emit(
      'ExecutionPaused',
      { afterWave, nextWave: next.waveNumber, reason: 'PAUSE_BEFORE_WAVE', ...approval, attachesToken: true },
      SYSTEM_ACTOR,
    );
    return;
  }
  recorder.emit('WaveStartRequested', { waveNumber: next.waveNumber, attempt: next.startAttempts + 1 }, SYSTEM_ACTOR);
};

/**
 * What a pause before `wave` waits for when the wave requires approval: its rule, and the deadline its
 * timeout sets from the moment of the pause. A pause for any reason before such a wave is an approval wait.
 */
const approvalWait = (wave: WaveState, at: string): { approval?: ApprovalWait } => {
  if (!wave.approval) return {};
  const { timeoutMinutes } = wave.approval;
  const deadline = timeoutMinutes === undefined ? undefined : new Date(Date.parse(at) + timeoutMinutes * 60_000).toISOString();
  return { approval: { ...wave.approval, ...(deadline ? { deadline } : {}) } };
};

export const reasonOf = (state: Active): { reason?: string } =>
  state.cancelRequest?.reason === undefined ? {} : { reason: state.cancelRequest.reason };

/** Fails the wave and the execution together: a failed wave never lets a later wave start. */
export const failWave = (recorder: EventRecorder, waveNumber: number, reason: string, failedServers: ServerObservation[]): void => {
  const bounded = boundText(reason, MAX_REASON_BYTES);
  recorder.emit('WaveFailed', { waveNumber, reason: bounded, failedServers }, SYSTEM_ACTOR);
  const state = recorder.state;
  if (isActive(state) && pausesOnFailure(state)) {
    pauseOnFailure(recorder, state, state.waves[waveNumber - 1] as WaveState);
    return;
  }
  recorder.emit(
    'ExecutionFailed',
    { reason: boundText(`Wave ${waveNumber} failed: ${bounded}`, MAX_REASON_BYTES), waveNumber },
    SYSTEM_ACTOR,
  );
};
