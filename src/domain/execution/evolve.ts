import { assertNever } from './assertNever';
import { cleanupAfter } from './cleanupFold';
import { APPROVAL_HELD_SINCE_VERSION, type ExecutionEvent, type ServerObservation, type WavePolled, type WaveStarted } from './events';
import {
  type ExecutionCore,
  type ExecutionState,
  jobCount,
  jobsOf,
  type ServerState,
  type StartedExecution,
  type WaveJob,
  type WaveState,
} from './state';
import type { DrsJobStatus } from './vocabulary';
import { pointsMissingAfter } from './recoveryPointRules';
import { retriedWave, skippedWave } from './waveRecoveryFold';

/** A ledger that skips or repeats a seq cannot be folded: it is reported, never silently absorbed. */
export class LedgerSequenceError extends Error {
  constructor(
    readonly executionId: string,
    readonly expectedSeq: number,
    readonly actualSeq: number,
  ) {
    super(`Execution ${executionId}: expected event seq ${expectedSeq}, found ${actualSeq}`);
    this.name = 'LedgerSequenceError';
  }
}

const updateWave = (waves: readonly WaveState[], waveNumber: number, change: (wave: WaveState) => WaveState): WaveState[] =>
  waves.map((wave) => (wave.waveNumber === waveNumber ? change(wave) : wave));

/**
 * What a fold of many events made during its current run of polls, and nothing else holds: it may change these
 * in place rather than copy them once more. Copying the state, its wave and their servers for every poll is most
 * of what replaying a long history costs (a long ledger is mostly polls). Unset (undefined), everything is copied.
 */
type Owned = Set<object>;

/** `value` to change: itself when this fold made it, else a copy this fold then owns. */
const editable = <T extends object>(value: T, owned: Owned | undefined): T => {
  if (owned?.has(value)) return value;
  const copy = { ...value };
  owned?.add(copy);
  return copy;
};

const editableList = <T>(values: readonly T[], owned: Owned | undefined): T[] => {
  if (owned?.has(values)) return values as T[];
  const copy = values.slice();
  owned?.add(copy);
  return copy;
};

/** A server as an observation of it leaves it. */
const observedServer = (server: ServerState, seen: ServerObservation, at: string, owned?: Owned): ServerState => {
  const hadLaunchTime = Boolean(server.launchTime);
  const next = editable(server, owned);
  next.launchStatus = seen.launchStatus;
  next.updatedAt = at;
  if (seen.recoveryInstanceId !== undefined) next.recoveryInstanceId = seen.recoveryInstanceId;
  if (seen.failureReason !== undefined) next.failureReason = seen.failureReason;
  if (seen.hostname !== undefined) next.hostname = seen.hostname;
  if (seen.launchStatus === 'LAUNCHED' && !hadLaunchTime) next.launchTime = at;
  return next;
};

const applyObservations = (
  servers: readonly ServerState[],
  observed: readonly ServerObservation[],
  at: string,
  owned?: Owned,
): ServerState[] => {
  const next = editableList(servers, owned);
  // A poll records only the servers that changed, most often one: comparing its id with each server's costs
  // less than building a Map for it on every event.
  const [only] = observed;
  if (only && observed.length === 1) {
    for (let index = 0; index < next.length; index += 1) {
      const server = next[index] as ServerState;
      if (server.serverId === only.serverId) next[index] = observedServer(server, only, at, owned);
    }
    return next;
  }
  // Several servers: indexed once (a server observed twice takes its last observation).
  const byId = new Map(observed.map((server) => [server.serverId, server]));
  for (let index = 0; index < next.length; index += 1) {
    const server = next[index] as ServerState;
    const seen = byId.get(server.serverId);
    if (seen) next[index] = observedServer(server, seen, at, owned);
  }
  return next;
};

const JOB_PROGRESS: Record<DrsJobStatus, number> = { PENDING: 0, STARTED: 1, COMPLETED: 2 };

/** A wave is as far as its least advanced job; a job not yet started counts as PENDING. */
const waveJobStatus = (jobs: readonly WaveJob[], expected: number): DrsJobStatus => {
  if (jobs.length < expected) return 'PENDING';
  return jobs.reduce<DrsJobStatus>(
    (least, job) => (JOB_PROGRESS[job.drsJobStatus] < JOB_PROGRESS[least] ? job.drsJobStatus : least),
    'COMPLETED',
  );
};

