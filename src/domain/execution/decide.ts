import { MAX_CLOCK_DIFFERENCE_MS, WAVE_START_CLAIM_LIFETIME_MS } from './clocks';
import { assertNever } from './assertNever';
import type {
  Advance,
  AttachResumeToken,
  Decline,
  ExecutionCommand,
  ExpireApproval,
  Fail,
  Finalize,
  ObserveWave,
  ReclaimWaveStart,
  RecordNotification,
  RecordWaveStartFailure,
  RecordWaveStarted,
  RequestCancel,
  RequestPause,
  Resume,
  StartExecution,
  AttachStateMachine,
} from './commands';
import { completeCleanup, recordCleanupFailure, recordInstancesGone, recordTerminationRequested, startCleanup } from './cleanup';
import {
  accountContextProblem,
  DEFAULT_TARGET_ROLE_NAME,
  MAX_KEEP_ALIVE_MINUTES,
  recordedTarget,
  validatePlan,
  withoutExternalId,
} from '../plan';
import { boundText, utf8Length } from '../text';
import {
  approvalRefusalReason,
  approvalWords,
  awaitsApproval,
  MAX_RECORDED_REFUSALS,
  MAX_RECORDED_UNVERIFIED_REFUSALS,
  type ApprovalAction,
} from './approval';
import { EventRecorder } from './eventRecorder';
import { actorOf, identityData, operatorActorOf, reservedActorProblem, simulatedData, type VerifiedIdentity } from './identity';
import {
  advanceAtBoundary,
  countedAttempts,
  failWave,
  isActive,
  MAX_CAPACITY_WAIT_MS,
  MAX_REASON_BYTES,
  MAX_WAVE_START_ATTEMPTS,
  runningJobsNote,
} from './waveBoundary';
import { boundObservation, concludeWave, hasChanged, isStale, observedJob, QUOTED_SERVERS } from './waveObservation';
import type { ExecutionEvent } from './events';
import { recoverAsOfProblem } from './recoveryPoint';
import { bringsMissingPoint, newlyLaunchedWithoutPoint, recoveryPointsProblem } from './recoveryPointRules';
import { decideRetry, decideSkip, type RecoveryDecision } from './waveRecovery';
import { invalidCommand, invalidState, type Rejection } from './rejections';
import { readinessData, readinessProblem } from './readinessDecision';
import {
  allWavesCompleted,
  DEFAULT_SERVERS_PER_JOB,
  type ExecutionState,
  isTerminal,
  type Paused,
  jobCount,
  jobsOf,
  MAX_SERVERS_PER_JOB,
  nextPendingWave,
  partsWithoutJob,
  serversOfPart,
  type ServerState,
  type StartedExecution,
  type WaveState,
} from './state';
import { secondsBetween, serverTotals } from './summary';
import { SYSTEM_ACTOR } from './vocabulary';

/**
 * What a command means: the events to append, each with the state it leaves the execution in (`states[i]`
 * after `events[i]`, folded once here and stored as that item's snapshot), or why it is refused.
 */
export type Decision =
  | {
      ok: true;
      events: ExecutionEvent[];
      states: ExecutionState[];
      /** The command is refused, but the attempt is evidence: these events record it (a refused approval). */
      refusal?: Rejection;
    }
  | { ok: false; rejection: Rejection };

/**
 * A claim older than this, by the judge's clock, is presumed dead: its claimant's lifetime plus the widest gap between
 * the clock that wrote the claim and the one judging it (clocks.ts), so a judge whose clock runs ahead never takes a
 * live claim for a dead one.
 */
export const WAVE_START_LEASE_MS = WAVE_START_CLAIM_LIFETIME_MS + MAX_CLOCK_DIFFERENCE_MS;
const accept = (recorder: EventRecorder): Decision => ({ ok: true, events: recorder.events, states: recorder.states });
const reject = (rejection: Rejection): Decision => ({ ok: false, rejection });
const nothing: Decision = { ok: true, events: [], states: [] };
const fromRecovery = (decision: RecoveryDecision): Decision =>
  decision.kind === 'events' ? accept(decision.recorder) : decision.kind === 'nothing' ? nothing : reject(decision.rejection);

const findWave = (state: StartedExecution, waveNumber: number): WaveState | undefined =>
  state.waves.find((wave) => wave.waveNumber === waveNumber);

