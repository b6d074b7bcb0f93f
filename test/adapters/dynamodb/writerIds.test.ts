import { WRITER_ID_BYTES, writerIdSource } from '../../../src/adapters/dynamodb/writerIds';

describe('writer ids', () => {
  it('given many appends, each draws a 96-bit id of 16 base64url characters', () => {
    const next = writerIdSource();

    const ids = Array.from({ length: 50 }, next);

    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(WRITER_ID_BYTES);
    }
  });

  it('given more appends than one fill of the pool holds, no id repeats: the pool is filled afresh, never reused', () => {
    const next = writerIdSource();

    // Several fills' worth: a pool read again from its start would repeat the first fill's ids.
    const ids = Array.from({ length: 2_000 }, next);

    expect(new Set(ids).size).toBe(ids.length);
  });

  it('given two sources, they draw different ids', () => {
    const first = writerIdSource();
    const second = writerIdSource();

    const ids = new Set([...Array.from({ length: 300 }, first), ...Array.from({ length: 300 }, second)]);

    expect(ids.size).toBe(600);
  });
});
