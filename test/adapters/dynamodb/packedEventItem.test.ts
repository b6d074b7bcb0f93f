/**
 * Formats 4 and 3, the items the store writes: the event packed in one attribute (its canonical JSON without the
 * keys the item already has), its links before that JSON in base64 (format 4) or, for a long event gzipped, in
 * an attribute of their own (format 3), and nothing a reader has to trust beyond what the hash covers. Read back
 * exactly, from a Query or a stream image; whatever cannot be read says why.
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
import { withPackedEvent } from '../../support/packedItem';

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

const linksBase64 = (link: { prevHash: string; hash: string; stateDigest?: string }) =>
  Buffer.from(`${link.prevHash}${link.hash}${link.stateDigest ?? ''}`, 'hex').toString('base64');

describe('a format-4 item', () => {
  const { link, state } = linkOf(wave1StartRequested, 'ab'.repeat(32));

  it('holds the keys and, in `event`, prevHash, hash and digest (96 bytes in base64), then the canonical JSON of the rest', () => {
    const item = toEventItem(link, state, false);
    const { executionId: _key, seq: _sortKey, schemaVersion: _schema, actor: _system, ...content } = wave1StartRequested;
    expect(wave1StartRequested).toMatchObject({ schemaVersion: 2, actor: 'system' });
    expect(item).toEqual({
      executionId: { S: wave1StartRequested.executionId },
      seq: { N: '2' },
      // The current schema and the system's actor are left out: most events' 30-odd bytes.
      event: { S: linksBase64(link) + canonicalJson(content) },
    });
    expect(linksBase64(link)).toHaveLength(128);
    expect(fromEventItem(item)).toEqual(link);
    expect(itemHash(item)).toBe(link.hash);
  });

  it("keeps an operator's name, and a schema other than the current one, in the JSON", () => {
    const paused = { ...wave1StartRequested, actor: 'ops@example.com', schemaVersion: 1 } as ExecutionEvent;
    const [pausedLink] = chainEvents('ab'.repeat(32), [paused]);
    const item = toEventItem(pausedLink as NonNullable<typeof pausedLink>, state, false);
    expect(item.event?.S).toContain('"actor":"ops@example.com"');
    expect(item.event?.S).toContain('"schemaVersion":1');
    expect(fromEventItem(item).event).toEqual(paused);
  });

  it('holds 64 bytes of links (88 characters) where the hash covers no digest', () => {
    const [plain] = chainEvents('ab'.repeat(32), [wave1StartRequested]);
    expect(plain?.stateDigest).toBeUndefined();
    const item = toEventItem(plain as NonNullable<typeof plain>, state, false);
    expect(item.event?.S?.indexOf('{')).toBe(88);
    expect(fromEventItem(item)).toEqual(plain);
    expect(itemHash(item)).toBe(plain?.hash);
  });

  it.each<[string, (text: string) => string, RegExp]>([
    ['links cut short', (text: string) => text.slice(4), /does not begin with 64 or 96 bytes of links/],
    ['no links', (text: string) => text.slice(text.indexOf('{')), /does not begin with 64 or 96 bytes of links/],
    ['a character that is not base64 among them', (text: string) => `*${text.slice(1)}`, /does not begin with 64 or 96 bytes/],
    ['no JSON after them', (text: string) => text.slice(0, text.indexOf('{')), /is not JSON/],
    ...[65, 66, 94, 95].map(
      (bytes) =>
        [
          `${bytes} bytes of links (base64 of the length of 64 or 96 bytes' all the same)`,
          (text: string) => Buffer.alloc(bytes, 7).toString('base64') + text.slice(text.indexOf('{')),
          /does not begin with 64 or 96 bytes/,
        ] as [string, (text: string) => string, RegExp],
    ),
  ])('is refused when its event has %s, saying why', (_case, edit, why) => {
    const item = toEventItem(link, state, false);
    const edited = { ...item, event: { S: edit(item.event?.S as string) } };
    expect(() => fromEventItem(edited)).toThrow(MalformedEventItemError);
    expect(() => fromEventItem(edited)).toThrow(why);
  });

  it('refuses links whose text is not the one their bytes encode to (the same 64 bytes, unused bits set)', () => {
    const [plain] = chainEvents('ab'.repeat(32), [wave1StartRequested]);
    const item = toEventItem(plain as NonNullable<typeof plain>, state, false);
    const text = item.event?.S as string;
    const links = text.slice(0, 88);
    // 64 bytes are 86 characters and "==": the 86th carries 2 bits of data and 4 unused ones.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(links[85] as string);
    const loose = `${links.slice(0, 85)}${alphabet[last | 1]}==`;
    expect(loose).not.toBe(links);
    expect(Buffer.from(loose, 'base64')).toEqual(Buffer.from(links, 'base64'));
    const edited = { ...item, event: { S: loose + text.slice(88) } };
    expect(() => fromEventItem(edited)).toThrow(/does not begin with 64 or 96 bytes of links/);
    expect(itemHash(edited)).toBeUndefined();
  });

  it('gives no hash for links a head read cannot use', () => {
    const item = toEventItem(link, state, false);
    for (const text of [(item.event?.S as string).slice(4), `*${(item.event?.S as string).slice(1)}`]) {
      expect(itemHash({ ...item, event: { S: text } })).toBeUndefined();
    }
  });

  it('a format-3 item (links in `chain`, what earlier versions wrote for every event) is read the same', () => {
    const item = toEventItem(link, state, false);
    const { executionId: _key, seq: _sortKey, ...content } = wave1StartRequested;
    const formatThree: Item = {
      executionId: item.executionId as Item[string],
      seq: item.seq as Item[string],
      event: { S: canonicalJson(content) },
      chain: { B: Buffer.from(`${link.prevHash}${link.hash}${link.stateDigest as string}`, 'hex') },
    };
    expect(fromEventItem(formatThree)).toEqual(link);
    expect(itemHash(formatThree)).toBe(link.hash);
    // Format 3 never left members out: one missing is missing.
    const { actor: _actor, ...withoutActor } = content;
    expect(() => fromEventItem({ ...formatThree, event: { S: canonicalJson(withoutActor) } })).toThrow('"actor" is missing');
  });

  it('is read back the same from a stream image (binaries as base64)', () => {
    const item = toEventItem(link, state);
    expect(fromEventItem(fromStreamImage(toStreamImage(item)))).toEqual(link);
  });

  it("keeps a short event as text (format 4) and gzips a long one (a large plan's start) in format 3, read back the same either way", () => {
    const start = linkOf(executionStarted());
    const short = toEventItem(start.link, start.state);
    expect(short.event?.S).toBeDefined();
    const started = executionStarted(planOf(1_000));
    expect(Buffer.byteLength(canonicalJson(started))).toBeGreaterThan(PACKED_EVENT_GZIP_FROM);
    const long = linkOf(started);
    const item = toEventItem(long.link, long.state);
    expect(item.event?.B).toBeDefined();
    expect(item.chain?.B).toHaveLength(96);
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
    const lying = withPackedEvent(item, (content) => ({ ...content, executionId: 'exec-other', seq: 99 }));
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
  it('reads the hash of an item of any format, from its event, its chain or its hash', () => {
    const { link, state } = linkOf(wave1StartRequested, 'cd'.repeat(32));
    expect(itemHash(toEventItem(link, state))).toBe(link.hash);
    expect(itemHash(legacyEventItem(link, state))).toBe(link.hash);
    expect(itemHash({ executionId: { S: 'x' }, seq: { N: '1' }, chain: { B: new Uint8Array(3) } })).toBeUndefined();
  });
});
