import { rememberBounded } from '../../../src/adapters/aws/boundedMap';

describe('rememberBounded', () => {
  it('given a full map, when a new entry comes, drops the least recently used one and hands it over', () => {
    const map = new Map<string, number>();
    const dropped: number[] = [];
    for (const [key, value] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      rememberBounded(map, key, value, 3, (v) => dropped.push(v));
    rememberBounded(map, 'a', 1, 3, (v) => dropped.push(v)); // 'a' used again: 'b' is now the oldest
    rememberBounded(map, 'd', 4, 3, (v) => dropped.push(v));
    expect([...map.keys()]).toEqual(['c', 'a', 'd']);
    expect(dropped).toEqual([2]);
  });
});
