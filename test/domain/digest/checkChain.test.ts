import {
  checkDigestChain,
  digestBytes,
  digestHeadProblem,
  digestKey,
  newDigest,
  parseDigest,
  sha256Hex,
  type StoredDigest,
} from '../../../src/domain/digest';
import { chainOf, head, KEY_ARN, PREFIX, signed, signingKey } from './digestChainBuilder';

const { privateKey, publicKeyDer } = signingKey();
const expected = { prefix: PREFIX, keyId: KEY_ARN, publicKeyDer };
const threeDigests = () => chainOf(privateKey, [[head('exec-a', 5)], [head('exec-a', 9), head('exec-b', 3)], [head('exec-b', 7)]]);

/** Replaces digest #n's content by `edit` of its document, re-signed with `key` (default: ours). */
const rewritten = (chain: StoredDigest[], n: number, edit: (text: string) => string, key = privateKey): StoredDigest[] =>
  chain.map((digest, index) => {
    if (index !== n - 1) return digest;
    const bytes = Buffer.from(edit(Buffer.from(digest.bytes).toString('utf8')), 'utf8');
    return { ...digest, bytes, signature: signed(bytes, key) };
  });

describe('the digest chain check', () => {
  it('given a chain written by the digest writer, when checked, then every digest is verified and nothing is wrong', () => {
    const check = checkDigestChain(threeDigests(), expected);
    expect(check.problems).toEqual([]);
    expect(check.verified.map((digest) => digest.document.digestSeq)).toEqual([1, 2, 3]);
    expect(check.newestSeq).toBe(3);
  });

  it('given no digests, then the chain is empty and sound', () => {
    expect(checkDigestChain([], expected)).toEqual({ verified: [], problems: [], newestSeq: 0 });
  });

  it('given a digest whose bytes were changed after signing, then its signature fails and nothing from it on is trusted', () => {
    const chain = threeDigests().map((digest, index) =>
      index === 1 ? { ...digest, bytes: Buffer.from(Buffer.from(digest.bytes).toString().replace('"seq":9', '"seq":8')) } : digest,
    );
    const check = checkDigestChain(chain, expected);
    expect(check.problems).toEqual([
      { key: digestKey(PREFIX, 2), problem: expect.stringContaining('signature does not verify') as string },
    ]);
    expect(check.verified.map((digest) => digest.document.digestSeq)).toEqual([1]);
  });

  it('given a digest re-signed by another key, then it is refused as not ours', () => {
    const other = signingKey();
    const check = checkDigestChain(
      rewritten(threeDigests(), 3, (text) => text, other.privateKey),
      expected,
    );
    expect(check.problems[0]?.problem).toMatch(/#3 cannot be trusted: its signature does not verify/);
  });

  it('given a digest that names another signing key, then it is refused even with a valid signature', () => {
    const check = checkDigestChain(
      rewritten(threeDigests(), 2, (text) => text.replace(KEY_ARN, 'arn:aws:kms:us-east-1:999999999999:key/x')),
      expected,
    );
    expect(check.problems[0]?.problem).toMatch(/names signing key arn:aws:kms:us-east-1:999999999999:key\/x/);
  });

  it('given a missing digest, then the gap is named and the digests after it are not trusted', () => {
    const chain = chainOf(privateKey, [[head('a', 1)], [head('a', 2)], [head('a', 3)], [head('a', 4)]]);
    const check = checkDigestChain([chain[0], chain[3]] as StoredDigest[], expected);
    expect(check.problems).toContainEqual({ key: digestKey(PREFIX, 2), problem: 'digest #2 to #3 are missing: the chain has a gap' });
    expect(check.verified.map((digest) => digest.document.digestSeq)).toEqual([1]);
    expect(check.newestSeq).toBe(4);
  });

  it('given a digest whose link names another previous digest, then the broken link is named', () => {
    const chain = threeDigests();
    const forged = rewritten(chain, 3, (text) => text.replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${'e'.repeat(64)}"`));
    const check = checkDigestChain(forged, expected);
    expect(check.problems).toEqual([
      { key: digestKey(PREFIX, 3), problem: expect.stringMatching(/#3: its link to the previous digest/) as string },
    ]);
    expect(check.verified).toHaveLength(2);
  });

  it('given a digest stored under another number than it says, then it is refused', () => {
    const chain = threeDigests();
    const moved = chain.map((digest, index) => (index === 2 ? { ...digest, key: digestKey(PREFIX, 4) } : digest));
    const check = checkDigestChain(moved, expected);
    expect(check.problems.map((problem) => problem.problem)).toEqual([
      'digest #3 is missing: the chain has a gap',
      expect.stringMatching(/it says it is digest #3, which belongs at digests\/000000000003\.json/) as string,
    ]);
  });

  it('given a digest without a signature or with bytes that are not a digest, then each is named', () => {
    const chain = threeDigests();
    const unsigned = chain.map((digest, index) => (index === 0 ? { ...digest, signature: undefined } : digest));
    expect(checkDigestChain(unsigned, expected).problems[0]?.problem).toMatch(/carries no signature/);
    const garbage = Buffer.from('{"format":"x"}');
    const notADigest = chain.map((digest, index) =>
      index === 0 ? { ...digest, bytes: garbage, signature: signed(garbage, privateKey) } : digest,
    );
    expect(checkDigestChain(notADigest, expected).problems[0]?.problem).toMatch(/is not a drs-ledger-digest\/1 digest/);
  });

  it('given a digest dated before its predecessor, then the chain says so', () => {
    const chain = chainOf(privateKey, [[head('a', 1)], [head('a', 2)]], Date.parse('2026-11-30T10:00:00Z'));
    const backdated = rewritten(chain, 2, (text) => text.replace(/"createdAt":"[^"]+"/, '"createdAt":"2026-11-29T00:00:00.000Z"'));
    expect(checkDigestChain(backdated, expected).problems[0]?.problem).toMatch(/dated 2026-11-29T00:00:00.000Z, before digest #1/);
  });

  it('given digests hidden under delete markers (in the middle, and after the newest listed), then each is named deleted and nothing after the first is trusted', () => {
    const [one, , three] = chainOf(privateKey, [[head('a', 1)], [head('a', 2)], [head('a', 3)], [head('a', 4)]]);
    const check = checkDigestChain([one, three] as StoredDigest[], expected, [digestKey(PREFIX, 2), digestKey(PREFIX, 4)]);
    expect(check.problems).toEqual([
      { key: digestKey(PREFIX, 2), problem: 'digest #2 was deleted (a delete marker hides it)' },
      { key: digestKey(PREFIX, 4), problem: 'digest #4 was deleted (a delete marker hides it)' },
    ]);
    expect(check.verified.map((digest) => digest.document.digestSeq)).toEqual([1]);
    expect(check.newestSeq).toBe(4);
  });

  it('given a hidden digest after a gap the probes did not reach, then the gap and the deletion are both named', () => {
    const [one] = chainOf(privateKey, [[head('a', 1)]]);
    const check = checkDigestChain([one] as StoredDigest[], expected, [digestKey(PREFIX, 5)]);
    expect(check.problems.map((problem) => problem.problem)).toEqual([
      'digest #2 to #4 are missing: the chain has a gap',
      'digest #5 was deleted (a delete marker hides it)',
    ]);
  });

  it('given a key both listed and reported deleted (it showed again between the probe and the read), then the listed digest counts', () => {
    const chain = threeDigests();
    const check = checkDigestChain(chain, expected, [digestKey(PREFIX, 3)]);
    expect(check.problems).toEqual([]);
    expect(check.verified).toHaveLength(3);
  });

  it('given an object under the prefix that is not named as a digest, then it is named and the chain itself still verifies', () => {
    const stray = { key: `${PREFIX}notes.txt`, bytes: Buffer.from('hello'), signature: undefined };
    const check = checkDigestChain([...threeDigests(), stray], expected);
    expect(check.problems).toEqual([{ key: `${PREFIX}notes.txt`, problem: expect.stringContaining('not named as a digest') as string }]);
    expect(check.verified).toHaveLength(3);
  });
});

describe('a head a digest may carry', () => {
  it('is an id of ours, a positive whole seq and a SHA-256 in lowercase hex: anything else is refused with the field named', () => {
    expect(digestHeadProblem(head('exec-a', 3))).toBeUndefined();
    expect(digestHeadProblem({ ...head('exec-a', 3), executionId: 'not an id' })).toMatch(/^executionId: executionId must contain only/);
    expect(digestHeadProblem({ ...head('exec-a', 3), seq: 2.5 })).toBe('seq: must be a positive integer');
    expect(digestHeadProblem({ ...head('exec-a', 3), seq: 0 })).toBe('seq: must be a positive integer');
    expect(digestHeadProblem({ ...head('exec-a', 3), hash: 'A'.repeat(64) })).toBe('hash: must be a SHA-256 in 64 lowercase hex digits');
    expect(digestHeadProblem({ ...head('exec-a', 3), hash: 'not-hex' })).toBe('hash: must be a SHA-256 in 64 lowercase hex digits');
  });
});

describe('a digest as stored', () => {
  it('is canonical JSON whose heads are sorted, so anyone recomputes the same bytes and SHA-256', () => {
    const document = newDigest({
      digestSeq: 1,
      createdAt: '2026-11-30T10:00:00.000Z',
      trigger: 'ExecutionEnded',
      keyId: KEY_ARN,
      previous: null,
      heads: [head('exec-b', 2), head('exec-a', 1)],
    });
    expect(document.heads.map((each) => each.executionId)).toEqual(['exec-a', 'exec-b']);
    const bytes = digestBytes(document);
    expect(parseDigest(bytes)).toEqual({ ok: true, document });
    expect(sha256Hex(bytes)).toBe(sha256Hex(digestBytes(JSON.parse(bytes.toString()) as typeof document)));
  });

  it('refuses bytes that are the same document written differently (what was signed is exactly what is read)', () => {
    const document = newDigest({
      digestSeq: 1,
      createdAt: '2026-11-30T10:00:00.000Z',
      trigger: 'Schedule',
      keyId: KEY_ARN,
      previous: null,
      heads: [],
    });
    const pretty = Buffer.from(JSON.stringify(document, null, 2));
    expect(parseDigest(pretty)).toEqual({ ok: false, problem: 'is not in canonical JSON form' });
  });

  it('refuses heads whose execution id is not one the handler accepts', () => {
    const bytes = Buffer.from(
      digestBytes(
        newDigest({ digestSeq: 1, createdAt: '2026-11-30T10:00:00.000Z', trigger: 'Schedule', keyId: KEY_ARN, previous: null, heads: [] }),
      )
        .toString()
        .replace('"heads":[]', `"heads":[{"executionId":"../x","hash":"${'a'.repeat(64)}","seq":1}]`),
    );
    expect(parseDigest(bytes)).toMatchObject({ ok: false, problem: expect.stringContaining('heads.0.executionId') as string });
  });
});
