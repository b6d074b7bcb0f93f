import type { ExecutionStatus, ExecutionType, LaunchStatus, PauseReason, WaveStatus } from '../../domain/execution';
import type { TamperKind } from '../chainVerification';
import type { TamperKind as TamperAlarmKind } from '../../ports/tamperAlarms';
import type { ImportedMark } from '../sealedImport';
import type { DigestVerdict } from '../digestEvidence';
import type { RpoEvidence } from './rpo';

/** An evidence report's data: what a drill or recovery did, taken from the ledger alone, with its proof. */
export const EVIDENCE_FORMAT_VERSION = 1;

/** met / missed against the plan's target; no-target: the plan sets none; in-progress: not over and not yet missed. */
export type RtoVerdict = 'met' | 'missed' | 'no-target' | 'in-progress';

export interface RtoMeasure {
  /** Seconds from the execution's start to the recovery; absent when it was not recovered. */
  measuredSeconds?: number;
  targetMinutes?: number;
  verdict: RtoVerdict;
  /** Why there is no figure, when there is none. */
  note?: string;
}

export interface PlanEvidence {
  planId: string;
  planName: string;
  rtoTargetMinutes?: number;
  waves: Array<{ waveNumber: number; waveName: string; pauseBeforeWave: boolean; servers: Array<{ serverId: string; hostname?: string }> }>;
}

/**
 * How the ledger knows who acted: `verified`, a principal the operator API verified (API Gateway's IAM
 * authorization, the local API's SigV4 check); `unverified`, only the name a direct invocation typed (anyone
 * with lambda:InvokeFunction could have typed it); `system`, drs-ledger's own drivers (the plan's pause, a timeout);
 * `simulated`, no person: the local drill's simulated operator (SIMULATED_OPERATOR, events marked `simulated`).
 */
export type ActorStanding = 'verified' | 'unverified' | 'system' | 'simulated';

export interface ActorEvidence {
  /** The principal ARN when verified, otherwise the name the event records. */
  by: string;
  standing: ActorStanding;
  /** The name a verified caller gave, kept apart from the principal: their claim, not proven. */
  claim?: string;
}

export type OperatorActionKind =
  | 'started'
  | 'pause-requested'
  | 'paused'
  | 'resumed'
  | 'cancel-requested'
  | 'cancelled'
  | 'approved'
  | 'declined'
  | 'approval-timed-out'
  /** A failed wave's failed servers relaunched (a retry round). */
  | 'wave-retried'
  /** A failed wave skipped with a reason: an accepted deviation. */
  | 'wave-skipped';

export interface OperatorActionEvidence extends ActorEvidence {
  action: OperatorActionKind;
  at: string;
  seq: number;
  detail?: string;
}

/** A refused attempt to approve or decline: who tried, why they could not, when. */
export interface ApprovalRefusalEvidence {
  seq: number;
  at: string;
  action: 'APPROVE' | 'DECLINE';
  by: ActorEvidence;
  reason: string;
}

/** What ended the wait: an approver's decision (verified), or its deadline passing. */
export type ApprovalDecisionEvidence =
  | { outcome: 'granted' | 'declined'; seq: number; at: string; by: ActorEvidence; comment: string; ticket?: string }
  | { outcome: 'timed-out'; seq: number; at: string; deadline: string; onTimeout: 'CANCEL' | 'CONTINUE' };

/**
 * A wave that waited for approval: the rule it waited under (as the pause recorded it), what became of it, and
 * every refused attempt. `status`: `waiting` while the execution is still paused for it; `undecided` when it
 * ended otherwise (cancelled or failed before anyone decided).
 */
export interface ApprovalEvidence {
  waveNumber: number;
  waveName?: string;
  /** The pause that waited (absent only for approval events without one: a rewritten ledger). */
  pauseSeq?: number;
  pausedAt?: string;
  approvers: string[];
  excludeStarter: boolean;
  timeoutMinutes?: number;
  deadline?: string;
  onTimeout: 'CANCEL' | 'CONTINUE';
  status: 'granted' | 'declined' | 'timed-out' | 'waiting' | 'undecided';
  decision?: ApprovalDecisionEvidence;
  refused: ApprovalRefusalEvidence[];
}

