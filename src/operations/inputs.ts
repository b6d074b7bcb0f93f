import type { VerifiedIdentity } from '../domain/execution';

/** What names an execution in a request: the execution, and the plan the caller believes it belongs to. */
export interface ExecutionRef {
  executionId: string;
  planId: string;
}

/** An operator's request on an execution (pause, resume or approve, decline, cancel). */
export interface OperatorInput extends ExecutionRef {
  /** Who asks, in the caller's words: the actor of a direct invocation, a claim beside a verified principal. */
  requestedBy: string;
  /** The principal the operator API verified; absent for a direct invocation. */
  identity?: VerifiedIdentity;
  /** No person asks: the local drill's simulated operator (accepted only by a simulated stack's handler). */
  simulated?: boolean;
  reason?: string;
  /** An approval's or a decline's justification, recorded in the ledger. */
  comment?: string;
  /** A change ticket the approval refers to (for example CHG0012345). */
  ticket?: string;
  /** The wave an approval or a decline is meant for; refused when the execution waits before another. */
  waveNumber?: number;
  /** retry_wave: the retry round the caller means to start; a request for another round writes nothing. */
  retryRound?: number;
  /** true: an approval (the approve route); false: a plain resume, which never approves a wave that waits for one. */
  approving?: boolean;
}
