import type { RecoveryPlan } from '../plan';
import type { AccountContext, Actor, DrsJobStatus, ErrorInfo, ExecutionType, LaunchStatus } from './vocabulary';

export const SCHEMA_VERSION = 1;

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
  /** DRS's words when a launch fails, kept for the evidence report. */
  failureReason?: string;
}

export type ExecutionStarted = EventEnvelope<
  'ExecutionStarted',
  {
    /** The plan as it was when the execution started: replay needs nothing but the ledger. */
    plan: RecoveryPlan;
    executionType: ExecutionType;
    initiatedBy: string;
    accountContext?: AccountContext;
  }
>;
export type StateMachineAttached = EventEnvelope<'StateMachineAttached', { executionArn: string }>;
/** A driver claimed the start of a wave: only the writer of this event calls DRS StartRecovery. */
export type WaveStartRequested = EventEnvelope<'WaveStartRequested', { waveNumber: number; attempt: number }>;
export type WaveStarted = EventEnvelope<
  'WaveStarted',
  { waveNumber: number; drsJobId: string; servers: ServerObservation[] }
>;
export type WaveStartFailed = EventEnvelope<
  'WaveStartFailed',
  { waveNumber: number; attempt: number; error: ErrorInfo; retryable: boolean }
>;
/** A DescribeJobs observation that changed something; `servers` holds only the servers that changed. */
export type WavePolled = EventEnvelope<
  'WavePolled',
  { waveNumber: number; drsJobStatus: DrsJobStatus; servers: ServerObservation[] }
>;
export type WaveCompleted = EventEnvelope<'WaveCompleted', { waveNumber: number }>;
export type WaveFailed = EventEnvelope<
  'WaveFailed',
  { waveNumber: number; reason: string; failedServers: ServerObservation[] }
>;
export type PauseRequested = EventEnvelope<'PauseRequested', { requestedBy: Actor }>;
export type ExecutionPaused = EventEnvelope<
  'ExecutionPaused',
  { afterWave: number; nextWave: number; reason: 'PAUSE_REQUESTED' | 'PAUSE_BEFORE_WAVE' }
>;
export type ExecutionResumed = EventEnvelope<'ExecutionResumed', { resumedBy: Actor; nextWave: number }>;
export type CancelRequested = EventEnvelope<'CancelRequested', { requestedBy: Actor; reason?: string }>;
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
  | NotificationFailed;

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
];

export type EventOf<T extends ExecutionEventType> = Extract<ExecutionEvent, { type: T }>;
