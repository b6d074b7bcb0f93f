import { assertNever } from '../src/domain/execution/assertNever';
import {
  type EventOf,
  type ExecutionEvent,
  formatDuration,
  secondsBetween,
  type ServerObservation,
  waveCounters,
} from '../src/domain/execution';
import { pendingApprovalOf, verifiedActor, withApproval } from './approvalView';
import { retriedView, skippedView } from './waveRecoveryView';
import { withCleanup } from './cleanupView';
import type { ExecutionView, ServerExecutionView, WaveView } from './executionView';
import { requestedAt, withRecoveryPoints } from './rpoView';
import { readinessView } from './readinessView';

/** Why an event cannot be folded into a view: data, so the stream handler can log and report it. */
export type ProjectionErrorKind = 'NoViewYet' | 'AlreadyStarted' | 'WrongExecution' | 'OutOfSequence' | 'UnknownWave' | 'UnknownServer';

export class ProjectionError extends Error {
  constructor(
    readonly kind: ProjectionErrorKind,
    readonly executionId: string,
    readonly seq: number,
    message: string,
  ) {
    super(`Execution ${executionId} seq ${seq}: ${message}`);
    this.name = 'ProjectionError';
  }
}

export const isProjectionError = (value: unknown): value is ProjectionError => value instanceof ProjectionError;

/** Fields that only a PAUSED view carries; leaving PAUSED drops them. */
type PausedOnlyField = 'pausedAt' | 'nextWave' | 'pendingApproval' | 'pauseReason';

const without = <K extends keyof ExecutionView>(view: ExecutionView, ...keys: K[]): Omit<ExecutionView, K> => {
  const copy: Partial<ExecutionView> = { ...view };
  for (const key of keys) delete copy[key];
  return copy as Omit<ExecutionView, K>;
};

const leavePaused = (view: ExecutionView): Omit<ExecutionView, PausedOnlyField> =>
  without(view, 'pausedAt', 'nextWave', 'pendingApproval', 'pauseReason');

/** Recomputes a wave's counters from the view's servers: the view never keeps a counter of its own. */
const withCounters = (wave: WaveView, servers: readonly ServerExecutionView[]): WaveView => {
  const inWave = servers.filter((server) => server.waveNumber === wave.waveNumber);
  return { ...wave, ...waveCounters(inWave.map((server) => ({ serverId: server.serverId, launchStatus: server.status }))) };
};

const requireWave = (view: ExecutionView, event: ExecutionEvent, waveNumber: number): WaveView => {
  const wave = view.waveStatuses.find((candidate) => candidate.waveNumber === waveNumber);
  if (!wave) {
    throw new ProjectionError(
      'UnknownWave',
      view.executionId,
      event.seq,
      `${event.type} names wave ${waveNumber}, which the plan does not have`,
    );
  }
  return wave;
};

const changeWave = (view: ExecutionView, event: ExecutionEvent, waveNumber: number, change: (wave: WaveView) => WaveView): WaveView[] => {
  requireWave(view, event, waveNumber);
  return view.waveStatuses.map((wave) => (wave.waveNumber === waveNumber ? change(wave) : wave));
};

/** Applies DRS observations to a wave's servers, the way the domain does (launchTime on the first LAUNCHED). */
const observe = (
  view: ExecutionView,
  event: ExecutionEvent,
  waveNumber: number,
  observed: readonly ServerObservation[],
): Pick<ExecutionView, 'serverExecutions' | 'waveStatuses'> => {
  requireWave(view, event, waveNumber);
  const byId = new Map(observed.map((server) => [server.serverId, server]));
  const serverExecutions = view.serverExecutions.map((server): ServerExecutionView => {
    const seen = server.waveNumber === waveNumber ? byId.get(server.serverId) : undefined;
    if (!seen) return server;
    byId.delete(server.serverId);
    const next: ServerExecutionView = { ...server, status: seen.launchStatus };
    if (seen.recoveryInstanceId !== undefined) next.recoveryInstanceId = seen.recoveryInstanceId;
    if (seen.failureReason !== undefined) next.failureReason = seen.failureReason;
    if (seen.hostname !== undefined) next.hostname = seen.hostname;
    if (seen.launchStatus === 'LAUNCHED' && server.launchTime === undefined) next.launchTime = event.occurredAt;
    return next;
  });
  const unknown = [...byId.keys()];
  if (unknown.length) {
    throw new ProjectionError(
      'UnknownServer',
      view.executionId,
      event.seq,
      `${event.type} names servers outside wave ${waveNumber}: ${unknown.join(', ')}`,
    );
  }
  const waveStatuses = view.waveStatuses.map((wave) => (wave.waveNumber === waveNumber ? withCounters(wave, serverExecutions) : wave));
  return { serverExecutions, waveStatuses };
};

