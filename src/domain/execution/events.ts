import type { ApprovalRule, RecoveryPlan } from '../plan';
import type { ReadinessFinding, ReadinessTotals } from '../readiness';
import type { VerifiedIdentity } from './identity';
import type { RecoveryPoint } from './recoveryPoint';
import type { AccountContext, Actor, DrsJobStatus, ErrorInfo, ExecutionType, LaunchStatus } from './vocabulary';

/**
 * The version of the rules that fold an event. 2: an ApprovalGranted holds its pause as approved until the
 * resume that follows it is recorded (a decision's events are appended one write each, so another writer may
 * append between them). Events of version 1 fold as they always did, so the digests of older ledgers still hold.
 */
export const SCHEMA_VERSION = 2;
/** The first schema version in which an ApprovalGranted is remembered by the state (see Paused.approvalGranted). */
export const APPROVAL_HELD_SINCE_VERSION = 2;

/** What every event in the ledger carries besides its payload. */
export interface EventEnvelope<Type extends string, Data> {
  executionId: string;
  planId: string;
  /** Position in the execution's stream, 1-based, gapless. */
  seq: number;
  type: Type;
  /** ISO-8601 instant supplied by the command (the domain has no clock). */
  occurredAt: string;
  actor: Actor;
  schemaVersion: number;
  data: Data;
}

export interface ServerObservation {
  serverId: string;
  launchStatus: LaunchStatus;
  recoveryInstanceId?: string;
  /** From DescribeSourceServers when the wave starts; DescribeJobs does not carry it. */
  hostname?: string;
  /** DRS's words when a launch fails, kept for the evidence report: at most MAX_FAILURE_REASON_BYTES. */
  failureReason?: string;
  /** Where DRS keeps the whole text, and its digest: set when the text came from a job log. */
  failureReasonRef?: FailureReasonRef;
  /**
   * The snapshot the launch used and its point in time: on WaveStarted when a recovery "as of" chose the
   * snapshot, on the WavePolled that first saw the server LAUNCHED (DescribeRecoveryInstances). Events only.
   */
  recoveryPoint?: RecoveryPoint;
}

/** DRS's rawError runs to 65,536 characters; the ledger keeps this many UTF-8 bytes of it. */
export const MAX_FAILURE_REASON_BYTES = 512;
/** Hostnames come from DRS (identification hints): the ledger keeps this many UTF-8 bytes. */
export const MAX_HOSTNAME_BYTES = 128;

/** Identifies DRS's full failure text: an auditor matches it against the job log by its digest. */
export interface FailureReasonRef {
  /** SHA-256 (hex) of the full text as DRS returned it. */
  sha256: string;
  /** Size of the full text in UTF-8 bytes. */
  bytes: number;
  drsJobId: string;
  /** The job-log event that carried the text: LAUNCH_FAILED, SNAPSHOT_FAIL, CONVERSION_FAIL, ... */
  logEvent: string;
  logDateTime?: string;
}

export type ExecutionStarted = EventEnvelope<
  'ExecutionStarted',
  {
    /** The plan as it was when the execution started: replay needs nothing but the ledger. */
    plan: RecoveryPlan;
    executionType: ExecutionType;
    initiatedBy: string;
    /** The principal the operator API verified; absent for a direct invocation (initiatedBy is then a claim). */
    identity?: VerifiedIdentity;
    /** No person started it: the local drill's simulated operator did (initiatedBy is SIMULATED_OPERATOR). */
    simulated?: true;
    accountContext?: AccountContext;
    /**
     * DRS launches at most this many servers in one job: a larger wave is started as several jobs, each
     * claimed and recorded on its own. Absent in early ledgers, whose waves were always one job.
     */
    serversPerJob?: number;
    /** DRS was simulated (the local emulator, `speed` times faster than the clock): absent for a real DRS. */
    simulation?: ExecutionSimulation;
    /**
     * Where the function that recorded the start ran: the execution's target when the plan names none
     * (accountId absent when the deployment does not say). Absent in early ledgers.
     */
    functionAccount?: { region: string; accountId?: string };
    /**
     * Where the plan's source servers run, as DRS reported them at the start (DescribeSourceServers'
     * sourceCloudProperties), grouped: a group without accountId and region counts the servers DRS said nothing
     * of (outside AWS, or unknown to it). Absent when DRS could not be asked, and in early ledgers.
     */
    sourceOrigins?: SourceOrigin[];
    /** Every server is launched from its newest completed recovery snapshot at or before this instant. */
    recoverAsOf?: string;
    /** A DRILL's keep-alive the start request set (it overrides the plan's drillKeepAliveMinutes). */
    keepAliveMinutes?: number;
  }