const waveNotIn = (state: StartedExecution, waveNumber: number, expected: string, actual?: WaveState): Rejection => ({
  kind: 'WaveNotInExpectedStatus',
  currentStatus: state.status,
  waveNumber,
  message: actual
    ? `Wave ${waveNumber} is ${actual.status}, expected ${expected}`
    : `Wave ${waveNumber} does not exist in this execution (it has ${state.waves.length} waves)`,
});

/** A caller's name no command may record: a driver's own, or an ARN no authorizer verified. */
const callerProblem = (
  state: ExecutionState,
  name: string,
  identity: VerifiedIdentity | undefined,
  simulated?: boolean,
): Rejection | undefined => {
  // Who acted is either proven (a principal) or nobody (the simulated operator): never both.
  if (simulated === true && identity) return invalidCommand(state, 'A simulated operator has no verified identity');
  const claimed = identity ? identity.claim : name;
  const problem = claimed === undefined ? undefined : reservedActorProblem(claimed);
  return problem ? invalidCommand(state, `The caller's name ${problem}`) : undefined;
};

const start = (state: ExecutionState, command: StartExecution): Decision => {
  if (state.status !== 'NOT_STARTED') return reject({ kind: 'ExecutionAlreadyExists', currentStatus: state.status });
  const reserved = callerProblem(state, command.initiatedBy, command.identity, command.simulated);
  if (reserved) return reject(reserved);
  const validation = validatePlan(command.plan);
  if (!validation.ok) {
    const problems = validation.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return reject(invalidCommand(state, `Recovery plan ${command.plan.planId} is not valid: ${problems}`));
  }
  const recorder = EventRecorder.forNewExecution(command.executionId, command.plan.planId, command.at);
  const serversPerJob = command.serversPerJob ?? DEFAULT_SERVERS_PER_JOB;
  if (!Number.isInteger(serversPerJob) || serversPerJob < 1 || serversPerJob > MAX_SERVERS_PER_JOB) {
    return reject(invalidCommand(state, `Servers per DRS job must be an integer from 1 to ${MAX_SERVERS_PER_JOB}, got ${serversPerJob}`));
  }
  const { keepAliveMinutes } = command;
  if (
    keepAliveMinutes !== undefined &&
    !(Number.isInteger(keepAliveMinutes) && keepAliveMinutes >= 0 && keepAliveMinutes <= MAX_KEEP_ALIVE_MINUTES)
  ) {
    return reject(
      invalidCommand(state, `keepAliveMinutes must be a whole number from 0 to ${MAX_KEEP_ALIVE_MINUTES}, got ${keepAliveMinutes}`),
    );
  }
  if (keepAliveMinutes !== undefined && command.executionType !== 'DRILL') {
    return reject(
      invalidCommand(
        state,
        `keepAliveMinutes applies to a DRILL only: a ${command.executionType}'s recovery instances are never terminated`,
      ),
    );
  }
  // The plan owns its target: the execution acts there, whatever the caller named (a different one is refused).
  const roleName = command.targetRoleName ?? DEFAULT_TARGET_ROLE_NAME;
  const problem = accountContextProblem(command.plan, command.accountContext, roleName);
  if (problem) return reject(invalidCommand(state, problem));
  const notReady = readinessProblem(command);
  if (notReady) return reject(invalidCommand(state, notReady));
  const accountContext = recordedTarget(command.plan, roleName);
  const asOfProblem = command.recoverAsOf === undefined ? undefined : recoverAsOfProblem(command.recoverAsOf, command.at);
  if (asOfProblem) return reject(invalidCommand(state, asOfProblem));
  recorder.emit(
    'ExecutionStarted',
    {
      plan: withoutExternalId(command.plan),
      executionType: command.executionType,
      initiatedBy: operatorActorOf(command.initiatedBy, undefined, command.simulated),
      ...identityData(command.identity),
      ...simulatedData(command.simulated),
      ...(accountContext ? { accountContext } : {}),
      serversPerJob,
      ...(command.simulation ? { simulation: command.simulation } : {}),
      ...(command.functionAccount ? { functionAccount: command.functionAccount } : {}),
      ...(command.sourceOrigins ? { sourceOrigins: command.sourceOrigins } : {}),
      ...(command.recoverAsOf === undefined ? {} : { recoverAsOf: command.recoverAsOf }),
      ...(keepAliveMinutes !== undefined ? { keepAliveMinutes } : {}),
    },
    operatorActorOf(command.initiatedBy, command.identity, command.simulated),
  );
  // What preflight found goes on record before anything is launched, with the deviation an override accepted.
  if (command.readiness) {
    recorder.emit(
      'ReadinessAssessed',
      readinessData({ ...command, readiness: command.readiness }),
      operatorActorOf(command.initiatedBy, command.identity, command.simulated),
    );
  }
  // A plan whose first wave pauses-before starts paused; otherwise wave 1 is claimed at once.
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const attachStateMachine = (state: StartedExecution, command: AttachStateMachine): Decision => {
  if (isTerminal(state)) return reject(invalidState('attach a state machine to', state, ['RUNNING', 'PAUSED']));
  if (state.executionArn === command.executionArn) return nothing;
  const generation = command.generation ?? 0;
  // Attaches arrive at least once and maybe late: an older run than the one attached never comes back.
  if (generation < (state.stateMachineGeneration ?? 0)) return nothing;
  const recorder = new EventRecorder(state, command.at);
  const handOver =
    generation > 0
      ? { generation, ...(state.executionArn ? { previousExecutionArn: state.executionArn } : {}), reason: 'CONTINUED_AS_NEW' as const }
      : {};
  recorder.emit('StateMachineAttached', { executionArn: command.executionArn, ...handOver }, SYSTEM_ACTOR);
  return accept(recorder);
};

const advance = (state: StartedExecution, command: Advance): Decision => {
  if (!isActive(state)) return nothing;
  const recorder = new EventRecorder(state, command.at);
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const recordWaveStarted = (state: StartedExecution, command: RecordWaveStarted): Decision => {
  if (!isActive(state)) return reject(invalidState('record a wave start for', state, ['RUNNING', 'PAUSED']));
  const wave = findWave(state, command.waveNumber);
  const part = command.part ?? 1;
  const recorded = wave ? jobsOf(wave).find((job) => job.part === part) : undefined;
  if (recorded?.drsJobId === command.drsJobId) return nothing;
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  if (recorded) {
    return reject(
      invalidCommand(state, `Wave ${wave.waveNumber} part ${part} already has DRS job ${recorded.drsJobId}, not ${command.drsJobId}`),
    );
  }
  const elsewhere = jobsOf(wave).find((job) => job.drsJobId === command.drsJobId);
  if (elsewhere) {
    // One job is one part: observations find a part by its job, so two parts can never share one.
    return reject(
      invalidCommand(state, `DRS job ${command.drsJobId} is wave ${wave.waveNumber}'s part ${elsewhere.part}, not part ${part}`),
    );
  }
  if (!Number.isInteger(part) || part < 1 || part > jobCount(state, wave)) {
    return reject(invalidCommand(state, `Wave ${wave.waveNumber} has ${jobCount(state, wave)} DRS job(s); there is no part ${part}`));
  }
  const inPart = new Set(serversOfPart(state, wave, part).map((server) => server.serverId));
  const outside = command.servers.filter((server) => !inPart.has(server.serverId)).map((server) => server.serverId);
  if (outside.length) {
    return reject(
      invalidCommand(
        state,
        `DRS job ${command.drsJobId} names servers outside wave ${wave.waveNumber} part ${part}: ${outside.slice(0, QUOTED_SERVERS).join(', ')}`,
      ),
    );
  }
  const badPoint = recoveryPointsProblem(command.servers);
  if (badPoint) return reject(invalidCommand(state, badPoint));
  const recorder = new EventRecorder(state, command.at);
  const data = { waveNumber: command.waveNumber, drsJobId: command.drsJobId, servers: command.servers.map(boundObservation) };
  recorder.emit('WaveStarted', part === 1 ? data : { ...data, part }, SYSTEM_ACTOR);
  // A cancel that arrived while the job was being started takes effect once every job is on record.
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const recordWaveStartFailure = (state: StartedExecution, command: RecordWaveStartFailure): Decision => {
  if (!isActive(state)) return reject(invalidState('record a wave start failure for', state, ['RUNNING', 'PAUSED']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  // The part that failed to start: one the wave has with no job yet (by default the first such part).
  const failedPart = command.part ?? partsWithoutJob(state, wave)[0] ?? 1;
  if (!partsWithoutJob(state, wave).includes(failedPart)) {
    return reject(invalidCommand(state, `Wave ${wave.waveNumber} has no part ${failedPart} waiting for its DRS job`));
  }
  const recorder = new EventRecorder(state, command.at);
  const { waveNumber, retryable } = command;
  // The wave's reason is "code: message": both cut so that it stays within MAX_REASON_BYTES.
  const code = boundText(command.error.code, 256);
  const error = { code, message: boundText(command.error.message, MAX_REASON_BYTES - utf8Length(code) - 2) };
  const part = failedPart === 1 ? {} : { part: failedPart };
  const waiting = retryable && command.waitingForCapacity === true;
  recorder.emit(
    'WaveStartFailed',
    { waveNumber, attempt: wave.startAttempts, error, retryable, ...part, ...(waiting ? { waitingForCapacity: true as const } : {}) },
    SYSTEM_ACTOR,
  );
  const waitedMs = Date.parse(command.at) - Date.parse(wave.waitingForCapacitySince ?? command.at);
  const attemptsSpent = countedAttempts(wave) - (waiting ? 1 : 0);
  if (!retryable || attemptsSpent >= MAX_WAVE_START_ATTEMPTS || waitedMs >= MAX_CAPACITY_WAIT_MS) {
    const why = !retryable
      ? 'not retryable'
      : waitedMs >= MAX_CAPACITY_WAIT_MS
        ? `no room in DRS for ${Math.round(waitedMs / 60_000)} minutes`
        : `after ${wave.startAttempts} attempts`;
    failWave(recorder, waveNumber, `DRS StartRecovery failed (${why}): ${error.code}: ${error.message}${runningJobsNote(wave)}`, []);
    return accept(recorder);
  }
  // The wave waits, PENDING, for the next poll to claim it again: the poll cadence is the backoff.
  // Only a pending cancel is acted on now.
  if (recorder.state.status !== 'NOT_STARTED' && isActive(recorder.state) && recorder.state.cancelRequest) {
    advanceAtBoundary(recorder);
  }
  return accept(recorder);
};

const reclaimWaveStart = (state: StartedExecution, command: ReclaimWaveStart): Decision => {
  if (state.status !== 'RUNNING') return reject(invalidState('reclaim a wave start of', state, ['RUNNING']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'STARTING') return reject(waveNotIn(state, command.waveNumber, 'STARTING', wave));
  const claimedAt = Date.parse(wave.startRequestedAt ?? state.lastEventAt);
  if (Date.parse(command.at) - claimedAt < WAVE_START_LEASE_MS) {
    return reject(
      invalidCommand(state, `Wave ${wave.waveNumber} start was claimed at ${wave.startRequestedAt}; its lease has not expired`),
    );
  }
  return recordWaveStartFailure(state, {
    type: 'RecordWaveStartFailure',
    waveNumber: wave.waveNumber,
    error: { code: 'StartLeaseExpired', message: `no DRS job was recorded within ${WAVE_START_LEASE_MS / 1000}s of the claim` },
    retryable: true,
    // The part the vanished claimant was starting: the first without a job.
    part: partsWithoutJob(state, wave)[0] ?? 1,
    at: command.at,
  });
};

const observeWave = (state: StartedExecution, command: ObserveWave): Decision => {
  if (state.status !== 'RUNNING') return reject(invalidState('poll', state, ['RUNNING']));
  const wave = findWave(state, command.waveNumber);
  if (!wave || wave.status !== 'IN_PROGRESS') return reject(waveNotIn(state, command.waveNumber, 'IN_PROGRESS', wave));
  const job = observedJob(wave, command);
  if (!job) return reject(invalidCommand(state, `DRS job ${command.drsJobId} is not one of wave ${wave.waveNumber}'s jobs`));
  const inJob = new Set(serversOfPart(state, wave, job.part).map((server) => server.serverId));
  const unknown = command.servers.filter((server) => !inJob.has(server.serverId)).map((server) => server.serverId);
  if (unknown.length) {
    return reject(
      invalidCommand(
        state,
        `Observation of DRS job ${job.drsJobId} names servers outside its part of wave ${wave.waveNumber}: ${unknown.slice(0, QUOTED_SERVERS).join(', ')}`,
      ),
    );
  }
  const badPoint = recoveryPointsProblem(command.servers);
  if (badPoint) return reject(invalidCommand(state, badPoint));
  const known = new Map(wave.servers.map((server) => [server.serverId, server]));
  const seen = command.servers.map(boundObservation);
  const changed = seen.filter((server) => {
    const before = known.get(server.serverId) as ServerState;
    return hasChanged(before, server) || bringsMissingPoint(wave, before, server);
  });
  const recorder = new EventRecorder(state, command.at);
  if (!isStale(wave, command) && (changed.length || job.drsJobStatus !== command.drsJobStatus)) {
    const missing = command.recoveryPointsUnavailable === true ? newlyLaunchedWithoutPoint(known, changed) : 0;
    const data = {
      waveNumber: wave.waveNumber,
      drsJobStatus: command.drsJobStatus,
      servers: changed,
      ...(missing > 0 ? { recoveryPointsMissing: missing } : {}),
    };
    // A retry round's jobs are always named: the wave's first job may be another round's.
    const named = jobsOf(wave).length > 1 || job.part > 1 || wave.retryRound !== undefined;
    recorder.emit('WavePolled', named ? { ...data, drsJobId: job.drsJobId } : data, SYSTEM_ACTOR);
  }
  // The grace is judged by this poll's own clock; recorder.at may be a later clock's (the time written, not the judge's).
  concludeWave(recorder, wave.waveNumber, command.at, command.completionGraceMs);
  return accept(recorder);
};

const requestPause = (state: StartedExecution, command: RequestPause): Decision => {
  if (state.status !== 'RUNNING') return reject(invalidState('pause', state, ['RUNNING']));
  const reserved = callerProblem(state, command.requestedBy, command.identity, command.simulated);
  if (reserved) return reject(reserved);
  if (state.pauseRequest) return nothing;
  if (!nextPendingWave(state)) {
    return reject(invalidCommand(state, 'Cannot pause execution: no wave remains to pause before'));
  }
  const recorder = new EventRecorder(state, command.at);
  const actor = operatorActorOf(command.requestedBy, command.identity, command.simulated);
  recorder.emit('PauseRequested', { requestedBy: actor, ...identityData(command.identity), ...simulatedData(command.simulated) }, actor);
  advanceAtBoundary(recorder);
  return accept(recorder);
};

/**
 * An approval or a decline by someone the wave's rule does not admit: refused, and the attempt recorded as
 * evidence (up to MAX_RECORDED_REFUSALS per pause; later attempts are refused without an entry).
 */
const refuseApproval = (
  state: Paused,
  command: { at: string; identity?: VerifiedIdentity },
  claimed: string,
  action: ApprovalAction,
  reason: string,
): Decision => {
  const recorded = command.identity
    ? (state.approvalRefusals ?? 0) < MAX_RECORDED_REFUSALS
    : (state.unverifiedRefusals ?? 0) < MAX_RECORDED_UNVERIFIED_REFUSALS;
  const refusal: Rejection = {
    kind: 'ApprovalRefused',
    currentStatus: state.status,
    waveNumber: state.nextWave,
    message: reason,
    recorded,
  };
  if (!recorded) return reject(refusal);
  const recorder = new EventRecorder(state, command.at);
  const actor = actorOf(claimed, command.identity);
  recorder.emit(
    'ApprovalRefused',
    {
      waveNumber: state.nextWave,
      action,
      attemptedBy: actor,
      ...identityData(command.identity),
      reason: boundText(reason, MAX_REASON_BYTES),
    },
    actor,
  );
  return { ok: true, events: recorder.events, states: recorder.states, refusal };
};

/** An approval or a decline meant for another wave than the one the execution waits before (a late retry). */
const otherWave = (state: Paused, waveNumber: number | undefined): Rejection | undefined =>
  waveNumber === undefined || waveNumber === state.nextWave
    ? undefined
    : {
        kind: 'WaveNotInExpectedStatus',
        currentStatus: state.status,
        waveNumber,
        message: `The request is for wave ${waveNumber}, but the execution waits before wave ${state.nextWave}`,
      };

/** Resume; into a wave that requires approval, this is the approval: a verified approver, with a comment. */
const resume = (state: StartedExecution, command: Resume): Decision => {
  if (state.status !== 'PAUSED') return reject(invalidState('resume', state, ['PAUSED']));
  if (state.pauseReason === 'WAVE_FAILED') {
    return reject(invalidCommand(state, `Wave ${state.nextWave} failed: retry it or skip it (or cancel the execution)`));
  }
  const reserved = callerProblem(state, command.resumedBy, command.identity, command.simulated) ?? otherWave(state, command.waveNumber);
  if (reserved) return reject(reserved);
  const recorder = new EventRecorder(state, command.at);
  if (state.approvalGranted) {
    // Approved, its resume not recorded (that write lost to another writer): resumed as the approver decided.
    advanceAtBoundary(recorder);
    return accept(recorder);
  }
  const actor = operatorActorOf(command.resumedBy, command.identity, command.simulated);
  // Nobody to hold to the rule: not an approver's attempt, so nothing is recorded.
  if (awaitsApproval(state) && command.simulated === true) {
    return reject({
      kind: 'ApprovalRequired',
      currentStatus: state.status,
      waveNumber: state.nextWave,
      message: `Wave ${state.nextWave} waits for approval, which only a verified principal may give: a simulated operator cannot approve it`,
    });
  }
  if (awaitsApproval(state)) {
    const refused = approvalRefusalReason(state, command.identity, 'APPROVE');
    if (refused || !command.identity) return refuseApproval(state, command, command.resumedBy, 'APPROVE', refused ?? '');
    if (command.approving === false) {
      return reject({
        kind: 'ApprovalRequired',
        currentStatus: state.status,
        waveNumber: state.nextWave,
        message: `Wave ${state.nextWave} waits for approval: approve it (with a comment) rather than resume`,
      });
    }
    if (command.comment === undefined || command.comment.trim() === '') {
      return reject({
        kind: 'MissingParameter',
        currentStatus: state.status,
        parameter: 'comment',
        message: `Wave ${state.nextWave} requires approval: an approval needs a comment`,
      });
    }
    recorder.emit(
      'ApprovalGranted',
      { waveNumber: state.nextWave, identity: command.identity, ...approvalWords(command.comment, command.ticket) },
      actor,
    );
  }
  recorder.emit(
    'ExecutionResumed',
    { resumedBy: actor, nextWave: state.nextWave, ...identityData(command.identity), ...simulatedData(command.simulated) },
    actor,
  );
  advanceAtBoundary(recorder);
  return accept(recorder);
};

/** Decline the wave a pause waits approval for: recorded with the approver's words, then the execution is cancelled. */
const declineApproval = (state: StartedExecution, command: Decline): Decision => {
  if (state.status !== 'PAUSED') return reject(invalidState('decline', state, ['PAUSED']));
  const reserved = callerProblem(state, command.requestedBy, command.identity) ?? otherWave(state, command.waveNumber);
  if (reserved) return reject(reserved);
  if (!awaitsApproval(state)) {
    const given = state.approvalGranted ? ` (${state.approvalGranted.actor} approved it)` : '';
    return reject(invalidCommand(state, `Wave ${state.nextWave} does not wait for approval${given}: cancel the execution instead`));
  }
  const refused = approvalRefusalReason(state, command.identity, 'DECLINE');
  if (refused || !command.identity) return refuseApproval(state, command, command.requestedBy, 'DECLINE', refused ?? '');
  if (command.comment.trim() === '') {
    return reject({ kind: 'MissingParameter', currentStatus: state.status, parameter: 'comment', message: 'A decline needs a comment' });
  }
  const recorder = new EventRecorder(state, command.at);
  const actor = command.identity.principal;
  const { identity } = command;
  const words = approvalWords(command.comment, command.ticket);
  recorder.emit('ApprovalDeclined', { waveNumber: state.nextWave, identity, ...words }, actor);
  const reason = boundText(`Approval of wave ${state.nextWave} declined: ${words.comment}`, MAX_REASON_BYTES);
  recorder.emit('CancelRequested', { requestedBy: actor, reason, identity }, actor);
  advanceAtBoundary(recorder);
  return accept(recorder);
};

/** Past its deadline, an approval nobody gave or refused follows the rule's onTimeout: the execution goes on or ends. */
const expireApproval = (state: StartedExecution, command: ExpireApproval): Decision => {
  if (state.status === 'PAUSED' && state.approvalGranted) return advance(state, { type: 'Advance', at: command.at });
  if (state.status !== 'PAUSED' || !awaitsApproval(state)) return nothing;
  const { deadline } = state.approval;
  // The deadline was set by the clock that recorded the pause; this judge's may run ahead of it (clocks.ts), so
  // the timeout applies once the deadline has surely passed by both: never before the approvers' whole wait.
  if (deadline === undefined || Date.parse(command.at) < Date.parse(deadline) + MAX_CLOCK_DIFFERENCE_MS) return nothing;
  const action = state.approval.onTimeout ?? 'CANCEL';
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('ApprovalTimedOut', { waveNumber: state.nextWave, deadline, action }, SYSTEM_ACTOR);
  if (action === 'CONTINUE') {
    recorder.emit('ExecutionResumed', { resumedBy: SYSTEM_ACTOR, nextWave: state.nextWave }, SYSTEM_ACTOR);
  } else {
    const reason = `Approval of wave ${state.nextWave} timed out at ${deadline}`;
    recorder.emit('CancelRequested', { requestedBy: SYSTEM_ACTOR, reason }, SYSTEM_ACTOR);
  }
  advanceAtBoundary(recorder);
  return accept(recorder);
};

/**
 * The state machine's wait for the latest pause holds a task token: its SHA-256 goes into the ledger, by the
 * same conditional append as every event, and no other token is ever accepted for that pause.
 */
const attachResumeToken = (state: StartedExecution, command: AttachResumeToken): Decision => {
  if (state.lastPauseSeq === undefined) {
    return reject(invalidCommand(state, 'The execution has never paused: no state machine waits on it for a resume'));
  }
  if (state.resumeTokenSha256 === command.tokenSha256) return nothing;
  const replaced = state.resumeTokenSha256 !== undefined && command.replacing === state.resumeTokenSha256;
  if (state.resumeTokenSha256 !== undefined && !replaced) {
    return reject({
      kind: 'ResumeTokenAlreadyAttached',
      currentStatus: state.status,
      pauseSeq: state.lastPauseSeq,
      message: `The pause at seq ${state.lastPauseSeq} already holds the state machine's task token; another is never accepted`,
    });
  }
  if (!/^[0-9a-f]{64}$/.test(command.tokenSha256)) return reject(invalidCommand(state, 'tokenSha256 must be 64 hex digits'));
  const recorder = new EventRecorder(state, command.at);
  recorder.emit(
    'ResumeTokenAttached',
    { pauseSeq: state.lastPauseSeq, tokenSha256: command.tokenSha256, ...(replaced ? { replaced: command.replacing } : {}) },
    SYSTEM_ACTOR,
  );
  return accept(recorder);
};

const requestCancel = (state: StartedExecution, command: RequestCancel): Decision => {
  if (!isActive(state)) return reject(invalidState('cancel', state, ['RUNNING', 'PAUSED']));
  const reserved = callerProblem(state, command.requestedBy, command.identity, command.simulated);
  if (reserved) return reject(reserved);
  if (state.cancelRequest) {
    // Asked already: a redelivery finishes what the first delivery began, if its writer stopped after the request
    // (at a boundary the cancel takes effect now; with a wave in flight, at its end, as before).
    const recorder = new EventRecorder(state, command.at);
    advanceAtBoundary(recorder);
    return accept(recorder);
  }
  const recorder = new EventRecorder(state, command.at);
  const reason = command.reason === undefined ? {} : { reason: boundText(command.reason, MAX_REASON_BYTES) };
  const actor = operatorActorOf(command.requestedBy, command.identity, command.simulated);
  recorder.emit(
    'CancelRequested',
    { requestedBy: actor, ...reason, ...identityData(command.identity), ...simulatedData(command.simulated) },
    actor,
  );
  advanceAtBoundary(recorder);
  return accept(recorder);
};

const finalize = (state: StartedExecution, command: Finalize): Decision => {
  if (state.status === 'COMPLETED') return nothing;
  if (state.status !== 'RUNNING') return reject(invalidState('finalize', state, ['RUNNING']));
  if (!allWavesCompleted(state)) {
    const open = state.waves.filter((wave) => wave.status !== 'COMPLETED').map((wave) => `${wave.waveNumber} (${wave.status})`);
    return reject({
      kind: 'InvalidState',
      currentStatus: state.status,
      expected: ['RUNNING'],
      message: `Cannot finalize execution while waves are not completed: ${open.join(', ')}`,
    });
  }
  const recorder = new EventRecorder(state, command.at);
  recorder.emit(
    'Finalized',
    { endTime: recorder.at, durationSeconds: secondsBetween(state.startTime, recorder.at), ...serverTotals(state) },
    SYSTEM_ACTOR,
  );
  return accept(recorder);
};

const fail = (state: StartedExecution, command: Fail): Decision => {
  if (!isActive(state)) return reject(invalidState('fail', state, ['RUNNING', 'PAUSED']));
  const recorder = new EventRecorder(state, command.at);
  recorder.emit('ExecutionFailed', { reason: boundText(command.reason, MAX_REASON_BYTES) }, SYSTEM_ACTOR);
  return accept(recorder);
};

const recordNotification = (state: StartedExecution, command: RecordNotification): Decision => {
  // Ends are notified, and so are pauses that wait for approval (the approvers are told).
  if (!isTerminal(state) && command.forSeq !== state.lastPauseSeq) {
    return reject(invalidState('record a notification for', state, ['COMPLETED', 'FAILED', 'CANCELLED']));
  }
  if (state.notifiedSeqs.includes(command.forSeq)) return nothing;
  if (command.forSeq < 1 || command.forSeq > state.version) {
    return reject(invalidCommand(state, `No event at seq ${command.forSeq} to notify about`));
  }
  const recorder = new EventRecorder(state, command.at);
  if ('messageId' in command.outcome) {
    recorder.emit('NotificationSent', { forSeq: command.forSeq, messageId: command.outcome.messageId }, SYSTEM_ACTOR);
  } else {
    const { code, message } = command.outcome.error;
    recorder.emit(
      'NotificationFailed',
      { forSeq: command.forSeq, error: { code: boundText(code, 256), message: boundText(message, MAX_REASON_BYTES) } },
      SYSTEM_ACTOR,
    );
  }
  return accept(recorder);
};

/** Decides what a command means for an execution: the events to append, or why it is refused. Pure. */
export const decide = (command: ExecutionCommand, state: ExecutionState): Decision => {
  if (command.type === 'StartExecution') return start(state, command);
  if (state.status === 'NOT_STARTED') return reject({ kind: 'ExecutionNotFound' });
  switch (command.type) {
    case 'AttachStateMachine':
      return attachStateMachine(state, command);
    case 'Advance':
      return advance(state, command);
    case 'RecordWaveStarted':
      return recordWaveStarted(state, command);
    case 'RecordWaveStartFailure':
      return recordWaveStartFailure(state, command);
    case 'ReclaimWaveStart':
      return reclaimWaveStart(state, command);
    case 'ObserveWave':
      return observeWave(state, command);
    case 'RequestPause':
      return requestPause(state, command);
    case 'Resume':
      return resume(state, command);
    case 'Decline':
      return declineApproval(state, command);
    case 'ExpireApproval':
      return expireApproval(state, command);
    case 'AttachResumeToken':
      return attachResumeToken(state, command);
    case 'RequestCancel':
      return requestCancel(state, command);
    case 'Finalize':
      return finalize(state, command);
    case 'Fail':
      return fail(state, command);
    case 'RecordNotification':
      return recordNotification(state, command);
    case 'RetryWave':
      return fromRecovery(decideRetry(state, command));
    case 'SkipWave':
      return fromRecovery(decideSkip(state, command));
    case 'StartCleanup':
      return startCleanup(state, command);
    case 'RecordTerminationRequested':
      return recordTerminationRequested(state, command);
    case 'RecordInstancesGone':
      return recordInstancesGone(state, command);
    case 'RecordCleanupFailure':
      return recordCleanupFailure(state, command);
    case 'CompleteCleanup':
      return completeCleanup(state, command);
    default:
      return assertNever(command, 'command');
  }
};
