import { type DigestTrigger, digestBytes, digestKey, newDigest, sha256Hex } from '../domain/digest';
import type { DigestArchive } from '../ports/digestArchive';
import type { CoveredHead, DigestBookkeeping } from '../ports/digestBookkeeping';
import type { DigestPublicKey, DigestSigner } from '../ports/digestSigner';
import type { DigestReceipt, DigestWriteResult } from '../ports/evidenceDigests';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { RecentExecutions } from '../ports/recentExecutions';
import { findChainHead } from './chainHead';
import { headsToSeal } from './headsToSeal';

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
  /** A head that does not extend the one the last digest recorded: it is left out, and this is told. */
  onRewrite: (executionId: string, detail: string) => Promise<void>;
}

export interface DigestRequest {
  executionIds: string[];
  trigger: DigestTrigger;
}

/** Writers that lose the race for a digest number read the new head and try again, this many times. */
const MAX_ATTEMPTS = 8;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const RUNNING_PAGE = 100;

const runningExecutions = async (views: DigestWriterDeps['views']): Promise<string[]> => {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await views.listRunning(RUNNING_PAGE, nextToken);
    ids.push(...page.executions.map((execution) => execution.executionId));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return ids;
};

const receipt = (archive: DigestArchive, executionId: string, covered: CoveredHead): DigestReceipt => ({
  executionId,
  seq: covered.seq,
  hash: covered.hash,
  digestSeq: covered.digestSeq,
  key: covered.key,
  location: archive.location(covered.key),
});

/**
 * Seals ledger heads in the next digest of the chain: those of the executions asked for (and, on a schedule,
 * of every running or recently started one) that moved since their last digest. Safe to repeat and to run
 * concurrently: the digest number is claimed by a write-if-absent in the bucket, and a head already recorded is
 * not written again. A ledger that no longer extends its last digest is left out and reported (`onRewrite`).
 */
export const writeDigest = async (deps: DigestWriterDeps, request: DigestRequest): Promise<DigestWriteResult> => {
  const { archive, book } = deps;
  const asked =
    request.trigger === 'Schedule'
      ? [
          ...request.executionIds,
          ...(await runningExecutions(deps.views)),
          ...(await deps.recent.startedSince(new Date(Date.parse(deps.now()) - deps.lookbackHours * HOUR_MS).toISOString())),
        ]
      : request.executionIds;
  const executionIds = [...new Set(asked)];
  const covered = await book.covered(executionIds);
  const { fresh, unchanged, rewritten } = await headsToSeal(deps.ledger, executionIds, covered);
  for (const { executionId, problem } of rewritten) await deps.onRewrite(executionId, problem);
  const receipts = unchanged.map((id) => receipt(archive, id, covered.get(id) as CoveredHead));
  if (fresh.length === 0) return { receipts };

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const previous = await findChainHead(archive, book, deps.signer);
    const digestSeq = (previous?.digestSeq ?? 0) + 1;
    const createdAt = deps.now();
    const document = newDigest({ digestSeq, createdAt, trigger: request.trigger, keyId: deps.signer.keyId, previous, heads: fresh });
    const bytes = digestBytes(document);
    const sha256 = sha256Hex(bytes);
    const signature = await deps.signer.signSha256(Buffer.from(sha256, 'hex'));
    const key = digestKey(archive.prefix, digestSeq);
    const retainUntil = new Date(Date.parse(createdAt) + deps.retentionDays * DAY_MS).toISOString();
    if (!(await archive.putIfAbsent(key, bytes, signature, retainUntil))) continue;
    await book.raiseChainHint(digestSeq);
    const notes = document.heads.map((head) => ({ ...head, digestSeq, key }));
    await book.recordCovered(notes);
    return {
      written: { digestSeq, key, location: archive.location(key), sha256, heads: document.heads.length },
      receipts: [...receipts, ...notes.map((note) => receipt(archive, note.executionId, note))],
    };
  }
  throw new Error(`Could not claim a digest number in ${MAX_ATTEMPTS} attempts: other writers kept taking them`);
};