/**
 * The job as a poll of it leaves it. Most polls see the status the job had: the job is then kept as it is,
 * shared with the previous state as unchanged waves and servers are, rather than copied on every event.
 */
const observeJob = (job: WaveJob, status: DrsJobStatus, at: string): WaveJob => {
  if (status === 'COMPLETED' && job.completedAt === undefined) return { ...job, drsJobStatus: status, completedAt: at };
  return job.drsJobStatus === status ? job : { ...job, drsJobStatus: status };
};

/** A wave as one of its jobs' WaveStarted leaves it. */
const startedWave = (core: Pick<ExecutionCore, 'serversPerJob'>, wave: WaveState, event: WaveStarted): WaveState => {
  const { drsJobId, part = 1 } = event.data;
  // An earlier attempt's start failure no longer describes a wave that did start, nor does its wait for room.
  const { failureReason: _previousAttempt, waitingForCapacitySince: _waitOver, ...started } = wave;
  const known = jobsOf(wave);
  const jobs = known.some((job) => job.part === part)
    ? known
    : [...known, { part, drsJobId, drsJobStatus: 'PENDING' as const }].sort((a, b) => a.part - b.part);
  const expected = jobCount(core, wave);
  const allStarted = jobs.length >= expected;
  return {
    ...started,
    // Until every job is on record the claim stands; recording one renews its lease.
    status: allStarted ? 'IN_PROGRESS' : 'STARTING',
    ...(allStarted ? {} : { startRequestedAt: event.occurredAt }),
    jobs,
    drsJobId: jobs[0]?.drsJobId ?? drsJobId,
    drsJobStatus: waveJobStatus(jobs, expected),
    startTime: wave.startTime ?? event.occurredAt,
    servers: applyObservations(wave.servers, event.data.servers, event.occurredAt),
  };
};

/** A wave as a WavePolled of one of its jobs leaves it. */
const polledWave = (core: Pick<ExecutionCore, 'serversPerJob'>, wave: WaveState, event: WavePolled, owned?: Owned): WaveState => {
  const known = jobsOf(wave);
  const observed = event.data.drsJobId ?? known[0]?.drsJobId;
  const jobs = known.map((job) => (job.drsJobId === observed ? observeJob(job, event.data.drsJobStatus, event.occurredAt) : job));
  // All from the wave as the poll found it, and all before anything of the wave changes in place: what throws
  // (an event no decider wrote) throws before any change.
  const drsJobStatus = waveJobStatus(jobs, jobCount(core, wave));
  const missing = pointsMissingAfter(wave, event.data.servers, event.data.recoveryPointsMissing);
  const servers = applyObservations(wave.servers, event.data.servers, event.occurredAt, owned);
  // A wave pointsMissingAfter made is new: this fold's own, in place of the one it replaces.
  const next = missing === wave ? editable(wave, owned) : missing;
  if (missing !== wave) {
    owned?.delete(wave);
    owned?.add(next);
  }
  next.jobs = jobs;
  next.drsJobStatus = drsJobStatus;
  next.servers = servers;
  return next;
};

/** The execution as a WavePolled leaves it. */
const polledExecution = (state: StartedExecution, event: WavePolled, owned: Owned | undefined): StartedExecution => {
  const waves = editableList(state.waves, owned);
  for (let index = 0; index < waves.length; index += 1) {
    const wave = waves[index] as WaveState;
    if (wave.waveNumber === event.data.waveNumber) waves[index] = polledWave(state, wave, event, owned);
  }
  // The state's own members last, once the wave is polled: assigned, they keep their keys' places (a first
  // poll's lastPolledAt comes last, as the object literal evolve once built put it).
  const next = editable(state, owned);
  next.version = event.seq;
  next.lastEventAt = event.occurredAt;
  next.lastPolledAt = event.occurredAt;
  next.waves = waves;
  return next;
};

