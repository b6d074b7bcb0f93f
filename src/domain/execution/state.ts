import type { AccountContext, Actor, ExecutionType, LaunchStatus, WaveStatus } from './vocabulary';

export interface ServerState {
  serverId: string;
  hostname?: string;
  /** NOT_STARTED until the wave's DRS job includes the server. */
  launchStatus: LaunchStatus | 'NOT_STARTED';
  recoveryInstanceId?: string;
  failureReason?: string;
  /** When the server was first seen LAUNCHED. */
  launchTime?: string;
  updatedAt?: string;
}

export interface WaveState {
  waveNumber: number;
  waveName: string;
  pauseBeforeWave: boolean;
  status: WaveStatus;
  /** How many times a driver claimed this wave's start. */
  startAttempts: number;
  startRequestedAt?: string;
  drsJobId?: string;
  drsJobStatus?: 'PENDING' | 'STARTED' | 'COMPLETED';
  startTime?: string;
  endTime?: string;
  failureReason?: string;
  servers: ServerState[];
}

export interface OperatorRequest {
  requestedBy: Actor;
  requestedAt: string;
  reason?: string;
}

/** What every started execution knows, whatever its status. */
export interface ExecutionCore {
  executionId: string;
  planId: string;
  planName: string;
  executionType: ExecutionType;
  initiatedBy: string;
  accountContext?: AccountContext;
  rtoTargetMinutes?: number;
  /** seq of the last event folded in. */
  version: number;
  startTime: string;
  lastEventAt: string;
  /** The wave in flight, or the last one started; after a resume, the wave about to start. */
  currentWave: number;
  waves: WaveState[];
  executionArn?: string;
  lastPolledAt?: string;
  pauseRequest?: OperatorRequest;
  cancelRequest?: OperatorRequest;
  /** Waves whose pause-before has already been honoured, so a resume does not pause again. */
  pausedBeforeWaves: number[];
  /** Seqs of outcome events whose notification has been recorded. */
  notifiedSeqs: number[];
}

export interface NotStarted {
  status: 'NOT_STARTED';
  version: 0;
}
export interface Running extends ExecutionCore {
  status: 'RUNNING';
}
export interface Paused extends ExecutionCore {
  status: 'PAUSED';
  pausedAt: string;
  afterWave: number;
  nextWave: number;
  pauseReason: 'PAUSE_REQUESTED' | 'PAUSE_BEFORE_WAVE';
}
/** Seq of the event that ended the execution; notifications about it follow it. */
interface Ended {
  endedAtSeq: number;
}
export interface Completed extends ExecutionCore, Ended {
  status: 'COMPLETED';
  endTime: string;
  durationSeconds: number;
}
export interface Failed extends ExecutionCore, Ended {
  status: 'FAILED';
  endTime: string;
  failureReason: string;
}
export interface Cancelled extends ExecutionCore, Ended {
  status: 'CANCELLED';
  endTime: string;
  cancelledBy: Actor;
}

export type StartedExecution = Running | Paused | Completed | Failed | Cancelled;
export type ExecutionState = NotStarted | StartedExecution;
export type TerminalExecution = Completed | Failed | Cancelled;

export const initialState = (): ExecutionState => ({ status: 'NOT_STARTED', version: 0 });

export const isStarted = (state: ExecutionState): state is StartedExecution => state.status !== 'NOT_STARTED';

export const isTerminal = (state: ExecutionState): state is TerminalExecution =>
  state.status === 'COMPLETED' || state.status === 'FAILED' || state.status === 'CANCELLED';

export const waveInFlight = (state: ExecutionCore): WaveState | undefined =>
  state.waves.find((wave) => wave.status === 'STARTING' || wave.status === 'IN_PROGRESS');

export const nextPendingWave = (state: ExecutionCore): WaveState | undefined =>
  state.waves.find((wave) => wave.status === 'PENDING');

export const allWavesCompleted = (state: ExecutionCore): boolean =>
  state.waves.every((wave) => wave.status === 'COMPLETED');
