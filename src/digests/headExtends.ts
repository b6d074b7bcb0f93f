import type { CoveredHead } from '../ports/digestBookkeeping';
import type { ExecutionEventStore } from '../ports/executionEventStore';

/**
 * Why the ledger as it now stands does not extend what the last digest recorded (undefined when it does):
 * the recorded item must still have its hash, and every later item must link onto the one before. A ledger
 * rewritten since its last digest is never sealed as if it had grown.
 */
export const headExtends = async (
  ledger: Pick<ExecutionEventStore, 'read'>,
  executionId: string,
  last: CoveredHead,
): Promise<string | undefined> => {
  const events = await ledger.read(executionId, { fromSeq: last.seq });
  const [first, ...rest] = events;
  if (!first || first.event.seq !== last.seq) return `item ${last.seq}, recorded in digest #${last.digestSeq}, is gone`;
  if (first.hash !== last.hash)
    return `item ${last.seq} has hash ${first.hash}, not ${last.hash} as digest #${last.digestSeq} recorded: rewritten since`;
  let previous = first;
  for (const stored of rest) {
    if (stored.event.seq !== previous.event.seq + 1 || stored.prevHash !== previous.hash)
      return `item ${stored.event.seq} does not link onto item ${previous.event.seq}`;
    previous = stored;
  }
  return undefined;
};
