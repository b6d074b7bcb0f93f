/**
 * The rebuild checkpoint on the local disk: saved through a temporary file renamed over it, read back whole,
 * and a folder without one reads as none.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCheckpointFs } from '../../src/cli/nodeCheckpointFs';
import { clearRebuildCheckpoint, readRebuildCheckpoint, saveRebuildCheckpoint } from '../../src/cli/rebuildCheckpoint';

describe('the rebuild checkpoint on disk', () => {
  const folder = () => mkdtempSync(join(tmpdir(), 'drs-ledger-checkpoint-'));

  it('given an empty folder, when the checkpoint is read, then there is none', async () => {
    expect(await readRebuildCheckpoint(nodeCheckpointFs, join(folder(), 'rebuild.checkpoint.json'))).toEqual({ kind: 'none' });
  });

  it('given two saves, when read back, then the later one is there and no temporary file is left', async () => {
    const dir = folder();
    const file = join(dir, 'rebuild.checkpoint.json');
    await saveRebuildCheckpoint(nodeCheckpointFs, file, { index: 1, last: { executionId: 'exec-0001', index: 0 } });
    const later = { pageToken: 'next', index: 0, last: { executionId: 'exec-0002', index: 1 } };
    await saveRebuildCheckpoint(nodeCheckpointFs, file, later);

    expect(await readRebuildCheckpoint(nodeCheckpointFs, file)).toEqual({ kind: 'saved', checkpoint: later });
    expect(readdirSync(dir)).toEqual(['rebuild.checkpoint.json']);
  });

  it('given a checkpoint, when cleared twice, then it is gone and the second clear does not fail', async () => {
    const dir = folder();
    const file = join(dir, 'rebuild.checkpoint.json');
    await saveRebuildCheckpoint(nodeCheckpointFs, file, { index: 1, last: { executionId: 'exec-0001', index: 0 } });

    await clearRebuildCheckpoint(nodeCheckpointFs, file);
    await clearRebuildCheckpoint(nodeCheckpointFs, file);

    expect(readdirSync(dir)).toEqual([]);
  });
});