/** A wave's servers as an execution starts them; the plan's optional ones are marked. */
const serversOf = (wave: { sourceServerIds: string[]; optionalServerIds?: string[] }): ServerState[] => {
  const optional = new Set(wave.optionalServerIds ?? []);
  return wave.sourceServerIds.map((serverId) =>
    optional.has(serverId) ? { serverId, launchStatus: 'NOT_STARTED', optional: true } : { serverId, launchStatus: 'NOT_STARTED' },
  );
};

const startedFrom = (event: Extract<ExecutionEvent, { type: 'ExecutionStarted' }>): StartedExecution => {
  const { plan, executionType, initiatedBy, accountContext, identity } = event.data;
  const core: ExecutionCore = {
    executionId: event.executionId,
    planId: event.planId,
    planName: plan.planName,
    executionType,
    initiatedBy,
    version: event.seq,
    startTime: event.occurredAt,
    lastEventAt: event.occurredAt,
    currentWave: 1,
    waves: plan.waves.map((wave, index) => ({
      waveNumber: index + 1,
      waveName: wave.waveName,
      // A wave that requires approval pauses before it, whether or not the plan says so as well.
      pauseBeforeWave: wave.pauseBeforeWave === true || wave.approval !== undefined,
      ...(wave.approval ? { approval: wave.approval } : {}),
      status: 'PENDING',
      startAttempts: 0,
      servers: serversOf(wave),
    })),
    pausedBeforeWaves: [],
    notifiedSeqs: [],
  };
  if (accountContext) core.accountContext = accountContext;
  if (identity) core.initiatedByPrincipal = identity.principal;
  if (event.data.serversPerJob !== undefined) core.serversPerJob = event.data.serversPerJob;
  if (plan.rtoTargetMinutes !== undefined) core.rtoTargetMinutes = plan.rtoTargetMinutes;
  if (event.data.recoverAsOf !== undefined) core.recoverAsOf = event.data.recoverAsOf;
  if (plan.onWaveFailure === 'PAUSE') core.onWaveFailure = 'PAUSE';
  const keepAliveMinutes = event.data.keepAliveMinutes ?? plan.drillKeepAliveMinutes;
  if (executionType === 'DRILL' && keepAliveMinutes !== undefined) core.keepAliveMinutes = keepAliveMinutes;
  return { ...core, status: 'RUNNING' };
};

/** Fields that belong to one status only; moving to another status drops them. */
const STATUS_ONLY_FIELDS = [
  'status',
  'pausedAt',
  'afterWave',
  'nextWave',
  'pauseReason',
  'approval',
  'approvalGranted',
  'approvalRefusals',
  'unverifiedRefusals',
  'endTime',
  'durationSeconds',
  'failureReason',
  'cancelledBy',
  'endedAtSeq',
] as const;

const coreOf = (state: StartedExecution): ExecutionCore => {
  const core: Record<string, unknown> = { ...state };
  for (const key of STATUS_ONLY_FIELDS) delete core[key];
  return core as unknown as ExecutionCore;
};

