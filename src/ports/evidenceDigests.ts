import type { DigestTrigger } from '../domain/digest';

/** The digest that records an execution's ledger head. */
export interface DigestReceipt {
  executionId: string;
  /** The head it records. */
  seq: number;
  hash: string;
  digestSeq: number;
  key: string;
  /** `s3://bucket/key` */
  location: string;
}

/** What one call did with the executions it looked at. */
export interface DigestWriteCounts {
  /** Executions looked at (asked for, and on a schedule every running and recent one). */
  asked: number;
  /** Heads written in the digest of this call. */
  sealed: number;
  /** Heads a digest already held. */
  unchanged: number;
  /** Heads not sealed because of what the ledger holds (each a tamper alarm). */
  refused: number;
  /** Executions whose ledger could not be read: the next run tries again. */
  failed: number;
  /** Fresh heads left for the next schedule (a digest holds at most so many). */
  deferred: number;
  /** Tamper alarms that could not be raised (logged). */
  alarmsNotRaised: number;
}

export interface DigestWriteResult {
  /** The digest this call wrote; absent when every head asked for was already in a digest. */
  written?: { digestSeq: number; key: string; location: string; sha256: string; heads: number };
  /**
   * For an execution's end: per execution asked for, the digest recording its current head (confirmed against the
   * digest itself). A schedule answers none (its counts only), which keeps its answer small whatever it sealed.
   */
  receipts: DigestReceipt[];
  counts?: DigestWriteCounts;
}

/**
 * How the execution-handler asks for its heads to be sealed in a digest: it may not sign, so it asks the
 * digest writer (another function, on AWS) and is told where the digest is. `signal` bounds the wait: an end is
 * never held up long by its evidence.
 */
export interface EvidenceDigests {
  seal(executionIds: string[], trigger: DigestTrigger, options?: { signal?: AbortSignal }): Promise<DigestWriteResult>;
}