export interface WaveEvidence {
  waveNumber: number;
  waveName: string;
  status: WaveStatus;
  startAttempts: number;
  drsJobId?: string;
  /** WaveStarted: DRS accepted the job. */
  startTime?: string;
  /** WaveCompleted or WaveFailed. */
  endTime?: string;
  durationSeconds?: number;
  failureReason?: string;
  /** Execution start to this wave's completion, against the plan's target. */
  rto: RtoMeasure;
}

export interface ServerEvidence {
  serverId: string;
  hostname?: string;
  waveNumber: number;
  status: LaunchStatus | 'NOT_STARTED';
  recoveryInstanceId?: string;
  /** Its wave's start. */
  startTime?: string;
  /** When a poll first saw it LAUNCHED. */
  launchTime?: string;
  /** When a poll first saw it FAILED or TERMINATED. */
  failedAt?: string;
  /** startTime to launchTime (or failedAt). */
  durationSeconds?: number;
  failureReason?: string;
  /** The plan marks the server optional: its failure did not fail its wave. */
  optional?: true;
}

export interface PauseEvidence {
  from: string;
  /** The resume (or the end); absent while still paused. */
  to?: string;
  seconds?: number;
  afterWave: number;
  nextWave: number;
  reason: PauseReason;
  requestedBy: string;
  resumedBy?: string;
  /** requestedBy with how the ledger knows it. */
  requestedByActor: ActorEvidence;
  /** resumedBy with how the ledger knows it. */
  resumedByActor?: ActorEvidence;
}

export type FailureScope = 'wave-start' | 'server' | 'wave' | 'execution' | 'notification';

export interface FailureEvidence {
  seq: number;
  at: string;
  scope: FailureScope;
  waveNumber?: number;
  serverId?: string;
  /** In DRS's (or the service's) own words. */
  reason: string;
}

export interface NotificationEvidence {
  seq: number;
  at: string;
  /** The event the notification was about, and its type. */
  forSeq: number;
  forType?: string;
  outcome: 'sent' | 'failed';
  messageId?: string;
  error?: string;
}

/** A tamper alarm raised for the execution: a ledger item changed or deleted, or a snapshot that did not match. */
export interface TamperAlarmEvidence {
  kind: TamperAlarmKind;
  /** The item's seq, when known. */
  seq?: number;
  /** stream: the events table's stream saw it; load: a load found it before a decision. */
  source: 'stream' | 'load' | 'digest';
  detectedAt: string;
  /** What was seen (one line, bounded, written by the alarm: not by the tamperer). */
  detail: string;
  id: string;
  /** Whether its notification went out. */
  notified: boolean;
}

/** One recovery instance a DRILL launched, and what became of it. */
export interface RecoveryInstanceEvidence {
  recoveryInstanceId: string;
  serverId: string;
  hostname?: string;
  waveNumber?: number;
  /** When a wave's observation first named it. */
  launchedAt?: string;
  /** When the cleanup found it in DRS (launched by one of the drill's jobs, never observed by a wave). */
  foundAt?: string;
  terminationRequestedAt?: string;
  /** When DRS was seen no longer listing it (or listing it TERMINATED). */
  goneAt?: string;
  state: 'gone' | 'terminating' | 'running' | 'kept-alive';
}

/** A DRILL's instances and their cleanup: the proof that a drill left nothing running. */
export interface RecoveryInstancesEvidence {
  instances: RecoveryInstanceEvidence[];
  cleanup: {
    status: 'not-started' | 'waiting' | 'terminating' | 'failed-retrying' | 'completed';
    dueAt?: string;
    keepAliveMinutes?: number;
    failures: Array<{ at: string; attempt: number; error: string; nextAttemptAt: string; remaining: number }>;
    completedAt?: string;
    instancesTerminated?: number;
    instancesAlreadyGone?: number;
  };
  /** One line: all gone and confirmed, kept alive until, or what remains. */
  verdict: { ok: boolean; text: string };
}

export type VerificationEvidence = { ok: true } | { ok: false; firstBadSeq: number; problem: TamperKind; detail: string };

/**
 * What the signed digest chain says of the ledger (see DigestVerdict), or why it was not asked: a folder where no
 * stack ever sealed a digest, or imported evidence (sealed by its import); neither fails it (`ok`), the first warns.
 */