const ended = (endTime: string, durationSeconds: number) => ({
  endTime,
  durationSeconds,
  duration: formatDuration(durationSeconds),
});

type JobStatus = 'PENDING' | 'STARTED' | 'COMPLETED';
const JOB_PROGRESS: Record<JobStatus, number> = { PENDING: 0, STARTED: 1, COMPLETED: 2 };

/** Like the domain: a wave is as far as its least advanced job, and PENDING while a job is yet to start. */
const leastAdvanced = (statuses: readonly JobStatus[], expected: number): JobStatus =>
  statuses.length < expected
    ? 'PENDING'
    : statuses.reduce<JobStatus>((least, status) => (JOB_PROGRESS[status] < JOB_PROGRESS[least] ? status : least), 'COMPLETED');

/** Records one of the wave's jobs (by part); the wave is IN_PROGRESS once every job is on record. */
const withJob = (wave: WaveView, part: number, drsJobId: string, at: string): WaveView => {
  const ids = [...(wave.drsJobIds ?? [])];
  const parts = ids.map((_, index) => wave.drsJobParts?.[index] ?? index + 1);
  const statuses = [...(wave.drsJobStatuses ?? [])];
  if (!ids.includes(drsJobId)) {
    // In part order, as the domain keeps them: an adoption may record a later part before an earlier one.
    const later = parts.findIndex((known) => known > part);
    const index = later === -1 ? ids.length : later;
    ids.splice(index, 0, drsJobId);
    parts.splice(index, 0, part);
    statuses.splice(index, 0, 'PENDING');
  }
  const expected = wave.jobCount ?? 1;
  const { failureReason: _previousAttempt, ...rest } = wave;
  return {
    ...rest,
    // Like the domain: an earlier attempt's start failure no longer describes a wave that did start.
    status: ids.length >= expected ? 'IN_PROGRESS' : 'STARTING',
    drsJobId: ids[0] ?? drsJobId,
    drsJobIds: ids,
    drsJobParts: parts,
    drsJobStatuses: statuses,
    drsJobStatus: leastAdvanced(statuses, expected),
    startTime: wave.startTime ?? at,
  };
};

const withJobStatus = (wave: WaveView, drsJobId: string | undefined, status: JobStatus): WaveView => {
  const ids = wave.drsJobIds ?? (wave.drsJobId ? [wave.drsJobId] : []);
  const target = drsJobId ?? ids[0];
  const statuses = ids.map((id, index) => (id === target ? status : (wave.drsJobStatuses?.[index] ?? 'PENDING')));
  return { ...wave, drsJobIds: ids, drsJobStatuses: statuses, drsJobStatus: leastAdvanced(statuses, wave.jobCount ?? 1) };
};

