/** What the digest writer last put in a digest for one execution. */
export interface CoveredHead {
  seq: number;
  hash: string;
  digestSeq: number;
  key: string;
}

/**
 * The digest writer's notes (kept beside the views): where the chain ended, and what each execution's last
 * digest recorded. Only hints to save reads: the writer checks the hint against the bucket, and a note that
 * lies can only make it write a head again or skip one, which verification reports as uncovered, never as valid.
 */
export interface DigestBookkeeping {
  /** The number of the newest digest, as last noted (0 when none). */
  chainHint(): Promise<number>;
  /** Notes a newer digest number (a lower one than noted is ignored). */
  raiseChainHint(digestSeq: number): Promise<void>;
  covered(executionIds: string[]): Promise<Map<string, CoveredHead>>;
  /** Notes the heads a digest recorded (a note for a lower seq than noted is ignored). */
  recordCovered(entries: Array<CoveredHead & { executionId: string }>): Promise<void>;
}
