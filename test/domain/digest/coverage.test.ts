import { checkDigestChain, digestCoverage } from '../../../src/domain/digest';
import { chainOf, head, KEY_ARN, PREFIX, signingKey } from './digestChainBuilder';

const { privateKey, publicKeyDer } = signingKey();
const verifiedChain = (heads: ReturnType<typeof head>[][]) =>
  checkDigestChain(chainOf(privateKey, heads), { prefix: PREFIX, keyId: KEY_ARN, publicKeyDer }).verified;

/** A ledger of `count` items whose hashes are those `head` makes, as a digest would have recorded them. */
const ledger = (count: number): Map<number, string> =>
  new Map(Array.from({ length: count }, (_, index) => [index + 1, head('x', index + 1).hash]));

describe("an execution's ledger against the digests", () => {
  it('given digests that recorded items the ledger still holds, then it is covered by the newest, with the events after it counted', () => {
    const digests = verifiedChain([[head('exec-a', 5)], [head('exec-b', 2)], [head('exec-a', 9)]]);
    const coverage = digestCoverage('exec-a', ledger(10), digests);
    expect(coverage).toEqual({
      status: 'covered',
      newest: expect.objectContaining({ digestSeq: 3, seq: 9, key: 'digests/000000000003.json' }) as object,
      vouches: 2,
      headSeq: 10,
      eventsAfter: 1,
    });
  });

  it('given no digest names the execution, then it is uncovered, not valid', () => {
    expect(digestCoverage('exec-a', ledger(3), verifiedChain([[head('exec-b', 2)]]))).toEqual({ status: 'uncovered', headSeq: 3 });
  });

  it('given a ledger rewritten after a digest (every hash recomputed), then every digest that recorded it contradicts it', () => {
    const digests = verifiedChain([[head('exec-a', 5)], [head('exec-a', 9)]]);
    const rewritten = new Map([...ledger(12)].map(([seq]) => [seq, head('x', seq, `f${seq}`).hash]));
    const coverage = digestCoverage('exec-a', rewritten, digests);
    expect(coverage.status).toBe('contradicted');
    expect(coverage.status === 'contradicted' && coverage.problems).toEqual([
      expect.stringMatching(
        /^digest #1 \(digests\/000000000001\.json\) recorded seq 5 with hash 0+5; the ledger's item 5 has 0+f5: rewritten/,
      ),
      expect.stringMatching(/^digest #2 .* recorded seq 9/),
    ]);
  });

  it('given a rewrite that kept the newest recorded item but changed an older one, then the older digest still contradicts it', () => {
    const digests = verifiedChain([[head('exec-a', 5)], [head('exec-a', 9)]]);
    const partly = ledger(9);
    partly.set(5, head('x', 5, 'bad').hash);
    expect(digestCoverage('exec-a', partly, digests)).toMatchObject({ status: 'contradicted', problems: [expect.stringMatching(/seq 5/)] });
  });

  it('given a ledger cut below what a digest recorded, then the missing item is named', () => {
    const digests = verifiedChain([[head('exec-a', 9)]]);
    expect(digestCoverage('exec-a', ledger(6), digests)).toEqual({
      status: 'contradicted',
      problems: ['digest #1 (digests/000000000001.json) recorded seq 9, but the ledger has no item 9 (it ends at 6)'],
      headSeq: 6,
    });
  });
});