const evolveStarted = (state: StartedExecution, event: ExecutionEvent, owned: Owned | undefined): ExecutionState => {
  // Every case copies the state once (a poll in a fold's run of polls, at most once a run), with these two over
  // it (their keys keep their place). The state has some 25 fields and copying it is most of what folding an
  // event costs: no case copies it twice.
  const version = event.seq;
  const lastEventAt = event.occurredAt;
  switch (event.type) {
    case 'ExecutionStarted':
      throw new Error(`Execution ${event.executionId} started twice (seq ${event.seq})`);
    case 'StateMachineAttached': {
      const { generation } = event.data;
      const { stateMachineGeneration: _replaced, ...rest } = state;
      return {
        ...rest,
        version,
        lastEventAt,
        executionArn: event.data.executionArn,
        ...(generation ? { stateMachineGeneration: generation } : {}),
      };
    }
    case 'WaveStartRequested':
      return {
        ...state,
        version,
        lastEventAt,
        currentWave: event.data.waveNumber,
        waves: updateWave(state.waves, event.data.waveNumber, (wave) => ({
          ...wave,
          status: 'STARTING',
          startAttempts: event.data.attempt,
          startRequestedAt: event.occurredAt,
        })),
      };
    case 'WaveStarted':
      return {
        ...state,
        version,
        lastEventAt,
        waves: updateWave(state.waves, event.data.waveNumber, (wave) => startedWave(state, wave, event)),
      };
    case 'WaveStartFailed':
      return {
        ...state,
        version,
        lastEventAt,
        waves: updateWave(state.waves, event.data.waveNumber, (wave) => ({
          ...wave,
          status: 'PENDING',
          failureReason: `${event.data.error.code}: ${event.data.error.message}`,
          ...(event.data.waitingForCapacity
            ? { capacityWaits: (wave.capacityWaits ?? 0) + 1, waitingForCapacitySince: wave.waitingForCapacitySince ?? event.occurredAt }
            : {}),
        })),
      };
    case 'WavePolled':
      return polledExecution(state, event, owned);
    case 'WaveCompleted':
      return {
        ...state,
        version,
        lastEventAt,
        waves: updateWave(state.waves, event.data.waveNumber, (wave) => ({
          ...wave,
          status: 'COMPLETED',
          endTime: event.occurredAt,
        })),
      };
    case 'WaveFailed':
      return {
        ...state,
        version,
        lastEventAt,
        waves: updateWave(state.waves, event.data.waveNumber, (wave) => ({
          ...wave,
          status: 'FAILED',
          endTime: event.occurredAt,
          failureReason: event.data.reason,
        })),
      };
    case 'PauseRequested':
      return {
        ...state,
        version,
        lastEventAt,
        pauseRequest: { requestedBy: event.data.requestedBy, requestedAt: event.occurredAt },
      };
    case 'ExecutionPaused': {
      // A new pause waits for a token of its own.
      const { pauseRequest: _cleared, resumeTokenSha256: _previousPause, ...rest } = coreOf({ ...state, version, lastEventAt });
      return {
        ...rest,
        status: 'PAUSED',
        pausedAt: event.occurredAt,
        afterWave: event.data.afterWave,
        nextWave: event.data.nextWave,
        pauseReason: event.data.reason,
        pausedBeforeWaves: [...state.pausedBeforeWaves, event.data.nextWave],
        ...(event.data.approval ? { approval: event.data.approval } : {}),
        ...(event.data.attachesToken ? { lastPauseSeq: event.seq } : {}),
      };
    }
    case 'ExecutionResumed':
      return { ...coreOf({ ...state, version, lastEventAt }), status: 'RUNNING', currentWave: event.data.nextWave };
    case 'CancelRequested': {
      const cancelRequest = { requestedBy: event.data.requestedBy, requestedAt: event.occurredAt } as const;
      return {
        ...state,
        version,
        lastEventAt,
        cancelRequest: event.data.reason === undefined ? cancelRequest : { ...cancelRequest, reason: event.data.reason },
      };
    }
    case 'ExecutionCancelled':
      return {
        ...coreOf({ ...state, version, lastEventAt }),
        status: 'CANCELLED',
        endedAtSeq: event.seq,
        endTime: event.occurredAt,
        cancelledBy: event.data.cancelledBy,
      };
    case 'Finalized':
      return {
        ...coreOf({ ...state, version, lastEventAt }),
        status: 'COMPLETED',
        endedAtSeq: event.seq,
        endTime: event.data.endTime,
        durationSeconds: event.data.durationSeconds,
      };
    case 'ExecutionFailed':
      return {
        ...coreOf({ ...state, version, lastEventAt }),
        status: 'FAILED',
        endedAtSeq: event.seq,
        endTime: event.occurredAt,
        failureReason: event.data.reason,
      };
    case 'NotificationSent':
    case 'NotificationFailed':
      return { ...state, version, lastEventAt, notifiedSeqs: [...state.notifiedSeqs, event.data.forSeq] };
    case 'ApprovalRefused': {
      if (state.status !== 'PAUSED') return { ...state, version, lastEventAt };
      return event.data.identity
        ? { ...state, version, lastEventAt, approvalRefusals: (state.approvalRefusals ?? 0) + 1 }
        : { ...state, version, lastEventAt, unverifiedRefusals: (state.unverifiedRefusals ?? 0) + 1 };
    }
    // What follows an approval, a decline or a timeout (a resume, a cancel) is an event of its own. An approval
    // is remembered until its resume (from schema version 2 on: older ledgers fold, and digest, as they did).
    case 'ApprovalGranted':
      return state.status === 'PAUSED' && state.approval !== undefined && event.schemaVersion >= APPROVAL_HELD_SINCE_VERSION
        ? { ...state, version, lastEventAt, approvalGranted: { actor: event.actor, identity: event.data.identity } }
        : { ...state, version, lastEventAt };
    case 'ApprovalDeclined':
    case 'ApprovalTimedOut':
      return { ...state, version, lastEventAt };
    case 'ResumeTokenAttached':
      return { ...state, version, lastEventAt, resumeTokenSha256: event.data.tokenSha256 };
    case 'WaveRetryRequested':
      return { ...state, version, lastEventAt, waves: updateWave(state.waves, event.data.waveNumber, (wave) => retriedWave(wave, event)) };
    case 'WaveSkipped':
      return { ...state, version, lastEventAt, waves: updateWave(state.waves, event.data.waveNumber, skippedWave) };
    // A drill's cleanup annotates the end: the status stays what the end made it.
    case 'CleanupStarted':
    case 'RecoveryInstancesTerminationRequested':
    case 'RecoveryInstancesGone':
    case 'CleanupFailed':
    case 'CleanupCompleted':
      return { ...state, version, lastEventAt, cleanup: cleanupAfter(state, event) };
    // The findings stay in the event: reports and views read them there, the state carries none.
    case 'ReadinessAssessed':
      return { ...state, version, lastEventAt };
    default:
      return assertNever(event, 'event');
  }
};

