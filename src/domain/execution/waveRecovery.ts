/**
 * An operator's answer to a wave that failed under the plan's onWaveFailure PAUSE: retry its failed servers
 * (a new round of DRS jobs, claimed like any wave start) or skip it with a reason (an accepted deviation).
 * Both apply only to the pause on that wave's failure, and a redelivered request changes nothing.
 */
import type { RetryWave, SkipWave } from './commands';
import { EventRecorder } from './eventRecorder';
import { identityData, operatorActorOf, reservedActorProblem } from './identity';
import { invalidCommand, type Rejection } from './rejections';
import { jobsOf, serversPerJobOf, type StartedExecution, type WaveState } from './state';
import { advanceAtBoundary, isActive } from './waveBoundary';
import { MAX_WAVE_RETRIES, pausedOnFailureOf, waveAfter } from './waveFailurePolicy';
import { recordJobsSeen } from './waveRecoverySeen';

/** A skip's reason is the operator's justification, kept whole: at most this many characters. */
export const MAX_SKIP_REASON_LENGTH = 1024;

export type RecoveryDecision =
  { kind: 'events'; recorder: EventRecorder } | { kind: 'nothing' } | { kind: 'rejected'; rejection: Rejection };

const rejected = (rejection: Rejection): RecoveryDecision => ({ kind: 'rejected', rejection });

/** Why this request cannot apply to the wave: no such wave, or the execution does not wait on its failure. */
const notPausedOn = (state: StartedExecution, waveNumber: number, verb: string): Rejection => {
  if (!Number.isInteger(waveNumber) || waveNumber < 1 || waveNumber > state.waves.length) {
    return {
      kind: 'WaveNotInExpectedStatus',
      currentStatus: state.status,
      waveNumber,
      message: `Wave ${waveNumber} does not exist in this execution (it has ${state.waves.length} waves)`,
    };
  }
  const where =
    state.status === 'PAUSED' && state.pauseReason === 'WAVE_FAILED'
      ? `it is paused on wave ${state.nextWave}'s failure`
      : state.status === 'PAUSED'
        ? `it is paused before wave ${state.nextWave} (${state.pauseReason}), not on a failure`
        : `it is ${state.status}`;
  return {
    kind: 'InvalidState',
    currentStatus: state.status,
    expected: ['PAUSED'],
    message: `Cannot ${verb} wave ${waveNumber}: the execution is not paused on wave ${waveNumber}'s failure (${where})`,
  };
};

const callerProblem = (state: StartedExecution, name: string, identity: RetryWave['identity']): Rejection | undefined => {
  // A verified principal's own claim is checked; an unverified caller's name is all there is.
  const claimed = identity ? identity.claim : name;
  const problem = claimed === undefined ? undefined : reservedActorProblem(claimed);
  return problem ? invalidCommand(state, `The caller's name ${problem}`) : undefined;
};

/** The wave's servers a retry relaunches: every one that did not launch (a server that launched never is). */
export const serversToRetry = (wave: WaveState): string[] =>
  wave.servers.filter((server) => server.launchStatus !== 'LAUNCHED').map((server) => server.serverId);

/**
 * Why a retry now could launch a server twice, or lose a job: as the ledger knows them (with what the retry just
 * read from DRS), one of the wave's jobs is not COMPLETED (a part failed to start while another part's job ran),
 * or a server to retry is PENDING or IN_PROGRESS (the completion grace ran out before DRS finished it). Such a server may still launch; a retry
 * would relaunch it and drop the job from the state, so the job would never be observed again.
 */
const stillRunning = (state: StartedExecution, wave: WaveState, serverIds: string[]): Rejection | undefined => {
  const running = jobsOf(wave).filter((job) => job.drsJobStatus !== 'COMPLETED');
  const retried = new Set(serverIds);
  const launching = wave.servers.filter(
    (server) => retried.has(server.serverId) && (server.launchStatus === 'PENDING' || server.launchStatus === 'IN_PROGRESS'),
  );
  if (running.length === 0 && launching.length === 0) return undefined;
  const jobs = running.map((job) => job.drsJobId);
  const what = [
    ...(jobs.length > 0 ? [`DRS job(s) ${jobs.join(', ')} were last seen ${running.map((job) => job.drsJobStatus).join(', ')}`] : []),
    ...(launching.length > 0 ? [`${launching.length} of its servers were last seen still launching`] : []),
  ].join(' and ');
  return {
    kind: 'WaveJobsStillRunning',
    currentStatus: state.status,
    waveNumber: wave.waveNumber,
    drsJobIds: jobs,
    message:
      `Cannot retry wave ${wave.waveNumber} yet: ${what}, so a retry could launch a server twice. ` +
      `Wait until DRS finishes those jobs, then retry (a retry reads them from DRS first); or skip the wave with a reason`,
  };
};

/** A retry already accepted for this wave, its round not yet failed: a redelivery of it changes nothing. */
const retryUnderWay = (state: StartedExecution, wave: WaveState): boolean =>
  isActive(state) && wave.retryRound !== undefined && wave.status !== 'FAILED' && wave.status !== 'SKIPPED';