>;
/**
 * What preflight found when the execution started, recorded right after ExecutionStarted: at most
 * MAX_RECORDED_FINDINGS findings (BLOCKING first; `omitted` counts the rest), the totals of all of them, and,
 * when BLOCKING findings were overridden, the accepted deviation: why, and who accepted it (the starter).
 */
export type ReadinessAssessed = EventEnvelope<
  'ReadinessAssessed',
  { findings: ReadinessFinding[]; totals: ReadinessTotals; omitted?: number; deviation?: ReadinessDeviation }
>;
/** A start despite BLOCKING findings: the operator's reason, and who they are (verified when the API verified them). */
export interface ReadinessDeviation {
  reason: string;
  acceptedBy: Actor;
  identity?: VerifiedIdentity;
  simulated?: true;
}
/** DRS simulated by the local emulator, whose time ran `speed` times faster than the clock. */
export interface ExecutionSimulation {
  drs: 'emulator';
  speed: number;
}
/** Some of a plan's source servers, by where DRS says they run. */
export interface SourceOrigin {
  accountId?: string;
  region?: string;
  servers: number;
  /** These servers run in further places, not listed (the ledger keeps MAX_SOURCE_ORIGINS groups). */
  more?: true;
}
/** At most this many groups of source servers are recorded at a start; the rest are counted in one more. */
export const MAX_SOURCE_ORIGINS = 20;
/** A state machine that continued as new (generation 1, 2...) names the run it took over from. */
export type StateMachineAttached = EventEnvelope<
  'StateMachineAttached',
  { executionArn: string; generation?: number; previousExecutionArn?: string; reason?: 'CONTINUED_AS_NEW' }
>;
/** A driver claimed the start of a wave: only the writer of this event calls DRS StartRecovery. */
export type WaveStartRequested = EventEnvelope<'WaveStartRequested', { waveNumber: number; attempt: number }>;
/** One DRS job of a wave is on record: `part` (1-based, absent means 1) says which slice of its servers. */
export type WaveStarted = EventEnvelope<
  'WaveStarted',
  { waveNumber: number; drsJobId: string; servers: ServerObservation[]; part?: number }
>;
export type WaveStartFailed = EventEnvelope<
  'WaveStartFailed',
  { waveNumber: number; attempt: number; error: ErrorInfo; retryable: boolean; part?: number; waitingForCapacity?: true }
>;
/**
 * A DescribeJobs observation of one of the wave's jobs that changed something; `servers` holds only the
 * servers that changed. `drsJobId` is absent in early ledgers, whose waves had one job.
 */
export type WavePolled = EventEnvelope<
  'WavePolled',
  {
    waveNumber: number;
    drsJobStatus: DrsJobStatus;
    servers: ServerObservation[];
    drsJobId?: string;
    /** This many of `servers` were seen LAUNCHED but DRS's recovery instances could not be read for their recovery point. */
    recoveryPointsMissing?: number;
  }
>;
/**
 * `optionalFailures`: the plan's optional servers of this wave that did not launch (at most a wave's 200);
 * their reasons are on the WavePolled that saw them fail.
 */
export type WaveCompleted = EventEnvelope<'WaveCompleted', { waveNumber: number; optionalFailures?: ServerObservation[] }>;
/**
 * An operator asked to relaunch a failed wave's failed servers (`serverIds`, at most a wave's 200) in a new
 * DRS job: round `retry` (1-based). The wave is claimed again through WaveStartRequested.
 */
