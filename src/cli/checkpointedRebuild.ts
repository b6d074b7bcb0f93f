import {
  type ListedExecution,
  listExecutionsFrom,
  type ListingCheckpoint,
  type RebuildDeps,
  type RebuildResult,
  rebuildViews,
} from '../audit';
import { isInvalidNextToken } from '../adapters/dynamodb/pageToken';
import {
  type CheckpointFs,
  clearRebuildCheckpoint,
  readRebuildCheckpoint,
  type RebuildCheckpoint,
  saveRebuildCheckpoint,
} from './rebuildCheckpoint';

/** Executions per listing page; a checkpoint's positions are only meaningful with the page size that made them. */
export const REBUILD_PAGE_SIZE = 100;

/** fresh: no checkpoint; resume: after the execution it names; start-over: it was there but cannot be trusted. */
export type RebuildStart =
  { kind: 'fresh' } | { kind: 'resume'; after: string; from: ListingCheckpoint } | { kind: 'start-over'; reason: string };

const positionOf = (checkpoint: { pageToken?: string; index: number }): ListingCheckpoint =>
  checkpoint.pageToken === undefined ? { index: checkpoint.index } : { pageToken: checkpoint.pageToken, index: checkpoint.index };

const described = ({ pageToken, index }: ListingCheckpoint): string =>
  `index ${index} of ${pageToken === undefined ? 'the first' : 'a later'} page`;

const samePosition = (a: ListingCheckpoint, b: ListingCheckpoint): boolean => a.index === b.index && a.pageToken === b.pageToken;

/**
 * Whether the saved checkpoint still stands on the listing: the execution it says was rebuilt last is where
 * the listing had it, and its resume point is the one right after it. Anything else (an index past the end,
 * another execution there, a page token the listing refuses) would skip executions unseen if trusted.
 */
const footing = async (ledger: RebuildDeps['ledger'], pageSize: number, { last, ...resume }: RebuildCheckpoint): Promise<RebuildStart> => {
  let listed: ListedExecution | undefined;
  try {
    for await (const execution of listExecutionsFrom(ledger, pageSize, positionOf(last))) {
      listed = execution;
      break;
    }
  } catch (error) {
    if (!isInvalidNextToken(error)) throw error;
    return { kind: 'start-over', reason: `the ledger's listing refuses its page token (${error.message})` };
  }
  const where = described(positionOf(last));
  // A walk from an index past its page's end moves on to the next page: what it lists first is then elsewhere.
  if (!listed || !samePosition(listed.at, positionOf(last))) {
    return { kind: 'start-over', reason: `the listing holds no execution at ${where}, where ${last.executionId} was rebuilt last` };
  }
  if (listed.executionId !== last.executionId) {
    return {
      kind: 'start-over',
      reason: `the listing holds ${listed.executionId} at ${where}, not ${last.executionId}, which was rebuilt last`,
    };
  }
  if (!samePosition(listed.after, positionOf(resume))) {
    return {
      kind: 'start-over',
      reason: `its resume point (${described(positionOf(resume))}) is not the one right after ${last.executionId} (${described(listed.after)})`,
    };
  }
  return { kind: 'resume', after: last.executionId, from: listed.after };
};

/** Where a rebuild over every execution starts, given the checkpoint file at `path`. */
export const rebuildStart = async (
  fs: CheckpointFs,
  path: string,
  ledger: RebuildDeps['ledger'],
  pageSize = REBUILD_PAGE_SIZE,
): Promise<RebuildStart> => {
  const read = await readRebuildCheckpoint(fs, path);
  if (read.kind === 'none') return { kind: 'fresh' };
  if (read.kind === 'unusable') return { kind: 'start-over', reason: read.reason };
  return footing(ledger, pageSize, read.checkpoint);
};

export interface CheckpointedRebuildOptions {
  fs: CheckpointFs;
  /** The checkpoint file. */
  path: string;
  /** Forget any checkpoint: every execution from the start. */
  restart?: boolean;
  pageSize?: number;
  /** Stops before the next execution; the checkpoint saved after the last one done stays for the next run. */
  signal?: AbortSignal;
  /** One line for the operator (no newline): a resume, or why a checkpoint found is not used. */
  say: (line: string) => void;
}

export interface CheckpointedRebuildResult extends RebuildResult {
  start: RebuildStart;
}

/**
 * Rebuilds every execution's view, saving a checkpoint after each and resuming from one a previous run left.
 * A checkpoint that cannot be read or no longer stands on the listing is named on the output and the rebuild
 * starts over: refolding a view again is harmless, skipping one is not.
 */
export const rebuildFromCheckpoint = async (deps: RebuildDeps, options: CheckpointedRebuildOptions): Promise<CheckpointedRebuildResult> => {
  const { fs, path, say } = options;
  const pageSize = options.pageSize ?? REBUILD_PAGE_SIZE;
  if (options.restart) await clearRebuildCheckpoint(fs, path);
  const start = await rebuildStart(fs, path, deps.ledger, pageSize);
  if (start.kind === 'resume') say(`Resuming an interrupted rebuild after ${start.after} (--restart to start over)`);
  if (start.kind === 'start-over')
    say(`Not resuming from the rebuild checkpoint ${path}: ${start.reason}; rebuilding every execution from the start`);
  const result = await rebuildViews(deps, {
    pageSize,
    ...(start.kind === 'resume' ? { checkpoint: start.from } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: async ({ executionId, checkpoint, position }) => {
      if (checkpoint && position) await saveRebuildCheckpoint(fs, path, { ...checkpoint, last: { executionId, ...position } });
    },
  });
  if (result.completed) await clearRebuildCheckpoint(fs, path);
  return { ...result, start };
};
