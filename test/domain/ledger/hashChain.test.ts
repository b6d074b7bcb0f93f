import fc from 'fast-check';
import { canonicalJson, chainEvents, chainHash, genesisHash } from '../../../src/domain/ledger';
import { wave1CompletedHistory } from '../../fixtures/events';
import { EXECUTION_ID, PLAN_ID } from '../../fixtures/plan';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: true, e: null }], c: undefined } })).toBe('{"a":{"d":[3,{"e":null,"f":true}]},"b":1}');
  });

  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: [1, 2] })).toBe(canonicalJson({ y: [1, 2], x: 1 }));
  });

  it('writes undefined array items as null, as JSON does', () => {
    expect(canonicalJson([1, undefined])).toBe('[1,null]');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  /** The definition, written plainly: what the fast version must produce, byte for byte (hashes depend on it). */
  const definition = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : definition(item))).join(',')}]`;
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${definition(record[key])}`);
    return `{${members.join(',')}}`;
  };

  it('is, on any JSON value (odd keys, unicode, nesting), exactly the sorted-key JSON of its definition, and parses back to it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()), (value, record) => {
        for (const each of [value, record]) {
          expect(canonicalJson(each)).toBe(definition(each));
          expect(JSON.parse(canonicalJson(each))).toEqual(JSON.parse(JSON.stringify(each)));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('chainEvents', () => {
  const chain = chainEvents(undefined, wave1CompletedHistory);

  it('links the first event to the genesis of the execution and each next one to the previous hash', () => {
    expect(chain[0]?.prevHash).toBe(genesisHash(EXECUTION_ID, PLAN_ID));
    chain.forEach((link, index) => {
      expect(link.event).toBe(wave1CompletedHistory[index]);
      expect(link.hash).toBe(chainHash(link.prevHash, link.event));
      if (index > 0) expect(link.prevHash).toBe(chain[index - 1]?.hash);
    });
  });

  it('continues from a head hash in batches', () => {
    const first = chainEvents(undefined, wave1CompletedHistory.slice(0, 2));
    const rest = chainEvents(first[1]?.hash, wave1CompletedHistory.slice(2));
    expect([...first, ...rest]).toEqual(chain);
  });

  it('a change to any event changes its hash and every later link', () => {
    const tampered = wave1CompletedHistory.map((event, index) =>
      index === 2 ? { ...event, occurredAt: '2025-03-01T10:00:59.000Z' } : event,
    );
    const other = chainEvents(undefined, tampered);
    expect(other.slice(0, 2)).toEqual(chain.slice(0, 2));
    other.slice(2).forEach((link, index) => expect(link.hash).not.toBe(chain[index + 2]?.hash));
  });

  it('a stream moved to another execution does not verify', () => {
    expect(genesisHash('another-execution', PLAN_ID)).not.toBe(genesisHash(EXECUTION_ID, PLAN_ID));
  });
});