const startView = (event: EventOf<'ExecutionStarted'>): ExecutionView => {
  const { plan, executionType, initiatedBy, accountContext, identity } = event.data;
  // Early ledgers name no servers-per-job: their waves (at most 200 servers) were one job each.
  const serversPerJob = event.data.serversPerJob ?? 200;
  const serverExecutions = plan.waves.flatMap((wave, index) => {
    const optional = new Set(wave.optionalServerIds ?? []);
    return wave.sourceServerIds.map((serverId): ServerExecutionView => ({
      serverId,
      waveNumber: index + 1,
      status: 'NOT_STARTED',
      ...(optional.has(serverId) ? { optional: true as const } : {}),
    }));
  });
  const waveStatuses = plan.waves.map((wave, index): WaveView =>
    withCounters(
      {
        waveNumber: index + 1,
        waveName: wave.waveName,
        status: 'PENDING',
        // Like the domain: a wave that requires approval pauses before it, whether or not the plan says so too.
        pauseBeforeWave: wave.pauseBeforeWave === true || wave.approval !== undefined,
        ...(wave.approval ? { requiresApproval: true as const } : {}),
        jobCount: Math.max(1, Math.ceil(wave.sourceServerIds.length / serversPerJob)),
        serversLaunched: 0,
        serversCompleted: 0,
        serversFailed: 0,
      },
      serverExecutions,
    ),
  );
  const view: ExecutionView = {
    executionId: event.executionId,
    planId: event.planId,
    planName: plan.planName,
    status: 'RUNNING',
    executionType,
    initiatedBy,
    startTime: event.occurredAt,
    currentWave: 1,
    totalWaves: waveStatuses.length,
    totalServers: serverExecutions.length,
    waveStatuses,
    serverExecutions,
    seq: event.seq,
    lastEventAt: event.occurredAt,
  };
  if (accountContext) {
    // Ledgers written before plans owned their targets hold the caller's ExternalId: no view ever shows it.
    const { externalId: _secret, ...shown } = accountContext;
    view.accountContext = shown;
  }
  if (plan.rtoTargetMinutes !== undefined) view.rtoTargetMinutes = plan.rtoTargetMinutes;
  if (plan.rpoTargetMinutes !== undefined) view.rpoTargetMinutes = plan.rpoTargetMinutes;
  if (event.data.recoverAsOf !== undefined) view.recoverAsOf = event.data.recoverAsOf;
  // Only a verified start names its principal: absent, initiatedBy is whatever a direct invocation typed.
  const { principal, claim } = verifiedActor(identity);
  if (principal !== undefined) view.initiatedByPrincipal = principal;
  if (claim !== undefined) view.initiatedByClaim = claim;
  return view;
};

