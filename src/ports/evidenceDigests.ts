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

export interface DigestWriteResult {
  /** The digest this call wrote; absent when every head asked for was already in a digest. */
  written?: { digestSeq: number; key: string; location: string; sha256: string; heads: number };
  /** Per execution asked for (and, on a schedule, per running execution): the digest recording its current head. */
  receipts: DigestReceipt[];
}

/**
 * How the execution-handler asks for its heads to be sealed in a digest: it may not sign, so it asks the
 * digest writer (another function, on AWS) and is told where the digest is.
 */
export interface EvidenceDigests {
  seal(executionIds: string[], trigger: DigestTrigger): Promise<DigestWriteResult>;
}
