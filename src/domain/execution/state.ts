import type { ApprovalRule } from '../plan';
import type { ApprovalWait, PauseReason } from './events';
import type { VerifiedIdentity } from './identity';
import type { AccountContext, Actor, DrsJobStatus, ExecutionType, LaunchStatus, WaveStatus } from './vocabulary';

/** DRS's user guide: 100 source servers per launch (quota "Max source servers in a single Job"). */
export const DEFAULT_SERVERS_PER_JOB = 100;
/** StartRecovery's `sourceServers` takes at most 200 items: no quota raises a job above it. */
export const MAX_SERVERS_PER_JOB = 200;

/** One DRS job of a wave, as the ledger recorded it. */
export interface WaveJob {
  /** Which slice of the wave's servers (1-based): servers (part-1)*serversPerJob onward. */
  part: number;
  drsJobId: string;
  drsJobStatus: DrsJobStatus;
  /** When the ledger first saw the job COMPLETED. */
  completedAt?: string;
}

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
  /** The plan marks the server optional: its failure does not fail the wave. */
  optional?: true;
  /** The latest retry round that relaunches this server (a wave holds at most 200 servers). */
  retry?: number;
}

export interface WaveState {
  waveNumber: number;
  waveName: string;
  pauseBeforeWave: boolean;
  /** Who must let the wave start (the execution pauses before it); absent when nobody need. */
  approval?: ApprovalRule;
  status: WaveStatus;
  /** How many times a driver claimed this wave's start. */
  startAttempts: number;
  /** When the claim was made, or renewed by the claimant recording one of the wave's jobs. */
  startRequestedAt?: string;
  /** The wave's first job (the contract's one job per wave). */
  drsJobId?: string;
  /** The least advanced of the wave's jobs; PENDING while a job is yet to start. */
  drsJobStatus?: 'PENDING' | 'STARTED' | 'COMPLETED';
  /** The jobs recorded so far, by part. Absent in snapshots of early ledgers: see jobsOf. */
  jobs?: WaveJob[];
  /** Start attempts DRS refused for lack of room: they do not count against MAX_WAVE_START_ATTEMPTS. */
  capacityWaits?: number;
  /** Since when the wave has waited for room in DRS without starting a job. */
  waitingForCapacitySince?: string;
  startTime?: string;
  endTime?: string;
  failureReason?: string;
  /** Servers seen LAUNCHED whose recovery point could not be read yet: polls read them again while above 0. */
  recoveryPointsMissing?: number;
  servers: ServerState[];
  /** The retry round under way or last done (1-based): its jobs launch only the servers marked with it. */
  retryRound?: number;
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
  /** The principal the operator API verified for the start; absent when the start was a direct invocation. */
  initiatedByPrincipal?: string;
  accountContext?: AccountContext;
  rtoTargetMinutes?: number;
  /** The recovery "as of" this instant (ExecutionStarted's recoverAsOf). */
  recoverAsOf?: string;
  /** Servers per DRS job; absent in early ledgers (one job per wave, at most MAX_SERVERS_PER_JOB). */
  serversPerJob?: number;
  /** seq of the last event folded in. */
  version: number;
  startTime: string;
  lastEventAt: string;
  /** The wave in flight, or the last one started; after a resume, the wave about to start. */
  currentWave: number;
  waves: WaveState[];
  executionArn?: string;
  /** executionArn's generation when above 0: its state machine continued as new that many times. */
  stateMachineGeneration?: number;
  lastPolledAt?: string;
  pauseRequest?: OperatorRequest;
  cancelRequest?: OperatorRequest;
  /** Waves whose pause-before has already been honoured, so a resume does not pause again. */
  pausedBeforeWaves: number[];
  /** Seqs of outcome events whose notification has been recorded. */
  notifiedSeqs: number[];
  /** Seq of the latest ExecutionPaused: the pause a state machine's resume token belongs to. */
  lastPauseSeq?: number;
  /** SHA-256 of the task token attached for lastPauseSeq: the only token ever redeemed for it. */
  resumeTokenSha256?: string;
  /** The plan's onWaveFailure when PAUSE: a failed wave pauses the execution instead of failing it. */
  onWaveFailure?: 'PAUSE';
  /** A DRILL's keep-alive after its end, in minutes (the start request's, else the plan's); absent: 0. */
  keepAliveMinutes?: number;
  /** A DRILL's cleanup after its end, once started (cleanup.ts): scalars only, the instance ids are in the events. */
  cleanup?: CleanupState;
}

