import type { DigestHead } from '../domain/digest';
import type { CoveredHead } from '../ports/digestBookkeeping';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import { headExtends } from './headExtends';

/** Heads read at once: a schedule over hundreds of executions takes seconds, not minutes. */
const READ_CONCURRENCY = 8;

export interface HeadsToSeal {
  /** Heads that moved on from their last digest (or were never in one), each extending what was recorded. */
  fresh: DigestHead[];
  /** Executions whose current head is the one their last digest recorded. */
  unchanged: string[];
  /** Executions whose ledger no longer extends what their last digest recorded, and why. */
  rewritten: Array<{ executionId: string; problem: string }>;
}

type Verdict = { kind: 'fresh'; head: DigestHead } | { kind: 'unchanged' } | { kind: 'rewritten'; problem: string } | { kind: 'empty' };

const verdictOf = async (
  ledger: Pick<ExecutionEventStore, 'head' | 'read'>,
  executionId: string,
  last: CoveredHead | undefined,
): Promise<Verdict> => {
  const head = await ledger.head(executionId);
  if (!head)
    return last
      ? { kind: 'rewritten', problem: `the ledger is gone; digest #${last.digestSeq} recorded seq ${last.seq}` }
      : { kind: 'empty' };
  if (last && head.seq === last.seq && head.hash === last.hash) return { kind: 'unchanged' };
  const problem = last ? await headExtends(ledger, executionId, last) : undefined;
  return problem ? { kind: 'rewritten', problem } : { kind: 'fresh', head: { executionId, seq: head.seq, hash: head.hash } };
};

/** Sorts the executions by what their ledger head is to the digest chain now. */
export const headsToSeal = async (
  ledger: Pick<ExecutionEventStore, 'head' | 'read'>,
  executionIds: string[],
  covered: ReadonlyMap<string, CoveredHead>,
): Promise<HeadsToSeal> => {
  const sorted: HeadsToSeal = { fresh: [], unchanged: [], rewritten: [] };
  for (let start = 0; start < executionIds.length; start += READ_CONCURRENCY) {
    const batch = executionIds.slice(start, start + READ_CONCURRENCY);
    const verdicts = await Promise.all(batch.map((executionId) => verdictOf(ledger, executionId, covered.get(executionId))));
    verdicts.forEach((verdict, index) => {
      const executionId = batch[index] as string;
      if (verdict.kind === 'fresh') sorted.fresh.push(verdict.head);
      else if (verdict.kind === 'unchanged') sorted.unchanged.push(executionId);
      else if (verdict.kind === 'rewritten') sorted.rewritten.push({ executionId, problem: verdict.problem });
    });
  }
  return sorted;
};
