import type { AccountContext, ExecutionStatus, ExecutionType, LaunchStatus, WaveStatus } from '../src/domain/execution';

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
}

export interface ServerExecutionView {
  serverId: string;
  hostname?: string;
  waveNumber: number;
  status: LaunchStatus | 'NOT_STARTED';
  recoveryInstanceId?: string;
  launchTime?: string;
  failureReason?: string;
}

export interface OperatorAction {
  by: string;
  at: string;
  reason?: string;
}

/**
 * The read model get_execution_details answers from: the contract's response fields (waveStatuses,
 * serverExecutions, ...) plus what operators and find need. Folded from the ledger, never written otherwise.
 */
export interface ExecutionView {
  executionId: string;
  planId: string;
  planName: string;
  status: ExecutionStatus;
  executionType: ExecutionType;
  initiatedBy: string;
  accountContext?: AccountContext;
  rtoTargetMinutes?: number;
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
  resumedAt?: string;
  cancelRequested?: OperatorAction;
  failureReason?: string;
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
