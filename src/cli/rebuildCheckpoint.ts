import { z } from 'zod';
import type { ListingCheckpoint } from '../audit';

/**
 * The few file operations the rebuild checkpoint needs, injectable so that a test or a simulator can tear
 * writes and crash between them. `writeFile` answers once the text is durable (the node one fsyncs);
 * `rename` replaces its target atomically; `readFile` answers undefined for a file that does not exist.
 */
export interface CheckpointFs {
  readFile(path: string): Promise<string | undefined>;
  writeFile(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/**
 * Where an interrupted rebuild stands: the listing position to resume from (as the walk reported it) and the
 * execution rebuilt last with the position the listing held it at. A resume first checks the listing still
 * holds that execution there and continues at this resume point: a checkpoint that lost its footing is
 * noticed instead of silently skipping executions.
 */
export interface RebuildCheckpoint extends ListingCheckpoint {
  last: ListingCheckpoint & { executionId: string };
}

export const REBUILD_CHECKPOINT_VERSION = 1;

export type CheckpointRead =
  | { kind: 'none' }
  | { kind: 'saved'; checkpoint: RebuildCheckpoint }
  /** The file is there but cannot be trusted: why, in words for the operator. */
  | { kind: 'unusable'; reason: string };

const position = { pageToken: z.string().min(1).optional(), index: z.number().int().nonnegative() };
const checkpointFile = z.strictObject({
  version: z.literal(REBUILD_CHECKPOINT_VERSION),
  ...position,
  last: z.strictObject({ executionId: z.string().min(1), ...position }),
});

/** The temporary file a save writes before renaming it over the checkpoint: same folder, so the rename is atomic. */
export const temporaryCheckpointPath = (path: string): string => `${path}.saving`;

const withoutUndefined = (value: { pageToken?: string | undefined; index: number }): ListingCheckpoint =>
  value.pageToken === undefined ? { index: value.index } : { pageToken: value.pageToken, index: value.index };

/** Reads and strictly checks the checkpoint at `path`. */
export const readRebuildCheckpoint = async (fs: CheckpointFs, path: string): Promise<CheckpointRead> => {
  const text = await fs.readFile(path);
  if (text === undefined) return { kind: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'unusable', reason: `it is not whole JSON (${text.length} characters: a torn or truncated write)` };
  }
  const checked = checkpointFile.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    return { kind: 'unusable', reason: `it is not a rebuild checkpoint of this version (${where}${issue?.message ?? 'invalid'})` };
  }
  const { last, ...resume } = checked.data;
  return {
    kind: 'saved',
    checkpoint: { ...withoutUndefined(resume), last: { executionId: last.executionId, ...withoutUndefined(last) } },
  };
};

/**
 * Saves the checkpoint so that a crash at any moment leaves either the previous checkpoint or this one,
 * never a torn file: the text goes to a temporary file beside it (durable before the rename), which is then
 * renamed over the checkpoint.
 */
export const saveRebuildCheckpoint = async (fs: CheckpointFs, path: string, checkpoint: RebuildCheckpoint): Promise<void> => {
  const temporary = temporaryCheckpointPath(path);
  await fs.writeFile(temporary, JSON.stringify({ version: REBUILD_CHECKPOINT_VERSION, ...checkpoint }));
  await fs.rename(temporary, path);
};

/** Removes the checkpoint and any temporary file a crashed save left. */
export const clearRebuildCheckpoint = async (fs: CheckpointFs, path: string): Promise<void> => {
  await fs.remove(path);
  await fs.remove(temporaryCheckpointPath(path));
};
