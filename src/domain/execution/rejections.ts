import type { ExecutionState } from './state';

export type CurrentStatus = ExecutionState['status'];

/** Why a command was refused: data, never a thrown string. */
export type Rejection =
  | { kind: 'ExecutionNotFound' }
  | { kind: 'ExecutionAlreadyExists'; currentStatus: CurrentStatus }
  | { kind: 'InvalidState'; currentStatus: CurrentStatus; expected: CurrentStatus[]; message: string }
  | { kind: 'WaveNotInExpectedStatus'; currentStatus: CurrentStatus; waveNumber: number; message: string }
  | { kind: 'InvalidCommand'; currentStatus: CurrentStatus; message: string };

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