/** Folds one event of a started execution; `view` already carries the event's seq and time. */
const foldStarted = (view: ExecutionView, event: ExecutionEvent): ExecutionView => {
  switch (event.type) {
    case 'ExecutionStarted':
      throw new ProjectionError('AlreadyStarted', view.executionId, event.seq, 'ExecutionStarted after the execution started');
    case 'StateMachineAttached':
      return { ...view, stepFunctionArn: event.data.executionArn };
    case 'WaveStartRequested':
      return {
        ...view,
        currentWave: event.data.waveNumber,
        waveStatuses: changeWave(view, event, event.data.waveNumber, (wave) =>
          requestedAt({ ...wave, status: 'STARTING' }, event.occurredAt),
        ),
      };
    case 'WaveStarted': {
      const observed = observe(view, event, event.data.waveNumber, event.data.servers);
      return withRecoveryPoints(
        {
          ...view,
          ...observed,
          // Like the domain: an earlier attempt's start failure no longer describes a wave that did start.
          waveStatuses: changeWave({ ...view, ...observed }, event, event.data.waveNumber, (wave) =>
            withJob(wave, event.data.part ?? 1, event.data.drsJobId, event.occurredAt),
          ),
        },
        event.data.waveNumber,
        event.data.servers,
        true,
      );
    }
    case 'WaveStartFailed':
      return {
        ...view,
        waveStatuses: changeWave(view, event, event.data.waveNumber, (wave) => ({
          ...wave,
          status: 'PENDING',
          failureReason: `${event.data.error.code}: ${event.data.error.message}`,
        })),
      };
    case 'WavePolled': {
      const observed = observe(view, event, event.data.waveNumber, event.data.servers);
      return withRecoveryPoints(
        {
          ...view,
          ...observed,
          lastPolled: event.occurredAt,
          waveStatuses: changeWave({ ...view, ...observed }, event, event.data.waveNumber, (wave) =>
            withJobStatus(wave, event.data.drsJobId, event.data.drsJobStatus),
          ),
        },
        event.data.waveNumber,
        event.data.servers,
        false,
      );
    }
    case 'WaveCompleted':
      return {
        ...view,
        waveStatuses: changeWave(view, event, event.data.waveNumber, (wave) => ({
          ...wave,
          status: 'COMPLETED',
          endTime: event.occurredAt,
          ...(event.data.optionalFailures?.length ? { optionalFailures: event.data.optionalFailures.length } : {}),
        })),
      };
    case 'WaveFailed':
      return {
        ...view,
        waveStatuses: changeWave(view, event, event.data.waveNumber, (wave) => ({
          ...wave,
          status: 'FAILED',
          endTime: event.occurredAt,
          failureReason: event.data.reason,
        })),
      };
    case 'PauseRequested':
      return { ...view, pauseRequested: { by: event.data.requestedBy, at: event.occurredAt, ...verifiedActor(event.data.identity) } };
    case 'ExecutionPaused': {
      // The request is honoured: like the domain, the view forgets it once the execution is paused.
      const pendingApproval = pendingApprovalOf(event);
      return {
        ...without(view, 'pauseRequested', 'pendingApproval', 'pauseReason'),
        status: 'PAUSED',
        pausedAt: event.occurredAt,
        nextWave: event.data.nextWave,
        ...(event.data.reason === 'WAVE_FAILED' ? { pauseReason: 'WAVE_FAILED' as const } : {}),
        ...(pendingApproval ? { pendingApproval } : {}),
      };
    }
    case 'ExecutionResumed':
      return { ...leavePaused(view), status: 'RUNNING', currentWave: event.data.nextWave, resumedAt: event.occurredAt };
    case 'CancelRequested': {
      const reason = event.data.reason === undefined ? {} : { reason: event.data.reason };
      return {
        ...view,
        cancelRequested: { by: event.data.requestedBy, at: event.occurredAt, ...reason, ...verifiedActor(event.data.identity) },
      };
    }
    case 'ExecutionCancelled': {
      const reason = event.data.reason === undefined ? {} : { reason: event.data.reason };
      return {
        ...leavePaused(view),
        status: 'CANCELLED',
        cancelRequested: view.cancelRequested ?? { by: event.data.cancelledBy, at: event.occurredAt, ...reason },
        ...ended(event.occurredAt, secondsBetween(view.startTime, event.occurredAt)),
      };
    }
    case 'Finalized':
      return { ...leavePaused(view), status: 'COMPLETED', ...ended(event.data.endTime, event.data.durationSeconds) };
    case 'ExecutionFailed':
      return {
        ...leavePaused(view),
        status: 'FAILED',
        failureReason: event.data.reason,
        ...ended(event.occurredAt, secondsBetween(view.startTime, event.occurredAt)),
      };
    case 'ApprovalGranted':
    case 'ApprovalDeclined':
    case 'ApprovalRefused':
    case 'ApprovalTimedOut':
      requireWave(view, event, event.data.waveNumber);
      // What follows (a resume, a cancel) is an event of its own: the list only records what was decided.
      return withApproval(view, event);
    case 'WaveRetryRequested':
      requireWave(view, event, event.data.waveNumber);
      return retriedView(view, event);
    case 'WaveSkipped':
      requireWave(view, event, event.data.waveNumber);
      return skippedView(view, event);
    case 'ReadinessAssessed':
      return { ...view, readiness: readinessView(event) };
    // A resume token's hash is for resume alone: a view never shows it.
    case 'ResumeTokenAttached':
    case 'NotificationSent':
    case 'NotificationFailed':
      return view;
    case 'CleanupStarted':
    case 'RecoveryInstancesTerminationRequested':
    case 'RecoveryInstancesGone':
    case 'CleanupFailed':
    case 'CleanupCompleted':
      return withCleanup(view, event);
    default:
      return assertNever(event, 'event');
  }
};

/**
 * The executions read model as a fold of the ledger. Pure. Throws a ProjectionError for an event that
 * cannot follow the view (wrong execution, not the next seq, a wave or server the plan does not have).
 */
export const projectExecutionView = (view: ExecutionView | undefined, event: ExecutionEvent): ExecutionView => {
  if (view === undefined) {
    if (event.type !== 'ExecutionStarted') {
      throw new ProjectionError('NoViewYet', event.executionId, event.seq, `${event.type} before ExecutionStarted`);
    }
    if (event.seq !== 1) {
      throw new ProjectionError('OutOfSequence', event.executionId, event.seq, 'ExecutionStarted must be seq 1');
    }
    return startView(event);
  }
  if (event.executionId !== view.executionId) {
    throw new ProjectionError('WrongExecution', view.executionId, event.seq, `event belongs to execution ${event.executionId}`);
  }
  if (event.seq !== view.seq + 1) {
    throw new ProjectionError('OutOfSequence', view.executionId, event.seq, `expected seq ${view.seq + 1}`);
  }
  return foldStarted({ ...view, seq: event.seq, lastEventAt: event.occurredAt }, event);
};

/** The view a whole history gives: a fold from nothing. */
export const replayView = (events: readonly ExecutionEvent[]): ExecutionView | undefined =>
  events.reduce<ExecutionView | undefined>(projectExecutionView, undefined);
