import { type DigestHead, digestHeadProblem } from '../domain/digest';
import type { CoveredHead } from '../ports/digestBookkeeping';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import { LedgerIntegrityError, MalformedEventItemError } from '../ports/ledgerErrors';
import { headExtends } from './headExtends';

/** Heads read at once: a schedule over hundreds of executions takes seconds, not minutes. */
const READ_CONCURRENCY = 8;
/** How much of an error's text goes into an alarm or a log line. */
const ERROR_TEXT = 300;

/** One execution the writer was asked about, and why its head is not sealed. */
export interface HeadFinding {
  executionId: string;
  problem: string;
}

export interface HeadsToSeal {
  /** Heads that moved on from their last digest (or were never in one), each extending what was recorded. */
  fresh: DigestHead[];
  /** Executions whose current head is the one their last digest recorded. */
  unchanged: string[];
  /**
   * Executions whose head is not sealed because of what the ledger holds: rewritten since its last digest, no
   * readable head, a head no digest could carry, an item that is not one of ours. Each is a tamper alarm.
   */
  refused: HeadFinding[];
  /** Executions whose ledger could not be read (the table failed to answer): not sealed now, the next run tries again. */
  failed: HeadFinding[];
}

type Verdict =
  { kind: 'fresh'; head: DigestHead } | { kind: 'unchanged' } | { kind: 'refused'; problem: string } | { kind: 'failed'; problem: string };

const errorText = (error: unknown): string => String(error).slice(0, ERROR_TEXT);

const verdictOf = async (
  ledger: Pick<ExecutionEventStore, 'head' | 'read'>,
  executionId: string,
  last: CoveredHead | undefined,
): Promise<Verdict> => {
  const found = await ledger.head(executionId);
  // The schedule's indexes and the execution-handler name executions that exist: one without a head is not empty.
  if (!found)
    return {
      kind: 'refused',
      problem: last
        ? `the ledger is gone; digest #${last.digestSeq} recorded seq ${last.seq}`
        : 'no readable ledger head (no item, or its newest item has no hash)',
    };
  const head: DigestHead = { executionId, seq: found.seq, hash: found.hash };
  // Signed as given, a head verifiers refuse would make the whole digest, and so the chain from it on, unverifiable.
  const malformed = digestHeadProblem(head);
  if (malformed) return { kind: 'refused', problem: `its ledger head cannot go into a digest (${malformed})` };
  if (last && head.seq === last.seq && head.hash === last.hash) return { kind: 'unchanged' };
  const problem = last ? await headExtends(ledger, executionId, last) : undefined;
  return problem ? { kind: 'refused', problem } : { kind: 'fresh', head };
};

/** One execution's verdict; what its ledger holds never keeps the others from being sealed. */
const settledVerdictOf = async (...args: Parameters<typeof verdictOf>): Promise<Verdict> => {
  try {
    return await verdictOf(...args);
  } catch (error) {
    if (error instanceof MalformedEventItemError || error instanceof LedgerIntegrityError)
      return { kind: 'refused', problem: `its ledger holds an item that cannot be read as ours (${errorText(error)})` };
    return { kind: 'failed', problem: `its ledger could not be read (${errorText(error)})` };
  }
};

/** Sorts the executions by what their ledger head is to the digest chain now. */
export const headsToSeal = async (
  ledger: Pick<ExecutionEventStore, 'head' | 'read'>,
  executionIds: string[],
  covered: ReadonlyMap<string, CoveredHead>,
): Promise<HeadsToSeal> => {
  const sorted: HeadsToSeal = { fresh: [], unchanged: [], refused: [], failed: [] };
  for (let start = 0; start < executionIds.length; start += READ_CONCURRENCY) {
    const batch = executionIds.slice(start, start + READ_CONCURRENCY);
    const verdicts = await Promise.all(batch.map((executionId) => settledVerdictOf(ledger, executionId, covered.get(executionId))));
    verdicts.forEach((verdict, index) => {
      const executionId = batch[index] as string;
      if (verdict.kind === 'fresh') sorted.fresh.push(verdict.head);
      else if (verdict.kind === 'unchanged') sorted.unchanged.push(executionId);
      else sorted[verdict.kind].push({ executionId, problem: verdict.problem });
    });
  }
  return sorted;
};
