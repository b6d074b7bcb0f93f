/**
 * Format 3, the item the store writes: the event packed in one attribute (its canonical JSON without the keys
 * the item already has; gzipped when long), its links in another, and nothing a reader has to trust beyond what
 * the hash covers. Read back exactly, from a Query or a stream image; whatever cannot be read says why.
 */
import { gzipSync } from 'node:zlib';
import { LedgerItemTooLargeError, MAX_PACKED_EVENT_JSON_BYTES } from '../../../src/adapters/dynamodb/ledgerItemSize';
import { fromEventItem, type Item, itemHash, toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';
import { PACKED_EVENT_GZIP_FROM } from '../../../src/adapters/dynamodb/packedEventItem';
import { fromStreamImage, toStreamImage } from '../../../src/adapters/dynamodb/streamImage';
import { type ExecutionEvent, evolve, initialState } from '../../../src/domain/execution';
import { canonicalJson, chainEvents } from '../../../src/domain/ledger';
import { MalformedEventItemError } from '../../../src/ports/ledgerErrors';
import { executionStarted, wave1StartRequested } from '../../fixtures/events';
import { samplePlan, serverId } from '../../fixtures/plan';
import { legacyEventItem } from '../../support/legacyEventItem';

const linkOf = (event: ExecutionEvent, prevHash?: string) => {
  const state = evolve(event.seq === 1 ? initialState() : evolve(initialState(), executionStarted()), event);
  const [link] = chainEvents(prevHash, [event], [state]);
  return { link: link as NonNullable<typeof link>, state };
};

/** A plan of `servers` servers in waves of 200: its start event's JSON grows with it. */
const planOf = (servers: number) => ({
  ...samplePlan,
  waves: Array.from({ length: Math.ceil(servers / 200) }, (_, wave) => ({
    waveName: `wave ${wave + 1}`,
    sourceServerIds: Array.from({ length: Math.min(200, servers - wave * 200) }, (_, n) => serverId(`w${wave}x`, n + 1)),
  })),
});

describe('a format-3 item', () => {
  const { link, state } = linkOf(wave1StartRequested, 'ab'.repeat(32));

  it('holds the keys, the event as canonical JSON without them, and prevHash, hash and digest as 96 bytes', () => {
    const item = toEventItem(link, state, false);
    const { executionId: _key, seq: _sortKey, ...content } = wave1StartRequested;
    expect(item).toEqual({
      executionId: { S: wave1StartRequested.executionId },
      seq: { N: '2' },
      event: { S: canonicalJson(content) },
      chain: { B: Buffer.from(`${link.prevHash}${link.hash}${link.stateDigest as string}`, 'hex') },
    });
    expect(fromEventItem(item)).toEqual(link);
    expect(itemHash(item)).toBe(link.hash);
  });

  it('is read back the same from a stream image (binaries as base64)', () => {
    const item = toEventItem(link, state);
    expect(fromEventItem(fromStreamImage(toStreamImage(item)))).toEqual(link);
  });

  it("keeps a short event as text and gzips a long one (a large plan's start), read back the same either way", () => {
    const start = linkOf(executionStarted());
    const short = toEventItem(start.link, start.state);
    expect(short.event?.S).toBeDefined();
    const started = executionStarted(planOf(1_000));
    expect(Buffer.byteLength(canonicalJson(started))).toBeGreaterThan(PACKED_EVENT_GZIP_FROM);
    const long = linkOf(started);
    const item = toEventItem(long.link, long.state);
    expect(item.event?.B).toBeDefined();
    expect(fromEventItem(item)).toEqual(long.link);
    expect(fromEventItem(fromStreamImage(toStreamImage(item)))).toEqual(long.link);
    // The execution-starts index reads its copies, not the packed event.
    expect(item).toMatchObject({
      executionStart: { S: 'EXECUTION' },
      occurredAt: { S: started.occurredAt },
      planId: { S: started.planId },
    });
  });

  it('takes its executionId and seq from its keys, whatever its JSON says', () => {
    const item = toEventItem(link, state);
    const lying = { ...item, event: { S: JSON.stringify({ ...JSON.parse(item.event?.S as string), executionId: 'exec-other', seq: 99 }) } };
    expect(fromEventItem(lying).event).toMatchObject({ executionId: wave1StartRequested.executionId, seq: 2 });
  });

  it('refuses a gzipped event that would inflate beyond the bound (a zip bomb slipped into the table), inflating no further', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_PACKED_EVENT_JSON_BYTES + 1, 0x20));
    expect(bomb.length).toBeLessThan(10 * 1024);
    const item: Item = { ...toEventItem(link, state), event: { B: bomb } };
    expect(() => fromEventItem(item)).toThrow(MalformedEventItemError);
    expect(() => fromEventItem(item)).toThrow('Event item field "event" is not gzipped JSON of at most 4 MiB');
  });

  it('is never written for an event whose JSON is over the bound: refused before the write, naming it', () => {
    const huge = {
      ...wave1StartRequested,
      data: { ...wave1StartRequested.data, note: 'x'.repeat(MAX_PACKED_EVENT_JSON_BYTES) },
    } as ExecutionEvent;
    const [hugeLink] = chainEvents('ab'.repeat(32), [huge], [state]);
    expect(() => toEventItem(hugeLink as NonNullable<typeof hugeLink>, state)).toThrow(LedgerItemTooLargeError);
    expect(() => toEventItem(hugeLink as NonNullable<typeof hugeLink>, state)).toThrow(
      /WaveStartRequested at seq 2 would be 4097 KB of JSON/,
    );
  });

  it('is never written for a link without a state digest (format 1 is only read)', () => {
    const [formatOne] = chainEvents(undefined, [executionStarted()]);
    expect(() => toEventItem(formatOne as NonNullable<typeof formatOne>, state)).toThrow(/covers its state digest/);
  });
});

describe('itemHash, what a load and head read of the newest item', () => {
  it('reads the hash of an item of any format, from its chain or its hash', () => {
    const { link, state } = linkOf(wave1StartRequested, 'cd'.repeat(32));
    expect(itemHash(toEventItem(link, state))).toBe(link.hash);
    expect(itemHash(legacyEventItem(link, state))).toBe(link.hash);
    expect(itemHash({ executionId: { S: 'x' }, seq: { N: '1' }, chain: { B: new Uint8Array(3) } })).toBeUndefined();
  });
});