export type WaveRetryRequested = EventEnvelope<
  'WaveRetryRequested',
  {
    waveNumber: number;
    retry: number;
    serverIds: string[];
    requestedBy: Actor;
    identity?: VerifiedIdentity;
    /** How many DRS jobs the round takes (DRS's servers-per-job quota): views tell a started round by it. */
    jobCount: number;
  }
>;
/** An operator accepted a failed wave as it is and let the execution go on: a deviation, with its reason and actor. */
export type WaveSkipped = EventEnvelope<
  'WaveSkipped',
  { waveNumber: number; reason: string; skippedBy: Actor; identity?: VerifiedIdentity }
>;
/** `failedServers` name the servers and their status; their reasons are on the WavePolled that saw them fail. */
export type WaveFailed = EventEnvelope<'WaveFailed', { waveNumber: number; reason: string; failedServers: ServerObservation[] }>;
/** `simulated` (here, on ExecutionResumed and on CancelRequested): the simulated operator acted, no person. */
export type PauseRequested = EventEnvelope<'PauseRequested', { requestedBy: Actor; identity?: VerifiedIdentity; simulated?: true }>;
/** What the pause waits for when its next wave requires approval: the rule as the plan stated it, and its deadline. */
export interface ApprovalWait extends ApprovalRule {
  deadline?: string;
}
export type ExecutionPaused = EventEnvelope<
  'ExecutionPaused',
  {
    afterWave: number;
    nextWave: number;
    /** WAVE_FAILED: wave afterWave (= nextWave) failed under the plan's onWaveFailure PAUSE: retry it or skip it. */
    reason: PauseReason;
    approval?: ApprovalWait;
    /**
     * The state machine's wait for this pause holds one task token, attached in the ledger (ResumeTokenAttached)
     * before anyone redeems it. Absent in ledgers written before, whose folds must not change (their state
     * digests are in their hashes): their pauses keep no seq for a token to attach to.
     */
    attachesToken?: true;
  }
>;
export type PauseReason = 'PAUSE_REQUESTED' | 'PAUSE_BEFORE_WAVE' | 'WAVE_FAILED';
export type ExecutionResumed = EventEnvelope<
  'ExecutionResumed',
  { resumedBy: Actor; nextWave: number; identity?: VerifiedIdentity; simulated?: true }
>;
export type CancelRequested = EventEnvelope<
  'CancelRequested',
  { requestedBy: Actor; reason?: string; identity?: VerifiedIdentity; simulated?: true }
>;
/** An approver let the next wave start; ExecutionResumed follows. */
export type ApprovalGranted = EventEnvelope<
  'ApprovalGranted',
  { waveNumber: number; identity: VerifiedIdentity; comment: string; ticket?: string }
>;
/** An approver refused the next wave; the execution is cancelled. */
export type ApprovalDeclined = EventEnvelope<
  'ApprovalDeclined',
  { waveNumber: number; identity: VerifiedIdentity; comment: string; ticket?: string }
>;
/** Someone tried to approve or decline and was not allowed to: evidence of the attempt; nothing else changes. */
export type ApprovalRefused = EventEnvelope<
  'ApprovalRefused',
  { waveNumber: number; action: 'APPROVE' | 'DECLINE'; attemptedBy: Actor; identity?: VerifiedIdentity; reason: string }
>;
/** Nobody acted before the approval's deadline: the rule's onTimeout follows (cancel, or resume). */
export type ApprovalTimedOut = EventEnvelope<'ApprovalTimedOut', { waveNumber: number; deadline: string; action: 'CANCEL' | 'CONTINUE' }>;
/**
 * The drill state machine's wait for this pause (`pauseSeq`, the ExecutionPaused it waits on) holds the
 * task token whose SHA-256 this is; only that token is ever redeemed, and a second one is refused.
 */
export type ResumeTokenAttached = EventEnvelope<'ResumeTokenAttached', { pauseSeq: number; tokenSha256: string; replaced?: string }>;
export type ExecutionCancelled = EventEnvelope<'ExecutionCancelled', { cancelledBy: Actor; reason?: string }>;
export type Finalized = EventEnvelope<
  'Finalized',
  {
    endTime: string;
    durationSeconds: number;
    totalWaves: number;
    completedWaves: number;
    totalServers: number;
    successfulServers: number;
    failedServers: number;
  }