/** Folds one event into the state, changing in place only what `owned` holds. */
const evolveOwning = (state: ExecutionState, event: ExecutionEvent, owned: Owned | undefined): ExecutionState => {
  if (event.seq !== state.version + 1) {
    throw new LedgerSequenceError(event.executionId, state.version + 1, event.seq);
  }
  if (state.status === 'NOT_STARTED') {
    if (event.type !== 'ExecutionStarted') {
      throw new Error(`Execution ${event.executionId} has ${event.type} before ExecutionStarted`);
    }
    return startedFrom(event);
  }
  return evolveStarted(state, event, owned);
};

/** Folds one event into the state. Pure; throws only on a ledger that cannot be folded. */
export const evolve = (state: ExecutionState, event: ExecutionEvent): ExecutionState => evolveOwning(state, event, undefined);

/**
 * Folds events one at a time from `from`, handing back each state: the states evolve would reach, for replays
 * that check every state as they go (verify, a load's refold). A run of polls changes in place what the run's
 * first poll copied (Owned), so a state handed back holds until the next step only: keep one past it as a copy
 * (structuredClone), and after a step that throws, keep none. `from` itself is never changed. Any event other than a
 * poll ends the run: its evolve may share what the run made, and a second holder would see a later poll's change.
 */
export const stepwiseFold = (from: ExecutionState): ((event: ExecutionEvent) => ExecutionState) => {
  let state = from;
  let owned: Owned | undefined;
  return (event) => {
    owned = event.type === 'WavePolled' ? (owned ?? new Set()) : undefined;
    state = evolveOwning(state, event, owned);
    return state;
  };
};

/** Folds events into the state: the state evolve would reach, one event after another, and `from` untouched. */
export const fold = (events: readonly ExecutionEvent[], from: ExecutionState): ExecutionState => {
  const step = stepwiseFold(from);
  let state = from;
  for (const event of events) state = step(event);
  return state;
};

/** Events to append with the state each leaves the execution in: what a decision carries, and what the store writes. */
export interface Decided {
  events: readonly ExecutionEvent[];
  /** `states[i]` is the state after `events[i]`. */
  states: readonly ExecutionState[];
}

/** Events that come from no decision (an import, a fixture), each folded once onto `from`. */
export const decidedFrom = (from: ExecutionState, events: readonly ExecutionEvent[]): Decided => {
  const states: ExecutionState[] = [];
  let state = from;
  for (const event of events) {
    state = evolve(state, event);
    states.push(state);
  }
  return { events, states };
};
