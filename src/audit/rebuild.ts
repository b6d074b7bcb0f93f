import type { ExecutionView } from '../../projections/executionView';
import { isProjectionError, projectExecutionView } from '../../projections/projectExecutionView';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import { diffPaths } from './diffPaths';
import { ledgerPages } from './ledgerPages';
import { type ListingCheckpoint, listExecutionsFrom } from './executionListing';

export interface RebuildDeps {
  ledger: Pick<ExecutionEventStore, 'read' | 'readPages' | 'listExecutions'>;
  views: Pick<ExecutionViewStore, 'read' | 'put'>;
}

/** created: there was no view; replaced: the stored one differed; conflict: other writers kept moving it. */
export type RebuildOutcome = 'created' | 'replaced' | 'unchanged' | 'conflict' | 'unreplayable' | 'not-found';

export interface RebuildProgress {
  executionId: string;
  outcome: RebuildOutcome;
  /** Save this to resume after this execution (absent when rebuilding a single execution). */
  checkpoint?: ListingCheckpoint;
  /** Where the listing held this execution (absent when rebuilding a single execution). */
  position?: ListingCheckpoint;
}

export interface RebuildOptions {
  /** Only this execution; otherwise every execution the ledger lists. */
  executionId?: string;
  /** Resume a walk over every execution where a previous run stopped. */
  checkpoint?: ListingCheckpoint;
  /** Executions per listing page (default 100). */
  pageSize?: number;
  /** Called after each execution, in order, with the checkpoint to resume from. */
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  /** Stops before the next execution; the result then carries the checkpoint to resume from. */
  signal?: AbortSignal;
  /** View writes lost to concurrent writers before giving up on an execution (default 5). */
  maxWriteAttempts?: number;
}

export interface RebuildResult {
  /** False when stopped by the signal: resume with `checkpoint`. */
  completed: boolean;
  checkpoint?: ListingCheckpoint;
  counts: Record<RebuildOutcome, number>;
  /** Executions whose ledger could not be replayed, or whose view kept moving, with why. */
  problems: Array<{ executionId: string; outcome: RebuildOutcome; detail: string }>;
}

const emptyCounts = (): Record<RebuildOutcome, number> => ({
  created: 0,
  replaced: 0,
  unchanged: 0,
  conflict: 0,
  unreplayable: 0,
  'not-found': 0,
});

/**
 * Refolds one execution's view from the ledger and writes it over whatever is stored, with the store's
 * conditional put over what it read: a view with the same seq but wrong content is replaced (only its parts
 * that differ are written), one whose stored parts disagree is repaired, and a projector that moves the view
 * meanwhile makes the write lose and the fold start again from the ledger.
 */
export const rebuildView = async (
  deps: RebuildDeps,
  executionId: string,
  maxWriteAttempts = 5,
): Promise<{ outcome: RebuildOutcome; detail?: string }> => {
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt += 1) {
    const stored = await deps.views.read(executionId);
    let rebuilt: ExecutionView | undefined;
    try {
      for await (const page of ledgerPages(deps.ledger, executionId))
        for (const { event } of page) rebuilt = projectExecutionView(rebuilt, event);
    } catch (error) {
      if (!isProjectionError(error)) throw error;
      return { outcome: 'unreplayable', detail: error.message };
    }
    if (!rebuilt) return { outcome: 'not-found', detail: 'the ledger holds no event for this execution' };
    if (stored?.view && diffPaths(stored.view, rebuilt).length === 0) return { outcome: 'unchanged' };
    if (await deps.views.put(rebuilt, stored)) return { outcome: stored ? 'replaced' : 'created' };
  }
  return { outcome: 'conflict', detail: `the view kept moving during ${maxWriteAttempts} attempts` };
};

/**
 * Rebuilds the executions read model from the ledger: one execution, or all of them page by page,
 * resumable from the checkpoint reported after each execution (or returned when stopped by `signal`).
 */
export const rebuildViews = async (deps: RebuildDeps, options: RebuildOptions = {}): Promise<RebuildResult> => {
  const counts = emptyCounts();
  const problems: RebuildResult['problems'] = [];
  const record = async (executionId: string, listed?: { checkpoint: ListingCheckpoint; position: ListingCheckpoint }) => {
    const { outcome, detail } = await rebuildView(deps, executionId, options.maxWriteAttempts);
    counts[outcome] += 1;
    if (detail !== undefined) problems.push({ executionId, outcome, detail });
    await options.onProgress?.({ executionId, outcome, ...listed });
  };

  if (options.executionId !== undefined) {
    await record(options.executionId);
    return { completed: true, counts, problems };
  }
  let checkpoint = options.checkpoint;
  for await (const listed of listExecutionsFrom(deps.ledger, options.pageSize ?? 100, checkpoint)) {
    if (options.signal?.aborted) return { completed: false, ...(checkpoint ? { checkpoint } : {}), counts, problems };
    await record(listed.executionId, { checkpoint: listed.after, position: listed.at });
    checkpoint = listed.after;
  }
  return { completed: true, ...(checkpoint ? { checkpoint } : {}), counts, problems };
};
