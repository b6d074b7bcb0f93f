/**
 * The rebuild's checkpoint file: a save that dies at any moment leaves the previous checkpoint whole and
 * readable, and a file that is torn, truncated or not a checkpoint is answered as unusable, with why.
 */
import {
  clearRebuildCheckpoint,
  readRebuildCheckpoint,
  type RebuildCheckpoint,
  saveRebuildCheckpoint,
  temporaryCheckpointPath,
} from '../../src/cli/rebuildCheckpoint';
import { MemoryCheckpointFs } from '../support/fakes/memoryCheckpointFs';

const FILE = '/data/rebuild.checkpoint.json';
const FIRST: RebuildCheckpoint = { index: 3, last: { executionId: 'exec-0003', index: 2 } };
const SECOND: RebuildCheckpoint = { pageToken: 'page-2', index: 0, last: { executionId: 'exec-0004', index: 3 } };

describe('the rebuild checkpoint file', () => {
  it('given no file, when read, then there is no checkpoint', async () => {
    expect(await readRebuildCheckpoint(new MemoryCheckpointFs(), FILE)).toEqual({ kind: 'none' });
  });

  it('given a saved checkpoint, when read back, then it is the same checkpoint', async () => {
    const fs = new MemoryCheckpointFs();
    await saveRebuildCheckpoint(fs, FILE, SECOND);

    expect(await readRebuildCheckpoint(fs, FILE)).toEqual({ kind: 'saved', checkpoint: SECOND });
  });

  it('given a saved checkpoint, when saving the next one writes a beside file and then renames it over the checkpoint', async () => {
    const fs = new MemoryCheckpointFs();
    await saveRebuildCheckpoint(fs, FILE, FIRST);

    expect(fs.operations).toEqual([`write ${temporaryCheckpointPath(FILE)}`, `rename ${temporaryCheckpointPath(FILE)} ${FILE}`]);
    expect([...fs.files.keys()]).toEqual([FILE]);
  });

  it.each([1, 10, 40])(
    'given a saved checkpoint, when the next save dies after writing %i characters, then the previous checkpoint is intact and readable',
    async (keep) => {
      const fs = new MemoryCheckpointFs();
      await saveRebuildCheckpoint(fs, FILE, FIRST);
      fs.tearNextWrite(keep);

      await expect(saveRebuildCheckpoint(fs, FILE, SECOND)).rejects.toThrow('crashed');

      expect(await readRebuildCheckpoint(fs, FILE)).toEqual({ kind: 'saved', checkpoint: FIRST });
    },
  );

  it('given a saved checkpoint, when the next save dies before its rename, then the previous checkpoint is intact, and the save after it wins', async () => {
    const fs = new MemoryCheckpointFs();
    await saveRebuildCheckpoint(fs, FILE, FIRST);
    fs.crashBeforeNextRename();

    await expect(saveRebuildCheckpoint(fs, FILE, SECOND)).rejects.toThrow('crashed');
    expect(await readRebuildCheckpoint(fs, FILE)).toEqual({ kind: 'saved', checkpoint: FIRST });

    await saveRebuildCheckpoint(fs, FILE, SECOND);
    expect(await readRebuildCheckpoint(fs, FILE)).toEqual({ kind: 'saved', checkpoint: SECOND });
  });

  it('given a checkpoint and the temporary file a crashed save left, when cleared, then both are gone', async () => {
    const fs = new MemoryCheckpointFs();
    await saveRebuildCheckpoint(fs, FILE, FIRST);
    fs.tearNextWrite(5);
    await expect(saveRebuildCheckpoint(fs, FILE, SECOND)).rejects.toThrow('crashed');

    await clearRebuildCheckpoint(fs, FILE);

    expect(fs.files.size).toBe(0);
    expect(await readRebuildCheckpoint(fs, FILE)).toEqual({ kind: 'none' });
  });

  describe('a file that cannot be trusted', () => {
    const written = JSON.stringify({ version: 1, ...SECOND });
    it.each<[string, string, RegExp]>([
      ['empty', '', /not whole JSON/],
      ['truncated', written.slice(0, written.length - 3), /not whole JSON.*torn or truncated/],
      ['of the earlier format (no execution rebuilt last)', JSON.stringify({ index: 3 }), /not a rebuild checkpoint of this version/],
      ['with a negative index', JSON.stringify({ version: 1, ...FIRST, index: -1 }), /index/],
      ['with a fractional index', JSON.stringify({ version: 1, ...FIRST, last: { ...FIRST.last, index: 1.5 } }), /last\.index/],
      [
        'with an empty execution id',
        JSON.stringify({ version: 1, ...FIRST, last: { ...FIRST.last, executionId: '' } }),
        /last\.executionId/,
      ],
      ['with a field it does not know', JSON.stringify({ version: 1, ...FIRST, extra: true }), /not a rebuild checkpoint/],
      ['not an object', '[1,2,3]', /not a rebuild checkpoint/],
    ])('given a file %s, when read, then it is unusable and the reason says why', async (_case, text, reason) => {
      const fs = new MemoryCheckpointFs();
      fs.files.set(FILE, text);

      const read = await readRebuildCheckpoint(fs, FILE);

      expect(read.kind).toBe('unusable');
      expect(read.kind === 'unusable' ? read.reason : '').toMatch(reason);
    });
  });
});
