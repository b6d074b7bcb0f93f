import type { ExecutionState } from './state';

export type CurrentStatus = ExecutionState['status'];

/** Why a command was refused: data, never a thrown string. */
export type Rejection =
  | { kind: 'ExecutionNotFound' }
  | { kind: 'ExecutionAlreadyExists'; currentStatus: CurrentStatus }
  | { kind: 'InvalidState'; currentStatus: CurrentStatus; expected: CurrentStatus[]; message: string }
  | { kind: 'WaveNotInExpectedStatus'; currentStatus: CurrentStatus; waveNumber: number; message: string }
  | { kind: 'InvalidCommand'; currentStatus: CurrentStatus; message: string }
  /** Someone not allowed tried to approve or decline; `recorded`: the attempt is in the ledger (ApprovalRefused). */
  | { kind: 'ApprovalRefused'; currentStatus: CurrentStatus; waveNumber: number; message: string; recorded: boolean }
  /** A plain resume of a pause that waits for approval: the approver must approve (and say why). */
  | { kind: 'ApprovalRequired'; currentStatus: CurrentStatus; waveNumber: number; message: string }
  /** A field the command needs in this state is missing (an approval's comment). */
  | { kind: 'MissingParameter'; currentStatus: CurrentStatus; parameter: string; message: string }
  /** A retry while the wave's earlier DRS jobs may still launch its servers: wait for DRS to finish them. */
  | { kind: 'WaveJobsStillRunning'; currentStatus: CurrentStatus; waveNumber: number; drsJobIds: string[]; message: string }
  /** The pause already holds a state machine's task token: a second one is never accepted. */
  | { kind: 'ResumeTokenAlreadyAttached'; currentStatus: CurrentStatus; pauseSeq: number; message: string };

export type RejectionKind = Rejection['kind'];

const article = (expected: CurrentStatus[]): string => expected.join(' or ');

/** The contract's wording: "Cannot resume execution in RUNNING state. Expected PAUSED state." */
export const invalidState = (verb: string, state: ExecutionState, expected: CurrentStatus[]): Rejection => ({
  kind: 'InvalidState',
  currentStatus: state.status,
  expected,
  message: `Cannot ${verb} execution in ${state.status} state. Expected ${article(expected)} state.`,
});

export const invalidCommand = (state: ExecutionState, message: string): Rejection => ({
  kind: 'InvalidCommand',
  currentStatus: state.status,
  message,
});
