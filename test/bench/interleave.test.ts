import { interleavedRounds, roundOrder } from '../../bench/peers/interleave';

const FAMILIES = [
  ['raw replay 2000', 'ours replay 2000', 'castore replay 2000'],
  ['raw replay 10000', 'ours replay 10000', 'castore replay 10000'],
];

/** How many tasks run between the first and the last of a family in one round's order. */
const spread = (order: readonly string[], family: readonly string[]): number => {
  const at = family.map((name) => order.indexOf(name));
  return Math.max(...at) - Math.min(...at);
};

describe('interleaved rounds', () => {
  it('given families, each round runs every family back to back, the families one further along each round', () => {
    const orders = [0, 1, 2, 3].map((round) => roundOrder(FAMILIES, round));

    for (const order of orders) {
      expect([...order].sort()).toEqual(FAMILIES.flat().sort());
      for (const family of FAMILIES) expect(spread(order, family)).toBe(family.length - 1);
    }
    expect(orders[0]).toEqual([...(FAMILIES[0] ?? []), ...(FAMILIES[1] ?? [])]);
    expect(orders[1]).toEqual([
      'castore replay 10000',
      'ours replay 10000',
      'raw replay 10000',
      'castore replay 2000',
      'ours replay 2000',
      'raw replay 2000',
    ]);
  });

  /** Over `rounds` rounds of one family: how often each member ran first, and each ordered pair ran back to back. */
  const tally = (family: readonly string[], rounds: number) => {
    const first = new Map<string, number>();
    const follows = new Map<string, number>();
    for (let round = 0; round < rounds; round += 1) {
      const order = roundOrder([family], round);
      first.set(order[0] as string, (first.get(order[0] as string) ?? 0) + 1);
      for (let index = 1; index < order.length; index += 1) {
        const pair = `${order[index - 1]}→${order[index]}`;
        follows.set(pair, (follows.get(pair) ?? 0) + 1);
      }
    }
    return { first, follows };
  };

  it('given a family of three, six rounds run all six orders: each member straight after each other twice', () => {
    const family = ['raw', 'ours', 'castore'];

    const orders = new Set([0, 1, 2, 3, 4, 5].map((round) => roundOrder([family], round).join(' ')));
    const { first, follows } = tally(family, 6);

    expect(orders.size).toBe(6);
    expect([...first.values()]).toEqual([2, 2, 2]);
    expect([...follows.keys()].sort()).toEqual(['castore→ours', 'castore→raw', 'ours→castore', 'ours→raw', 'raw→castore', 'raw→ours']);
    expect(new Set(follows.values())).toEqual(new Set([2]));
  });

  it('given a family of two, the pair runs in both orders alike', () => {
    const { first, follows } = tally(['raw', 'ours'], 4);

    expect(Object.fromEntries(first)).toEqual({ raw: 2, ours: 2 });
    expect(Object.fromEntries(follows)).toEqual({ 'raw→ours': 2, 'ours→raw': 2 });
  });

  it('given a family of four, each member comes first equally often and follows each neighbour as often as it leads it', () => {
    const family = ['a', 'b', 'c', 'd'];

    const { first, follows } = tally(family, 8);

    expect(Object.fromEntries(first)).toEqual({ a: 2, b: 2, c: 2, d: 2 });
    for (const [pair, count] of follows) {
      const [before, after] = pair.split('→');
      expect(follows.get(`${after}→${before}`)).toBe(count);
    }
  });

  it('given no families, each round starts one task further along, in the tasks’ order', async () => {
    expect(roundOrder([['a'], ['b'], ['c']], 1)).toEqual(['b', 'c', 'a']);
    const ran: string[] = [];
    const task = (name: string) => async () => {
      ran.push(name);
    };

    await interleavedRounds({ a: task('a'), b: task('b'), c: task('c') }, { rounds: 2, warmupRounds: 0 });

    expect(ran).toEqual(['a', 'b', 'c', 'b', 'c', 'a']);
  });

  it('given families, the rounds run the tasks in that order and time each once a round', async () => {
    const ran: string[] = [];
    const task = (name: string) => async () => {
      ran.push(name);
    };
    const tasks = { a: task('a'), b: task('b'), c: task('c'), d: task('d') };

    const times = await interleavedRounds(tasks, {
      rounds: 2,
      warmupRounds: 1,
      families: [
        ['a', 'b'],
        ['c', 'd'],
      ],
    });

    expect(ran).toEqual([
      ...roundOrder(
        [
          ['a', 'b'],
          ['c', 'd'],
        ],
        0,
      ),
      ...roundOrder(
        [
          ['a', 'b'],
          ['c', 'd'],
        ],
        1,
      ),
      ...roundOrder(
        [
          ['a', 'b'],
          ['c', 'd'],
        ],
        2,
      ),
    ]);
    expect(Object.values(times).map((samples) => samples.wallMs.length)).toEqual([2, 2, 2, 2]);
  });

  it('given families that leave a task out or name one twice, it refuses before running anything', async () => {
    const ran: string[] = [];
    const tasks = {
      a: async () => {
        ran.push('a');
      },
      b: async () => {
        ran.push('b');
      },
    };

    await expect(interleavedRounds(tasks, { rounds: 1, warmupRounds: 0, families: [['a']] })).rejects.toThrow('exactly once');
    await expect(interleavedRounds(tasks, { rounds: 1, warmupRounds: 0, families: [['a', 'a']] })).rejects.toThrow('exactly once');
    expect(ran).toEqual([]);
  });
});