>;
export type ExecutionFailed = EventEnvelope<'ExecutionFailed', { reason: string; waveNumber?: number }>;
/** Annotations after an outcome: they never change the execution's status. */
export type NotificationSent = EventEnvelope<'NotificationSent', { forSeq: number; messageId: string }>;
export type NotificationFailed = EventEnvelope<'NotificationFailed', { forSeq: number; error: ErrorInfo }>;
/** A drill's cleanup (cleanup.ts): annotations after the end, like notifications; the status never changes. */
export type CleanupStarted = EventEnvelope<'CleanupStarted', { dueAt: string; keepAliveMinutes: number }>;
export type RecoveryInstancesTerminationRequested = EventEnvelope<
  'RecoveryInstancesTerminationRequested',
  {
    attempt: number;
    recoveryInstanceIds: string[];
    drsJobIds: string[];
    /** Those of them no wave's observation named: found in DRS by the execution's jobs (a launch after a cancel). */
    discovered?: DiscoveredInstance[];
  }
>;
export interface DiscoveredInstance {
  recoveryInstanceId: string;
  sourceServerId: string;
  /** The execution's DRS job that launched it. */
  jobId: string;
}
export type RecoveryInstancesGone = EventEnvelope<'RecoveryInstancesGone', { recoveryInstanceIds: string[] }>;
export type CleanupFailed = EventEnvelope<
  'CleanupFailed',
  {
    attempt: number;
    error: ErrorInfo;
    recoveryInstanceIds?: string[];
    nextAttemptAt: string;
    /** The last failure of the last streak: the cleanup is given up, notified, and no longer retried. */
    abandoned?: boolean;
  }
>;
export type CleanupCompleted = EventEnvelope<'CleanupCompleted', { instancesTerminated: number; instancesAlreadyGone: number }>;

export type ExecutionEvent =
  | ExecutionStarted
  | StateMachineAttached
  | WaveStartRequested
  | WaveStarted
  | WaveStartFailed
  | WavePolled
  | WaveCompleted
  | WaveFailed
  | PauseRequested
  | ExecutionPaused
  | ExecutionResumed
  | CancelRequested
  | ExecutionCancelled
  | Finalized
  | ExecutionFailed
  | NotificationSent
  | NotificationFailed
  | ApprovalGranted
  | ApprovalDeclined
  | ApprovalRefused
  | ApprovalTimedOut
  | ResumeTokenAttached
  | WaveRetryRequested
  | WaveSkipped
  | CleanupStarted
  | RecoveryInstancesTerminationRequested
  | RecoveryInstancesGone
  | CleanupFailed
  | CleanupCompleted
  | ReadinessAssessed;

export type ExecutionEventType = ExecutionEvent['type'];

export const EXECUTION_EVENT_TYPES: readonly ExecutionEventType[] = [
  'ExecutionStarted',
  'StateMachineAttached',
  'WaveStartRequested',
  'WaveStarted',
  'WaveStartFailed',
  'WavePolled',
  'WaveCompleted',
  'WaveFailed',
  'PauseRequested',
  'ExecutionPaused',
  'ExecutionResumed',
  'CancelRequested',
  'ExecutionCancelled',
  'Finalized',
  'ExecutionFailed',
  'NotificationSent',
  'NotificationFailed',
  'ApprovalGranted',
  'ApprovalDeclined',
  'ApprovalRefused',
  'ApprovalTimedOut',
  'ResumeTokenAttached',
  'WaveRetryRequested',
  'WaveSkipped',
  'CleanupStarted',
  'RecoveryInstancesTerminationRequested',
  'RecoveryInstancesGone',
  'CleanupFailed',
  'CleanupCompleted',
  'ReadinessAssessed',
];

export type EventOf<T extends ExecutionEventType> = Extract<ExecutionEvent, { type: T }>;
