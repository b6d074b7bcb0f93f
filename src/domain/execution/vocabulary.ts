/** The words DRS and the contract use, shared by events, state and responses. */

export type ExecutionType = 'DRILL' | 'RECOVERY';
export const EXECUTION_TYPES: readonly ExecutionType[] = ['DRILL', 'RECOVERY'];

export type ExecutionStatus = 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** DRS job statuses. DRS has no FAILED job status: failure is read from the servers. */
export type DrsJobStatus = 'PENDING' | 'STARTED' | 'COMPLETED';
export const DRS_JOB_STATUSES: readonly DrsJobStatus[] = ['PENDING', 'STARTED', 'COMPLETED'];

/** `participatingServers[].launchStatus` in DescribeJobs. */
export type LaunchStatus = 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED' | 'TERMINATED';
export const LAUNCH_STATUSES: readonly LaunchStatus[] = ['PENDING', 'IN_PROGRESS', 'LAUNCHED', 'FAILED', 'TERMINATED'];

/** PENDING: not yet due. STARTING: claimed, DRS StartRecovery under way. SKIPPED: failed, then skipped by an operator. */
export type WaveStatus = 'PENDING' | 'STARTING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'SKIPPED';

/**
 * The account an execution acts in: its plan's target, as the ledger records it. The ledger never holds an
 * ExternalId: `externalIdFromPlan` names the plan whose target declares it, and the credentials read it from
 * the plan store when they assume the role. `externalId` itself appears only in ledgers written before plans
 * owned their targets (the caller chose the account then), which are still read.
 */
export interface AccountContext {
  accountId: string;
  region: string;
  roleName: string;
  externalId?: string;
  externalIdFromPlan?: string;
}

/** Who caused an event: the operator's identity, or "system" for the drivers. */
export type Actor = string;
export const SYSTEM_ACTOR: Actor = 'system';

export interface ErrorInfo {
  code: string;
  message: string;
}

export const isFinalLaunchStatus = (status: LaunchStatus): boolean =>
  status === 'LAUNCHED' || status === 'FAILED' || status === 'TERMINATED';

export const isFailedLaunchStatus = (status: LaunchStatus): boolean => status === 'FAILED' || status === 'TERMINATED';
