import type { RecoveryPlan } from '../plan';
import type { ReadinessFinding } from '../readiness';
import type { DiscoveredInstance, ExecutionSimulation, ServerObservation, SourceOrigin } from './events';
import type { VerifiedIdentity } from './identity';
import type { AccountContext, Actor, DrsJobStatus, ErrorInfo, ExecutionType } from './vocabulary';

/** Every command carries the instant it happened at: time enters at the edge. */
interface Timed {
  at: string;
}

export interface StartExecution extends Timed {
  type: 'StartExecution';
  executionId: string;
  plan: RecoveryPlan;
  executionType: ExecutionType;
  initiatedBy: Actor;
  /** The principal the operator API verified, when the start came through it. */
  identity?: VerifiedIdentity;
  /** No person acted: the local drill's simulated operator (recorded as SIMULATED_OPERATOR, marked simulated). */
  simulated?: boolean;
  /** What the caller named, if anything: it must be the plan's own target (accountContextProblem). */
  accountContext?: AccountContext;
  /** The role a plan's target assumes when it names none: the deployment's (default DEFAULT_TARGET_ROLE_NAME). */
  targetRoleName?: string;
  /** DRS's servers-per-job quota as configured (default DEFAULT_SERVERS_PER_JOB). */
  serversPerJob?: number;
  /** Recorded as given (ExecutionStarted): DRS simulated, where the function ran, where the sources run. */
  simulation?: ExecutionSimulation;
  functionAccount?: { region: string; accountId?: string };
  sourceOrigins?: SourceOrigin[];
  /** Recover every server as of this ISO-8601 instant (not in the future, at most 365 days back). */
  recoverAsOf?: string;
  /** A DRILL's keep-alive (minutes, 0..MAX_KEEP_ALIVE_MINUTES) overriding the plan's drillKeepAliveMinutes. */
  keepAliveMinutes?: number;
  /**
   * What preflight found (every finding; ReadinessAssessed records a bounded share). With a BLOCKING finding the
   * start is refused unless `override` says why it goes ahead anyway. Absent: no preflight ran (older callers).
   */
  readiness?: { findings: ReadinessFinding[]; override?: { reason: string } };
}
export interface AttachStateMachine extends Timed {
  type: 'AttachStateMachine';
  executionArn: string;
  /**
   * Which run of the execution's state machine this is: 0 (or absent) for the one start_execution starts, n for
   * the one the state machine continued as new n times (to stay under Step Functions' history quota).
   */
  generation?: number;
}
/** Act at a wave boundary: cancel if asked, pause if due, otherwise claim the next wave's start. */
export interface Advance extends Timed {
  type: 'Advance';
}
export interface RecordWaveStarted extends Timed {
  type: 'RecordWaveStarted';
  waveNumber: number;
  drsJobId: string;
  servers: ServerObservation[];
  /** Which of the wave's jobs (1-based; default 1). */
  part?: number;
}
export interface RecordWaveStartFailure extends Timed {
  type: 'RecordWaveStartFailure';
  waveNumber: number;
  error: ErrorInfo;
  /** Throttling, 5xx and busy servers are worth another attempt; validation errors are not. */
  retryable: boolean;
  /** Which of the wave's jobs failed to start (1-based; default 1). */
  part?: number;
  /**
   * DRS refused for lack of room (its concurrent-jobs or servers-in-jobs quota, or servers still busy in
   * another job): the wave waits for a slot without spending its start attempts, up to MAX_CAPACITY_WAIT_MS.
   */
  waitingForCapacity?: boolean;
}
/** Take over a wave start whose claimant vanished (its lease expired and DRS has no job for it). */
export interface ReclaimWaveStart extends Timed {
  type: 'ReclaimWaveStart';
  waveNumber: number;
}
export interface ObserveWave extends Timed {
  type: 'ObserveWave';
  waveNumber: number;
  /** The job observed (default: the wave's first job). */
  drsJobId?: string;
  drsJobStatus: DrsJobStatus;
  servers: ServerObservation[];
  /**
   * DRS may report a job COMPLETED while some of its servers still read PENDING or IN_PROGRESS: such a
   * wave is kept open this long after its jobs were first seen COMPLETED (0 or absent: not at all).
   */
  completionGraceMs?: number;
  /**
   * The poll could not read DRS's recovery instances: the servers this observation sees LAUNCHED come without
   * their recovery point, and the wave counts them so that a later poll reads them again.
   */
  recoveryPointsUnavailable?: boolean;
}
export interface RequestPause extends Timed {
  type: 'RequestPause';
  requestedBy: Actor;
  identity?: VerifiedIdentity;
  /** No person acted: the local drill's simulated operator (recorded as SIMULATED_OPERATOR, marked simulated). */
  simulated?: boolean;
}
/** Resume a paused execution; when its next wave requires approval, this is the approval (comment required). */
export interface Resume extends Timed {
  type: 'Resume';
  resumedBy: Actor;
  identity?: VerifiedIdentity;
  /** No person acted: the local drill's simulated operator (recorded as SIMULATED_OPERATOR, marked simulated). */
  simulated?: boolean;
  comment?: string;
  ticket?: string;
  /** The wave the approval is meant for; refused when the execution waits before another. */
  waveNumber?: number;
  /**
   * false: a plain resume (the operator API's resume route), which never approves a wave that waits for approval;
   * true: an approval (its approve route). Absent (a direct invocation): whichever the pause needs.
   */
  approving?: boolean;
}
/** Refuse the next wave of a pause that waits for approval: the execution is cancelled. */
export interface Decline extends Timed {
  type: 'Decline';
  requestedBy: Actor;
  identity?: VerifiedIdentity;
  comment: string;
  ticket?: string;
  /** The wave the decline is meant for; refused when the execution waits before another. */
  waveNumber?: number;
}
/** The approval a pause waits for is past its deadline: apply the rule's onTimeout. */
export interface ExpireApproval extends Timed {
  type: 'ExpireApproval';
}
/** The state machine's wait for the current pause holds a task token with this SHA-256 (hex). */
export interface AttachResumeToken extends Timed {
  type: 'AttachResumeToken';
  tokenSha256: string;
  /**
   * The attached token this one replaces: the caller found that no task waits on it any more (its wait timed out,
   * or the state machine was restarted), so the state machine's new wait for the same pause takes its place.
   */
  replacing?: string;
}
export interface RequestCancel extends Timed {
  type: 'RequestCancel';
  requestedBy: Actor;
  identity?: VerifiedIdentity;
  /** No person acted: the local drill's simulated operator (recorded as SIMULATED_OPERATOR, marked simulated). */
  simulated?: boolean;
  reason?: string;
}
/** One of a failed wave's recorded jobs as DescribeJobs answered just before a retry. */
export interface SeenWaveJob {
  drsJobId: string;
  drsJobStatus: DrsJobStatus;
  servers: ServerObservation[];
}
/** Relaunch the failed servers of the wave the execution paused on (its failure, under onWaveFailure PAUSE). */
export interface RetryWave extends Timed {
  type: 'RetryWave';
  waveNumber: number;
  /** The round the caller means to start (the wave's last round + 1): another one answers without a write. */
  retryRound?: number;
  /** The wave's recorded jobs as DRS answered just before (recorded first, so only final failures are retried). */
  jobsSeen?: SeenWaveJob[];
  requestedBy: Actor;
  identity?: VerifiedIdentity;
}
/** Accept the failed wave the execution paused on as it is, with a reason, and go on to the next wave. */
export interface SkipWave extends Timed {
  type: 'SkipWave';
  waveNumber: number;
  reason: string;
  requestedBy: Actor;
  identity?: VerifiedIdentity;
}
export interface Finalize extends Timed {
  type: 'Finalize';
}
export interface Fail extends Timed {
  type: 'Fail';
  reason: string;
}
export interface RecordNotification extends Timed {
  type: 'RecordNotification';
  forSeq: number;
  outcome: { messageId: string } | { error: ErrorInfo };
}

