import type { ExecutionStatus, ServerStatus, WaveStatus } from '../wire';

/**
 * How a status looks: a symbol (the CLI's own, so a terminal and the console read alike), a word, and a tone the
 * stylesheet colours. The word and the symbol carry the status on their own; the tone only adds to them. An
 * execution's word is the status itself (RUNNING, PAUSED...), for the banner; a server's or a wave's is in
 * sentence case, narrower and easier to read in a cell of the grid.
 */
export interface StatusLook {
  symbol: string;
  word: string;
  tone: Tone;
}

/** done: blue, active: sky blue, waiting and idle: grey, paused: orange, failed: vermilion, cancelled: purple. */
export type Tone = 'done' | 'active' | 'waiting' | 'idle' | 'paused' | 'failed' | 'cancelled';

const SERVER: Record<ServerStatus, StatusLook> = {
  NOT_STARTED: { symbol: '·', word: 'Not started', tone: 'idle' },
  PENDING: { symbol: '○', word: 'Pending', tone: 'waiting' },
  IN_PROGRESS: { symbol: '◐', word: 'Launching', tone: 'active' },
  LAUNCHED: { symbol: '●', word: 'Launched', tone: 'done' },
  FAILED: { symbol: '✗', word: 'Failed', tone: 'failed' },
  TERMINATED: { symbol: '✗', word: 'Terminated', tone: 'failed' },
};

const WAVE: Record<WaveStatus, StatusLook> = {
  PENDING: { symbol: '·', word: 'Pending', tone: 'idle' },
  STARTING: { symbol: '○', word: 'Starting', tone: 'waiting' },
  IN_PROGRESS: { symbol: '◐', word: 'In progress', tone: 'active' },
  COMPLETED: { symbol: '✔', word: 'Completed', tone: 'done' },
  FAILED: { symbol: '✗', word: 'Failed', tone: 'failed' },
  SKIPPED: { symbol: '⤼', word: 'Skipped', tone: 'cancelled' },
};

const EXECUTION: Record<ExecutionStatus, StatusLook> = {
  RUNNING: { symbol: '◐', word: 'RUNNING', tone: 'active' },
  PAUSED: { symbol: '‖', word: 'PAUSED', tone: 'paused' },
  COMPLETED: { symbol: '✔', word: 'COMPLETED', tone: 'done' },
  FAILED: { symbol: '✗', word: 'FAILED', tone: 'failed' },
  CANCELLED: { symbol: '⊘', word: 'CANCELLED', tone: 'cancelled' },
};

/** A status the console does not know (a newer server): shown as it came, marked unknown, never dropped. */
const unknown = (status: string): StatusLook => ({ symbol: '?', word: status, tone: 'idle' });

const lookUp = <S extends string>(table: Record<S, StatusLook>, status: string): StatusLook =>
  Object.prototype.hasOwnProperty.call(table, status) ? table[status as S] : unknown(status);

export const serverLook = (status: string): StatusLook => lookUp(SERVER, status);
export const waveLook = (status: string): StatusLook => lookUp(WAVE, status);
export const executionLook = (status: string): StatusLook => lookUp(EXECUTION, status);

const TERMINAL: readonly string[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

export const isTerminal = (status: string): boolean => TERMINAL.includes(status);

/** The legend under the grid: each server symbol with its word, in the order a server goes through them. */
export const SERVER_LEGEND: ReadonlyArray<{ symbol: string; word: string }> = (
  ['NOT_STARTED', 'PENDING', 'IN_PROGRESS', 'LAUNCHED', 'FAILED'] as const
).map((status) => ({ symbol: SERVER[status].symbol, word: SERVER[status].word }));
