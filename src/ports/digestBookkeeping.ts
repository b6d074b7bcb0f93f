/** What the digest writer last put in a digest for one execution. */
export interface CoveredHead {
  seq: number;
  hash: string;
  digestSeq: number;
  key: string;
}

/**
 * The digest writer's notes (kept beside the views): where the chain ended, and what each execution's last
 * digest recorded. Only hints to save reads: the writer checks the hint against the bucket, and an execution's
 * end is told sealed only once the digest its note names was read and holds the head. A note that lies can make
 * a schedule skip a head (verification reports an ended execution's end as unsealed, never as valid) or an end
 * be sealed again (with a tamper alarm).
 */
export interface DigestBookkeeping {
  /** The number of the newest digest, as last noted (0 when none). */
  chainHint(): Promise<number>;
  /** Notes a newer digest number (a lower one than noted is ignored). */
  raiseChainHint(digestSeq: number): Promise<void>;
  covered(executionIds: string[]): Promise<Map<string, CoveredHead>>;
  /** Notes the heads a digest recorded (a note for a lower seq than noted is ignored; the same seq in another digest replaces it). */
  recordCovered(entries: Array<CoveredHead & { executionId: string }>): Promise<void>;
}