/** A drill's cleanup (cleanup.ts): recorded after its end, never for a RECOVERY. */
export interface StartCleanup extends Timed {
  type: 'StartCleanup';
}
export interface RecordTerminationRequested extends Timed {
  type: 'RecordTerminationRequested';
  recoveryInstanceIds: string[];
  /** The TERMINATE jobs DRS created for them. */
  drsJobIds: string[];
  /** Those of them the ledger's waves never named, found in DRS by the execution's jobs. */
  discovered?: DiscoveredInstance[];
}
export interface RecordInstancesGone extends Timed {
  type: 'RecordInstancesGone';
  recoveryInstanceIds: string[];
}
export interface RecordCleanupFailure extends Timed {
  type: 'RecordCleanupFailure';
  error: ErrorInfo;
  /** The instances still there, when known. */
  recoveryInstanceIds?: string[];
  /** 0..1, drawn by the caller (the domain has no randomness): spreads the retries of many cleanups. */
  jitter: number;
}
export interface CompleteCleanup extends Timed {
  type: 'CompleteCleanup';
  instancesTerminated: number;
  instancesAlreadyGone: number;
}

export type ExecutionCommand =
  | StartExecution
  | AttachStateMachine
  | Advance
  | RecordWaveStarted
  | RecordWaveStartFailure
  | ReclaimWaveStart
  | ObserveWave
  | RequestPause
  | Resume
  | Decline
  | ExpireApproval
  | AttachResumeToken
  | RequestCancel
  | Finalize
  | Fail
  | RecordNotification
  | RetryWave
  | SkipWave
  | StartCleanup
  | RecordTerminationRequested
  | RecordInstancesGone
  | RecordCleanupFailure
  | CompleteCleanup;

export type ExecutionCommandType = ExecutionCommand['type'];