/**
 * A retry or a skip whose first event was recorded but whose writer stopped before the resume that follows it
 * (each event is a write of its own): the execution is still paused on the wave, which is no longer FAILED, and
 * neither resume nor a new retry or skip applies. The same request asked again (a redelivery, the operator's
 * retry after a timeout) finishes it: the resume and what follows at the boundary; nothing is recorded twice.
 */
const finishInterrupted = (state: StartedExecution, wave: WaveState, command: RetryWave | SkipWave): RecoveryDecision => {
  const recorder = new EventRecorder(state, command.at);
  const actor = operatorActorOf(command.requestedBy, command.identity, false);
  const nextWave = wave.status === 'SKIPPED' ? waveAfter(state, wave.waveNumber) : wave.waveNumber;
  recorder.emit('ExecutionResumed', { resumedBy: actor, nextWave, ...identityData(command.identity) }, actor);
  advanceAtBoundary(recorder);
  return { kind: 'events', recorder };
};

export const decideRetry = (state: StartedExecution, command: RetryWave): RecoveryDecision => {
  const reserved = callerProblem(state, command.requestedBy, command.identity);
  if (reserved) return rejected(reserved);
  const wave = state.waves[command.waveNumber - 1];
  if (wave && !pausedOnFailureOf(state, command.waveNumber) && retryUnderWay(state, wave)) return { kind: 'nothing' };
  if (wave && pausedOnFailureOf(state, command.waveNumber) && wave.status === 'PENDING' && wave.retryRound !== undefined) {
    if (command.retryRound !== undefined && command.retryRound !== wave.retryRound) return { kind: 'nothing' };
    return finishInterrupted(state, wave, command);
  }
  if (!wave || !isActive(state) || !pausedOnFailureOf(state, command.waveNumber) || wave.status !== 'FAILED') {
    return rejected(notPausedOn(state, command.waveNumber, 'retry'));
  }
  const retry = (wave.retryRound ?? 0) + 1;
  // A redelivery of the request for a round that already ran (and failed again) must not start one more.
  if (command.retryRound !== undefined && command.retryRound !== retry) return { kind: 'nothing' };
  if (retry > MAX_WAVE_RETRIES) {
    return rejected(
      invalidCommand(state, `Wave ${wave.waveNumber} was retried ${MAX_WAVE_RETRIES} times already: skip it (with a reason) or cancel`),
    );
  }
  const recorder = new EventRecorder(state, command.at);
  if (command.jobsSeen) recordJobsSeen(recorder, state, wave, command.jobsSeen);
  const seen = recorder.state as StartedExecution;
  const seenWave = seen.waves[wave.waveNumber - 1] as WaveState;
  const serverIds = serversToRetry(seenWave);
  const running = stillRunning(seen, seenWave, serverIds);
  if (running) return rejected(running);
  const actor = operatorActorOf(command.requestedBy, command.identity, false);
  const identity = identityData(command.identity);
  const jobCount = Math.max(1, Math.ceil(serverIds.length / serversPerJobOf(state)));
  recorder.emit('WaveRetryRequested', { waveNumber: wave.waveNumber, retry, serverIds, requestedBy: actor, ...identity, jobCount }, actor);
  recorder.emit('ExecutionResumed', { resumedBy: actor, nextWave: wave.waveNumber, ...identity }, actor);
  advanceAtBoundary(recorder);
  return { kind: 'events', recorder };
};

export const decideSkip = (state: StartedExecution, command: SkipWave): RecoveryDecision => {
  const reserved = callerProblem(state, command.requestedBy, command.identity);
  if (reserved) return rejected(reserved);
  const reason = command.reason.trim();
  if (reason === '' || [...reason].length > MAX_SKIP_REASON_LENGTH) {
    return rejected({
      kind: 'MissingParameter',
      currentStatus: state.status,
      parameter: 'reason',
      message: `A skip needs a reason of 1 to ${MAX_SKIP_REASON_LENGTH} characters: it is recorded as an accepted deviation`,
    });
  }
  const wave = state.waves[command.waveNumber - 1];
  if (wave?.status === 'SKIPPED')
    return pausedOnFailureOf(state, wave.waveNumber) ? finishInterrupted(state, wave, command) : { kind: 'nothing' };
  if (!wave || !isActive(state) || !pausedOnFailureOf(state, command.waveNumber) || wave.status !== 'FAILED') {
    return rejected(notPausedOn(state, command.waveNumber, 'skip'));
  }
  const recorder = new EventRecorder(state, command.at);
  const actor = operatorActorOf(command.requestedBy, command.identity, false);
  const identity = identityData(command.identity);
  recorder.emit('WaveSkipped', { waveNumber: wave.waveNumber, reason, skippedBy: actor, ...identity }, actor);
  recorder.emit('ExecutionResumed', { resumedBy: actor, nextWave: waveAfter(state, wave.waveNumber), ...identity }, actor);
  advanceAtBoundary(recorder);
  return { kind: 'events', recorder };
};
