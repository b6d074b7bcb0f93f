import type { DigestHead, DigestTrigger } from '../domain/digest';
import { identifierProblem } from '../domain/identifier';
import type { DigestArchive } from '../ports/digestArchive';
import type { CoveredHead, DigestBookkeeping } from '../ports/digestBookkeeping';
import type { DigestPublicKey, DigestSigner } from '../ports/digestSigner';
import type { DigestWriteCounts, DigestWriteResult } from '../ports/evidenceDigests';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { RecentExecutions } from '../ports/recentExecutions';
import { appendDigest } from './appendDigest';
import { DigestChainTamperedError } from './chainTampered';
import { confirmNotes, receiptOf } from './confirmNotes';
import { type HeadFinding, headsToSeal } from './headsToSeal';
import { type DigestWriterLog, raiseFindings } from './raiseFindings';
import { scheduledExecutions } from './scheduledExecutions';

export type { DigestWriterLog } from './raiseFindings';

/** A schedule seals at most this many heads in one digest (well under a megabyte); the rest go in the next run's. */
export const MAX_HEADS_PER_SCHEDULED_DIGEST = 5000;

export interface DigestWriterDeps {
  ledger: Pick<ExecutionEventStore, 'head' | 'read'>;
  views: Pick<ExecutionViewStore, 'listRunning'>;
  recent: RecentExecutions;
  /**
   * On a schedule, executions started this many hours ago or later are looked at too, running or not: an end
   * whose seal failed (the writer was down) is sealed by the next schedule.
   */
  lookbackHours: number;
  /** Signs digests; its public half checks the newest digest before the next is chained onto it. */
  signer: DigestSigner & DigestPublicKey;
  archive: DigestArchive;
  book: DigestBookkeeping;
  /** How long each digest stays locked (COMPLIANCE: no one may delete or overwrite it before). */
  retentionDays: number;
  now: () => string;
  /**
   * Raises a tamper alarm for an execution: a head that is not sealed because of what its ledger or the bucket
   * holds, or a note that lied. One that throws is logged and counted; sealing goes on.
   */
  onTamper: (executionId: string, detail: string) => Promise<void>;
  log?: DigestWriterLog;
  /** Default MAX_HEADS_PER_SCHEDULED_DIGEST. */
  maxHeadsPerScheduledDigest?: number;
}

export interface DigestRequest {
  executionIds: string[];
  trigger: DigestTrigger;
}

const notSealed = (findings: HeadFinding[]): HeadFinding[] =>
  findings.map(({ executionId, problem }) => ({ executionId, problem: `Not sealed in a digest: ${problem}` }));

/**
 * The executions asked about, each once. An id the ledger's indexes hold that is not an id of ours is a finding,
 * never a key: a huge one would fail every read of the notes, and so every schedule.
 */
const idsOf = (asked: string[]): { unique: string[]; executionIds: string[]; malformed: HeadFinding[] } => {
  const unique = [...new Set(asked)];
  const executionIds: string[] = [];
  const malformed: HeadFinding[] = [];
  for (const executionId of unique) {
    const problem = identifierProblem('executionId', executionId);
    if (problem === undefined) executionIds.push(executionId);
    else
      malformed.push({ executionId: executionId.slice(0, 256), problem: `its ledger is under an id that is not one of ours (${problem})` });
  }
  return { unique, executionIds, malformed };
};

/** The heads a schedule seals now: those whose last digest is oldest first (never sealed before all), up to `max`. */
const firstInLine = (fresh: DigestHead[], covered: ReadonlyMap<string, CoveredHead>, max: number): DigestHead[] =>
  fresh.length <= max
    ? fresh
    : [...fresh].sort((a, b) => (covered.get(a.executionId)?.digestSeq ?? 0) - (covered.get(b.executionId)?.digestSeq ?? 0)).slice(0, max);

/**
 * Seals ledger heads in the next digest of the chain: those of the executions asked for (and, on a schedule,
 * of every running or recently started one) that moved since their last digest. Safe to repeat and to run
 * concurrently: the digest number is claimed by a write-if-absent in the bucket, and a head already recorded is
 * not written again. Whatever one execution's ledger holds, the others are sealed; each head left out for what
 * its ledger holds raises a tamper alarm (`onTamper`), and so does a bucket tampered with where the chain goes on.
 */
export const writeDigest = async (deps: DigestWriterDeps, request: DigestRequest): Promise<DigestWriteResult> => {
  const { archive, book } = deps;
  const ended = request.trigger === 'ExecutionEnded';
  const asked = ended ? request.executionIds : [...request.executionIds, ...(await scheduledExecutions(deps))];
  const { unique, executionIds, malformed } = idsOf(asked);
  const covered = await book.covered(executionIds);
  const found = await headsToSeal(deps.ledger, executionIds, covered);
  const sorted = { ...found, refused: [...malformed, ...found.refused] };
  for (const { executionId, problem } of sorted.failed) deps.log?.warn('A ledger head could not be read', { executionId, problem });
  const confirmed = ended
    ? await confirmNotes(
        archive,
        deps.signer,
        sorted.unchanged.map((executionId) => ({ executionId, note: covered.get(executionId) as CoveredHead })),
      )
    : { receipts: [], unconfirmed: [] };
  const alarmsNotRaised = await raiseFindings(deps.onTamper, deps.log, [...notSealed(sorted.refused), ...confirmed.unconfirmed]);
  const fresh = [...sorted.fresh, ...confirmed.unconfirmed.map((each) => each.head)];
  const sealing = ended ? fresh : firstInLine(fresh, covered, deps.maxHeadsPerScheduledDigest ?? MAX_HEADS_PER_SCHEDULED_DIGEST);
  const counts = (sealed: number): DigestWriteCounts => ({
    asked: unique.length,
    sealed,
    unchanged: sorted.unchanged.length - confirmed.unconfirmed.length,
    refused: sorted.refused.length,
    failed: sorted.failed.length,
    deferred: fresh.length - sealing.length,
    alarmsNotRaised,
  });
  if (sealing.length === 0) return { receipts: confirmed.receipts, counts: counts(0) };

  let appended;
  try {
    appended = await appendDigest(deps, request.trigger, sealing);
  } catch (error) {
    if (error instanceof DigestChainTamperedError)
      await raiseFindings(deps.onTamper, deps.log, notSealed(sealing.map(({ executionId }) => ({ executionId, problem: error.problem }))));
    throw error;
  }
  const { digestSeq, key, sha256, heads } = appended;
  return {
    written: { digestSeq, key, location: archive.location(key), sha256, heads: heads.length },
    receipts: ended
      ? [...confirmed.receipts, ...heads.map((head) => receiptOf(archive, head.executionId, { ...head, digestSeq, key }))]
      : [],
    counts: counts(heads.length),
  };
};
