/**
 * The JSON the console's own API answers (src/cli/console serves it), as the browser reads it. Declared here
 * rather than imported: the browser's program has no Node types, and the read model's modules reach modules
 * that use them. Only the fields the pages show are named; the answers may carry more.
 */

export type ExecutionStatus = 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type ExecutionType = 'DRILL' | 'RECOVERY';
export type WaveStatus = 'PENDING' | 'STARTING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'SKIPPED';
export type ServerStatus = 'NOT_STARTED' | 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED' | 'TERMINATED';

/** The local operator API's rights: what IAM policies are on AWS. */
export type Right = 'drill' | 'recovery' | 'approve';

export interface ConsoleUser {
  name: string;
  principalArn: string;
  rights: string[];
  /** A deployed stack's console acts as its caller, whose rights IAM decides at each request. */
  rightsDecidedBy?: 'IAM';
}

export interface UsersAnswer {
  users: ConsoleUser[];
}

export interface PlanApproval {
  approvers: string[];
  excludeStarter?: boolean;
  timeoutMinutes?: number;
  onTimeout?: 'CANCEL' | 'CONTINUE';
}

export interface PlanWave {
  waveName: string;
  sourceServerIds: string[];
  pauseBeforeWave?: boolean;
  approval?: PlanApproval;
}

export interface PlanTarget {
  accountId: string;
  region: string;
  roleName?: string;
}

export interface Plan {
  planId: string;
  planName: string;
  waves: PlanWave[];
  rtoTargetMinutes?: number;
  target?: PlanTarget;
}

export interface PlansAnswer {
  plans: Plan[];
}

/** One execution as the list shows it (the CLI's `executions` row). */
export interface ExecutionRow {
  executionId: string;
  planId: string;
  planName?: string;
  executionType: ExecutionType;
  status: ExecutionStatus;
  startTime: string;
  endTime?: string;
  currentWave: number;
  totalWaves: number;
  initiatedBy: string;
  initiatedByPrincipal?: string;
}

export interface ExecutionsAnswer {
  executions: ExecutionRow[];
  nextToken?: string;
}

export interface WaveDetails {
  waveNumber: number;
  waveName: string;
  status: WaveStatus;
  pauseBeforeWave: boolean;
  serversLaunched: number;
  serversCompleted: number;
  serversFailed: number;
  startTime?: string;
  endTime?: string;
  failureReason?: string;
  requiresApproval?: true;
  /** Retry rounds operators asked for after the wave failed. */
  retries?: number;
  /** Optional servers that did not launch, though the wave completed. */
  optionalFailures?: number;
  /** The wave failed and an operator skipped it: an accepted deviation. */
  skipped?: OperatorAction;
}

export interface ServerDetails {
  serverId: string;
  hostname?: string;
  waveNumber: number;
  status: ServerStatus;
  recoveryInstanceId?: string;
  launchTime?: string;
  failureReason?: string;
}

export interface PendingApproval {
  waveNumber: number;
  approvers: string[];
  excludeStarter: boolean;
  deadline?: string;
  onTimeout: 'CANCEL' | 'CONTINUE';
}

export interface OperatorAction {
  by: string;
  at: string;
  reason?: string;
  principal?: string;
  claim?: string;
}

/** An approval's outcome or a refused attempt (the read model's ApprovalView, its variants' fields all optional here). */
export interface ApprovalEntry {
  outcome: 'GRANTED' | 'DECLINED' | 'REFUSED' | 'TIMED_OUT';
  waveNumber: number;
  at: string;
  principal?: string;
  claim?: string;
  comment?: string;
  ticket?: string;
  attemptedBy?: string;
  reason?: string;
  deadline?: string;
  action?: string;
}

/** get_execution_details: the read model of one execution. */
export interface ExecutionDetails {
  executionId: string;
  planId: string;
  planName: string;
  status: ExecutionStatus;
  executionType: ExecutionType;
  initiatedBy: string;
  initiatedByPrincipal?: string;
  initiatedByClaim?: string;
  startTime: string;
  endTime?: string;
  currentWave: number;
  totalWaves: number;
  totalServers: number;
  waveStatuses: WaveDetails[];
  serverExecutions: ServerDetails[];
  pauseRequested?: OperatorAction;
  pausedAt?: string;
  nextWave?: number;
  /** WAVE_FAILED: paused on wave nextWave's failure, to be retried or skipped. */
  pauseReason?: 'WAVE_FAILED';
  cancelRequested?: OperatorAction;
  pendingApproval?: PendingApproval;
  approvals?: ApprovalEntry[];
  failureReason?: string;
  seq: number;
  /** The ledger's head seq when the details were read (get_execution_details reads both). */
  ledgerSeq?: number;
}

export interface LedgerEvent {
  seq: number;
  type: string;
  occurredAt: string;
  actor: string;
  summary: string;
  hash: string;
  previousHash: string;
}

export type VerificationStatus = 'VERIFIED' | 'BROKEN';
export type DigestStatus = 'VOUCHED' | 'UNSEALED' | 'PENDING' | 'TAMPERED' | 'CHAIN BROKEN' | 'NONE';

export interface LedgerAnswer {
  events: LedgerEvent[];
  head: { seq: number; hash: string };
  verification: { status: VerificationStatus; detail: string };
  digest: { status: DigestStatus; detail: string };
}

export interface TimelineAnswer {
  svg: string;
}

/** What an operator action or a start answered: the operator API's status and its body. */
export interface ActionAnswer {
  statusCode: number;
  error?: string;
  message?: string;
  executionId?: string;
  activeExecutionId?: string;
}

/** retry and skip: an operator's answer to an execution paused on a failed wave (pauseReason WAVE_FAILED). */
export type OperatorVerb = 'pause' | 'resume' | 'approve' | 'decline' | 'cancel' | 'retry' | 'skip';

export interface OperatorBody {
  as?: string;
  comment?: string;
  ticket?: string;
  reason?: string;
  waveNumber?: number;
  /** retry: the round the page shows as next (the wave's retries + 1). */
  retryRound?: number;
}
