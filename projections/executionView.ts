import type { AccountContext, ExecutionStatus, ExecutionType, LaunchStatus, WaveStatus } from '../src/domain/execution';

/**
 * What the view says of RPO: each server's RPO in seconds (from its wave's start request to the point in time
 * it was launched from) and the execution's worst and breaches against the plan's rpoTargetMinutes. The points
 * themselves stay in the ledger and the report; a number per server keeps the view's items small.
 */
export interface RpoSummaryView {
  worstSeconds: number;
  breaches: number;
}

export interface WaveView {
  waveNumber: number;
  waveName: string;
  status: WaveStatus;
  pauseBeforeWave: boolean;
  /** The wave's first DRS job: the contract's one job per wave. */
  drsJobId?: string;
  /** Every DRS job of the wave, by part: a wave over DRS's servers-per-job quota runs as several. */
  drsJobIds?: string[];
  /** Each job's part of the wave (1-based), in the order of drsJobIds. */
  drsJobParts?: number[];
  /** Each job's status, in the order of drsJobIds. */
  drsJobStatuses?: Array<'PENDING' | 'STARTED' | 'COMPLETED'>;
  /** How many DRS jobs the wave takes. */
  jobCount?: number;
  /** The least advanced of the wave's jobs. */
  drsJobStatus?: 'PENDING' | 'STARTED' | 'COMPLETED';
  /** Servers in the wave's DRS jobs. */
  serversLaunched: number;
  /** Servers whose launchStatus is LAUNCHED. */
  serversCompleted: number;
  /** Servers whose launchStatus is FAILED or TERMINATED. */
  serversFailed: number;
  startTime?: string;
  endTime?: string;
  failureReason?: string;
  /** The wave starts only once an approver lets it (the execution pauses before it): the plan's approval rule. */
  requiresApproval?: true;
  /** When its (latest) start was requested: its servers' RPO is measured from it. */
  startRequestedAt?: string;
  /** Retry rounds operators asked for after the wave failed (each relaunched its failed servers only). */
  retries?: number;
  /** Optional servers that did not launch, though the wave completed. */
  optionalFailures?: number;
  /** The wave failed and an operator skipped it, with this reason: an accepted deviation. */
  skipped?: OperatorAction;
}

export interface ServerExecutionView {
  serverId: string;
  hostname?: string;
  waveNumber: number;
  status: LaunchStatus | 'NOT_STARTED';
  recoveryInstanceId?: string;
  launchTime?: string;
  failureReason?: string;
  /** Seconds from its wave's start request back to the point in time it was launched from. */
  rpoSeconds?: number;
  /** The plan marks the server optional: its failure does not fail its wave. */
  optional?: true;
  /** Retry rounds that relaunched this server. */
  retries?: number;
}

/**
 * Who did something, as the ledger proves it. `principal` is set only when the operator API verified the caller
 * (then `by` is that principal ARN, and `claim` the name they gave); without it, `by` is only what a direct
 * invocation typed: unverified. Views folded before identities were recorded carry none, which reads the same.
 */
export interface VerifiedActor {
  principal?: string;
  claim?: string;
}

export interface OperatorAction extends VerifiedActor {
  by: string;
  at: string;
  reason?: string;
}

/**
 * What became of the approval a wave waited for, or an attempt at it, in ledger order. Texts are cut to
 * APPROVAL_VIEW_BYTES (marked with …) so the view's header stays bounded; the report quotes them whole.
 */
export type ApprovalView =
  | {
      outcome: 'GRANTED' | 'DECLINED';
      waveNumber: number;
      at: string;
      /** The verified approver: only a principal the operator API verified may approve or decline. */
      principal: string;
      claim?: string;
      comment: string;
      ticket?: string;
    }
  | {
      outcome: 'REFUSED';
      waveNumber: number;
      at: string;
      action: 'APPROVE' | 'DECLINE';
      /** Who tried: their principal when verified, otherwise the name a direct invocation typed. */
      attemptedBy: string;
      principal?: string;
      claim?: string;
      reason: string;
    }
  | {
      outcome: 'TIMED_OUT';
      waveNumber: number;
      at: string;
      deadline: string;
      /** What the rule's onTimeout did: the execution was cancelled, or the wave started without approval. */
      action: 'CANCEL' | 'CONTINUE';
    };