export type DigestEvidence = DigestVerdict | { status: 'not-checked'; ok: true; reason: string };

export interface LedgerEvidence {
  /** Items in the ledger, verified or not. */
  eventCount: number;
  /** The verified head (when verification failed: the last verified event). */
  headSeq: number;
  headHash: string;
  verification: VerificationEvidence;
}

/**
 * DRS was simulated: the local emulator (`unknown` when a rewritten ledger says something else), its time running
 * `speed` times faster than the clock (absent when the record holds no usable factor).
 */
export interface SimulationEvidence {
  drs: 'emulator' | 'unknown';
  speed?: number;
}

/**
 * Where the execution acted and where its servers came from. target: the plan's recorded target, or the account
 * the function ran in when the plan names none (its id absent when the deployment did not say), or not recorded
 * (a ledger written before starts recorded it). source: the plan's servers by where DRS said, at the start, they
 * run (a group without account and Region: servers DRS said nothing of), or not recorded.
 */
export interface AccountsEvidence {
  target: { basis: 'plan-target' | 'function' | 'not-recorded'; accountId?: string; region?: string };
  source:
    { basis: 'drs'; origins: Array<{ accountId?: string; region?: string; servers: number; more?: true }> } | { basis: 'not-recorded' };
}

/** What preflight found at the start (ReadinessAssessed), and the deviation an override accepted. */
export interface ReadinessEvidence {
  assessedAt: string;
  seq: number;
  /** As recorded: at most 100, BLOCKING first; `omitted` counts the rest. */
  findings: Array<{ severity: string; code: string; reason: string; serverId?: string; waveNumber?: number }>;
  totals: { blocking: number; warning: number };
  omitted?: number;
  /** Started despite BLOCKING findings: why, and who accepted it (verified or not). */
  deviation?: ActorEvidence & { reason: string };
}

export interface Evidence {
  formatVersion: typeof EVIDENCE_FORMAT_VERSION;
  /** Set when DRS was simulated (the start recorded it): the report is then no evidence of a recovery on AWS. */
  simulation?: SimulationEvidence;
  accounts: AccountsEvidence;
  execution: {
    executionId: string;
    executionType: ExecutionType;
    status: ExecutionStatus;
    /** The name the start recorded (the caller's words); startedBy says whether a principal was verified. */
    initiatedBy: string;
    startedBy: ActorEvidence;
    startTime: string;
    endTime?: string;
    durationSeconds?: number;
    stateMachineArn?: string;
    accountId?: string;
    region?: string;
    failureReason?: string;
  };
  plan: PlanEvidence;
  actions: OperatorActionEvidence[];
  pauses: PauseEvidence[];
  /** Each wave that waited for approval, in order. */
  approvals: ApprovalEvidence[];
  /** Absent for a ledger without a recorded preflight. */
  readiness?: ReadinessEvidence;
  waves: WaveEvidence[];
  servers: ServerEvidence[];
  rto: {
    definition: string;
    waveDefinition: string;
    serverDefinition: string;
    overall: RtoMeasure;
    /** Time spent paused between the start and the recovery (or the end); included in the measured RTO. */
    pausedSeconds: number;
    /**
     * With a simulated DRS of known speed: the overall RTO restated in simulated DRS time (real seconds of work × speed, plus the time paused once),
     * against the same target. The figure a drill on the emulator is meant to show.
     */
    simulated?: RtoMeasure & { speed: number };
  };
  /** Each launched server's recovery point and RPO against the plan's rpoTargetMinutes (absent in evidence built before). */
  rpo?: RpoEvidence;
  failures: FailureEvidence[];
  notifications: NotificationEvidence[];
  /** A DRILL's recovery instances and their cleanup; absent for a RECOVERY and a drill that launched none. */
  recoveryInstances?: RecoveryInstancesEvidence;
  ledger: LedgerEvidence;
  /** Set when the execution is imported evidence (a sealed import), never driven by the stack that reports it. */
  imported?: ImportedMark;
  /** Tamper alarms raised for the execution, oldest first; absent when the report was built without the alarm log. */
  tamperAlarms?: TamperAlarmEvidence[];
  /** The signed digest chain's word on the ledger; absent when the report was built without it. */
  digests?: DigestEvidence;
}