export interface CleanupState {
  /** WAITING for the keep-alive, TERMINATING (requested, not all confirmed gone), FAILED (a retry is due), COMPLETED. */
  status: 'WAITING' | 'TERMINATING' | 'FAILED' | 'COMPLETED';
  dueAt: string;
  /** Termination attempts so far. */
  attempts: number;
  /** Failures since the last request that was not followed by one, or since the last long pause. */
  failuresInStreak: number;
  failures: number;
  /** When the last termination was requested: confirmation is expected within CLEANUP_CONFIRM_WITHIN_MS. */
  requestedAt?: string;
  nextAttemptAt?: string;
  /** Instance ids in termination requests, and in records of instances gone (a repeat counts again). */
  requested: number;
  gone: number;
  /** Given up after MAX_CLEANUP_STREAKS streaks of failures: an operator must clean up by hand. */
  abandoned?: boolean;
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
  pauseReason: PauseReason;
  /** The approval the next wave waits for, when it requires one. */
  approval?: ApprovalWait;
  /**
   * The approval recorded for that wave whose resume is not recorded yet (the decision lost its next write to
   * another writer, or stopped): the next decision on the execution resumes it, in the approver's name.
   */
  approvalGranted?: { actor: Actor; identity: VerifiedIdentity };
  /** Refused approval attempts of verified principals recorded during this pause (at most MAX_RECORDED_REFUSALS). */
  approvalRefusals?: number;
  /** Refused approval attempts of unverified callers recorded during this pause (at most MAX_RECORDED_UNVERIFIED_REFUSALS). */
  unverifiedRefusals?: number;
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

export const nextPendingWave = (state: ExecutionCore): WaveState | undefined => state.waves.find((wave) => wave.status === 'PENDING');

/** Every wave completed, or failed and was skipped by an operator. */
export const allWavesCompleted = (state: ExecutionCore): boolean =>
  state.waves.every((wave) => wave.status === 'COMPLETED' || wave.status === 'SKIPPED');

/** The servers the wave's current round launches: all of them, or, in a retry round, those it relaunches. */
export const roundServers = (wave: Pick<WaveState, 'servers' | 'retryRound'>): ServerState[] =>
  wave.retryRound === undefined ? wave.servers : wave.servers.filter((server) => server.retry === wave.retryRound);

export const serversPerJobOf = (core: Pick<ExecutionCore, 'serversPerJob'>): number => core.serversPerJob ?? MAX_SERVERS_PER_JOB;

/** How many DRS jobs the wave takes. */
export const jobCount = (core: Pick<ExecutionCore, 'serversPerJob'>, wave: Pick<WaveState, 'servers' | 'retryRound'>): number =>
  Math.max(1, Math.ceil(roundServers(wave).length / serversPerJobOf(core)));

/** The wave's servers that `part` launches. */
export const serversOfPart = (
  core: Pick<ExecutionCore, 'serversPerJob'>,
  wave: Pick<WaveState, 'servers' | 'retryRound'>,
  part: number,
): ServerState[] => {
  const size = serversPerJobOf(core);
  return roundServers(wave).slice((part - 1) * size, part * size);
};

/** The wave's recorded jobs; a snapshot written before waves had several jobs holds only drsJobId. */
export const jobsOf = (wave: WaveState): WaveJob[] =>
  wave.jobs ?? (wave.drsJobId ? [{ part: 1, drsJobId: wave.drsJobId, drsJobStatus: wave.drsJobStatus ?? 'PENDING' }] : []);

/** Parts of the wave with no job on record yet, in order. */
export const partsWithoutJob = (core: Pick<ExecutionCore, 'serversPerJob'>, wave: WaveState): number[] => {
  const recorded = new Set(jobsOf(wave).map((job) => job.part));
  return Array.from({ length: jobCount(core, wave) }, (_, index) => index + 1).filter((part) => !recorded.has(part));
};
