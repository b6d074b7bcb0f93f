import type { RecoveryPlan } from '../plan';
import type { ServerObservation } from './events';
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
  accountContext?: AccountContext;
}
export interface AttachStateMachine extends Timed {
  type: 'AttachStateMachine';
  executionArn: string;
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
}
export interface RecordWaveStartFailure extends Timed {
  type: 'RecordWaveStartFailure';
  waveNumber: number;
  error: ErrorInfo;
  /** Throttling, 5xx and busy servers are worth another attempt; validation errors are not. */
  retryable: boolean;
}
/** Take over a wave start whose claimant vanished (its lease expired and DRS has no job for it). */
export interface ReclaimWaveStart extends Timed {
  type: 'ReclaimWaveStart';
  waveNumber: number;
}
export interface ObserveWave extends Timed {
  type: 'ObserveWave';
  waveNumber: number;
  drsJobStatus: DrsJobStatus;
  servers: ServerObservation[];
}
export interface RequestPause extends Timed {
  type: 'RequestPause';
  requestedBy: Actor;
}
export interface Resume extends Timed {
  type: 'Resume';
  resumedBy: Actor;
}
export interface RequestCancel extends Timed {
  type: 'RequestCancel';
  requestedBy: Actor;
  reason?: string;
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
  | RequestCancel
  | Finalize
  | Fail
  | RecordNotification;

export type ExecutionCommandType = ExecutionCommand['type'];
