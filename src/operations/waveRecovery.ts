import { allWavesCompleted, operatorActorOf, type StartedExecution } from '../domain/execution';
import type { ResumeDelivery } from '../ports/workflow';
import type { OperationDeps } from './deps';
import { finishExecution } from './finishExecution';
import type { OperatorInput } from './inputs';
import { deliverResume } from './reactions/deliverResume';
import { failure, ok, type OperationResponse } from './responses';
import { runCommand } from './runCommand';
import { readWaveJobs } from './waveJobsSeen';

const missing = (names: string[]): OperationResponse =>
  failure(400, 'MISSING_PARAMETERS', `Missing required parameters: ${names.join(', ')}`, { missingParameters: names });

/** What the state machine waiting on the pause made of the resume: like resume's answer. */
const detached = (delivery: ResumeDelivery | undefined): Record<string, unknown> =>
  delivery && !delivery.ok
    ? {
        stateMachine: 'DETACHED',
        warning: {
          error: delivery.reason === 'TaskTimedOut' ? 'TASK_TOKEN_EXPIRED' : 'TASK_TOKEN_INVALID',
          message: `${delivery.message}. The execution continues, driven by the scheduled poller.`,
        },
      }
    : {};

const waveAnswer = (state: StartedExecution, waveNumber: number) => {
  const wave = state.waves[waveNumber - 1];
  return {
    executionStatus: state.status,
    currentWave: state.currentWave,
    waveNumber,
    waveStatus: wave?.status,
    ...(wave?.retryRound === undefined ? {} : { retry: wave.retryRound }),
  };
};

/**
 * retry_wave: the execution paused on wave N's failure (onWaveFailure PAUSE) relaunches the servers of wave N
 * that did not launch, in a new DRS job claimed and started like any wave start (the claim first, then
 * StartRecovery, found again by its tags after a crash). A redelivered request starts nothing more.
 */
export const retryWave = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  const { waveNumber } = input;
  if (waveNumber === undefined) return missing(['waveNumber']);
  // What DRS says now of the wave's jobs the ledger did not see finish: the decider records it first.
  const before = await deps.store.load(input.executionId);
  const jobsSeen =
    before.state.status === 'NOT_STARTED' || before.state.planId !== input.planId
      ? undefined
      : await readWaveJobs(deps, before.state, waveNumber);
  const run = await runCommand(deps, input, (at) => ({
    type: 'RetryWave',
    waveNumber,
    ...(jobsSeen ? { jobsSeen } : {}),
    ...(input.retryRound === undefined ? {} : { retryRound: input.retryRound }),
    requestedBy: input.requestedBy,
    ...(input.identity ? { identity: input.identity } : {}),
    at,
  }));
  if (!run.ok) return run.response;
  const requested = run.outcome.appended.find((stored) => stored.event.type === 'WaveRetryRequested')?.event;
  // A retry recorded by an earlier delivery whose writer stopped before resuming: this one carried it on.
  const carriedOn = !requested && run.outcome.appended.some((stored) => stored.event.type === 'ExecutionResumed');
  const delivery = await deliverResume(deps, input.executionId);
  const { state } = run;
  if (state.status === 'NOT_STARTED') throw new Error(`Execution ${input.executionId} vanished`);
  const serverIds = requested?.type === 'WaveRetryRequested' ? requested.data.serverIds : undefined;
  const wave = state.waves[waveNumber - 1];
  // Still paused on the failure, and nothing written: the request named a round that is not the next one.
  const otherRound = !requested && state.status === 'PAUSED' && wave?.status === 'FAILED';
  return ok({
    executionId: input.executionId,
    status: requested || carriedOn ? 'RETRYING' : otherRound ? 'NOT_RETRIED' : 'ALREADY_RETRYING',
    ...waveAnswer(state, waveNumber),
    ...(serverIds ? { serverIds } : {}),
    requestedBy: operatorActorOf(input.requestedBy, input.identity, false),
    message: serverIds
      ? `Wave ${waveNumber} retry ${requested?.type === 'WaveRetryRequested' ? requested.data.retry : ''}: relaunching ${serverIds.length} server(s) that did not launch`
      : carriedOn
        ? `Wave ${waveNumber} retry ${wave?.retryRound ?? ''} was recorded by an earlier delivery of this request that stopped before resuming; the execution resumed now`
        : otherRound
          ? `Wave ${waveNumber} retry ${input.retryRound ?? ''} is not the next one (${(wave.retryRound ?? 0) + 1}); nothing was started`
          : `Wave ${waveNumber} is already being retried; nothing more was started`,
    ...detached(delivery),
  });
};

/**
 * skip_wave: the execution paused on wave N's failure accepts it as it is, with the operator's reason (a
 * deviation in the ledger), and goes on to the next wave, or completes when it was the last.
 */
export const skipWave = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  const { waveNumber, reason } = input;
  const absent = [...(waveNumber === undefined ? ['waveNumber'] : []), ...(reason === undefined ? ['reason'] : [])];
  if (waveNumber === undefined || reason === undefined) return missing(absent);
  const run = await runCommand(deps, input, (at) => ({
    type: 'SkipWave',
    waveNumber,
    reason,
    requestedBy: input.requestedBy,
    ...(input.identity ? { identity: input.identity } : {}),
    at,
  }));
  if (!run.ok) return run.response;
  const skipped = run.outcome.appended.some((stored) => stored.event.type === 'WaveSkipped');
  // A skip recorded by an earlier delivery whose writer stopped before resuming: this one carried it on.
  const carriedOn = !skipped && run.outcome.appended.some((stored) => stored.event.type === 'ExecutionResumed');
  const delivery = await deliverResume(deps, input.executionId);
  let { state } = run;
  // The last wave skipped: the execution completes now rather than at the next poll.
  if (state.status === 'RUNNING' && allWavesCompleted(state)) {
    state = (await finishExecution(deps, await deps.store.load(input.executionId))).loaded.state;
  }
  if (state.status === 'NOT_STARTED') throw new Error(`Execution ${input.executionId} vanished`);
  return ok({
    executionId: input.executionId,
    status: skipped || carriedOn ? 'SKIPPED' : 'ALREADY_SKIPPED',
    ...waveAnswer(state, waveNumber),
    skippedBy: operatorActorOf(input.requestedBy, input.identity, false),
    message: skipped
      ? `Wave ${waveNumber} skipped (recorded as a deviation); the execution goes on`
      : carriedOn
        ? `Wave ${waveNumber} was skipped by an earlier delivery of this request that stopped before resuming; the execution goes on now`
        : `Wave ${waveNumber} was already skipped`,
    ...detached(delivery),
  });
};
