import type { OperationDeps } from './deps';
import { allIndexPages } from './indexPages';
import { inBatches } from './inBatches';
import { sealHead } from './reactions/sealHead';
import { type CleanupStep, driveCleanup } from './cleanup/driveCleanup';

/** Cleanups driven at once: a few, so that DRS's API rate is left to the polls. */
const CLEANUP_CONCURRENCY = 4;
/**
 * Cleanups one find drives at most: each costs a ledger read and DRS calls, and a find must end well within its
 * invocation's time however many drills ended together; the rest wait for the next minute's find.
 */
export const MAX_CLEANUPS_PER_FIND = 20;

/** A window of the pending cleanups that moves on every minute, so that no cleanup waits behind the same others. */
const windowOf = <T>(pending: T[], now: string): T[] => {
  if (pending.length <= MAX_CLEANUPS_PER_FIND) return pending;
  const start = (Math.floor(Date.parse(now) / 60_000) * MAX_CLEANUPS_PER_FIND) % pending.length;
  return [...pending.slice(start), ...pending.slice(0, start)].slice(0, MAX_CLEANUPS_PER_FIND);
};

export interface CleanupVisit {
  executionId: string;
  planId: string;
  step: CleanupStep | 'ERROR';
}

/**
 * Drives every drill cleanup the views list as pending (a sparse index, no Scan): due keep-alives, terminations to
 * confirm, retries after a failure. The ledger decides each step, so a view that lags, a redelivered find or a
 * second driver costs reads, never a second record of the same outcome.
 */
export const drivePendingCleanups = async (deps: OperationDeps): Promise<CleanupVisit[]> => {
  const list = deps.views.listCleanupPending?.bind(deps.views);
  if (!list) return [];
  const pending = await allIndexPages((pageSize, nextToken) => list(pageSize, nextToken));
  return inBatches(windowOf(pending, deps.now()), CLEANUP_CONCURRENCY, async (target): Promise<CleanupVisit> => {
    try {
      const before = await deps.store.load(target.executionId);
      const { step, loaded } = await driveCleanup(deps, before);
      // Each pass's records are sealed like the end they follow.
      if (loaded.state.version > before.state.version) await sealHead(deps, loaded);
      return { ...target, step };
    } catch (error) {
      deps.log.warn('Driving a drill cleanup failed; the next find retries it', { executionId: target.executionId, error: String(error) });
      return { ...target, step: 'ERROR' };
    }
  });
};