/** The approval a PAUSED execution waits for before its next wave. */
export interface PendingApprovalView {
  waveNumber: number;
  /** Principal ARN patterns (`*` the only wildcard) an approver must match. */
  approvers: string[];
  /** The principal that started the execution may not approve it. */
  excludeStarter: boolean;
  /** After it, onTimeout applies; absent: the wait lasts until someone decides. */
  deadline?: string;
  onTimeout: 'CANCEL' | 'CONTINUE';
}

/** A drill's cleanup after its end: counts only (the instance ids are in the ledger and the report). */
export interface CleanupView {
  status: 'WAITING' | 'TERMINATING' | 'FAILED' | 'COMPLETED';
  /** The keep-alive ends then: nothing is terminated before. */
  dueAt: string;
  keepAliveMinutes: number;
  attempts: number;
  failures: number;
  /** Instances recorded gone (terminated and confirmed, or already gone). */
  terminated: number;
  /** Launched instances not yet recorded gone; 0 once the cleanup completed. */
  remaining: number;
  nextAttemptAt?: string;
  lastError?: string;
  completedAt?: string;
  /** Given up after its streaks of failures: find no longer drives it; an operator cleans up by hand. */
  abandoned?: boolean;
}

/**
 * The read model get_execution_details answers from: the contract's response fields (waveStatuses,
 * serverExecutions, ...) plus what operators and find need. Folded from the ledger, never written otherwise.
 */
/** A start's readiness, as a view keeps it: counts, and the override's reason cut to READINESS_VIEW_REASON_BYTES. */
export interface ReadinessView {
  blocking: number;
  warning: number;
  deviation?: VerifiedActor & { reason: string; acceptedBy: string };
}

export interface ExecutionView {
  executionId: string;
  planId: string;
  planName: string;
  status: ExecutionStatus;
  executionType: ExecutionType;
  /** Who started it, in the caller's words (the contract's field); verified only when initiatedByPrincipal is set. */
  initiatedBy: string;
  /** The principal ARN the operator API verified for the start; absent for a direct invocation (unverified). */
  initiatedByPrincipal?: string;
  /** The name the verified starter gave, kept apart from the principal. */
  initiatedByClaim?: string;
  accountContext?: AccountContext;
  rtoTargetMinutes?: number;
  rpoTargetMinutes?: number;
  /** Every server recovered as of this instant. */
  recoverAsOf?: string;
  /** The worst RPO of the servers with a recovery point, and how many are above rpoTargetMinutes. */
  rpo?: RpoSummaryView;
  startTime: string;
  endTime?: string;
  durationSeconds?: number;
  /** "45m": the contract's duration wording, set when the execution ends. */
  duration?: string;
  currentWave: number;
  totalWaves: number;
  totalServers: number;
  waveStatuses: WaveView[];
  serverExecutions: ServerExecutionView[];
  stepFunctionArn?: string;
  lastPolled?: string;
  pauseRequested?: OperatorAction;
  pausedAt?: string;
  nextWave?: number;
  /** Set while PAUSED on wave nextWave's failure (the plan's onWaveFailure PAUSE): retry it or skip it. */
  pauseReason?: 'WAVE_FAILED';
  resumedAt?: string;
  cancelRequested?: OperatorAction;
  /** While PAUSED before a wave that requires approval: who may approve it, and until when. */
  pendingApproval?: PendingApprovalView;
  /** Approvals granted, declined, timed out and refused attempts, oldest first; absent until there is one. */
  approvals?: ApprovalView[];
  /** Refused attempts past the first MAX_REFUSALS_IN_VIEW, counted but not listed (the report lists them all). */
  approvalRefusalsNotShown?: number;
  /** Approval outcomes past MAX_OUTCOMES_IN_VIEW, only counted (the ledger and the report keep them all). */
  approvalsNotShown?: number;
  failureReason?: string;
  /** A DRILL's cleanup, once started. */
  cleanup?: CleanupView;
  /** What preflight found at the start (counts), and the deviation an override accepted; absent before preflight existed. */
  readiness?: ReadinessView;
  /** seq of the last event folded in: the view never moves back to a smaller one. */
  seq: number;
  lastEventAt: string;
}

/**
 * A view as an operation or the CLI shows it. Views stored from ledgers written before plans owned their
 * targets may still hold the ExternalId a caller passed: it is never shown (the projection no longer stores it).
 */
export const shownView = (view: ExecutionView): ExecutionView => {
  if (view.accountContext?.externalId === undefined) return view;
  const { externalId: _secret, ...accountContext } = view.accountContext;
  return { ...view, accountContext };
};
