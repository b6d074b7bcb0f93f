/**
 * MODIFY and REMOVE records of the events table's stream: as the local stream builds them (the records
 * DynamoDB writes with NEW_AND_OLD_IMAGES) and as the stream adapter reads them for the tamper alarm.
 */
import { gzipSync } from 'node:zlib';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { decodeLedgerItemChange } from '../../src/adapters/dynamodb/streamRecords';
import { decidedFrom, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { LocalDynamoStream } from '../../src/local/localStream';
import { legacyEventItem } from '../support/legacyEventItem';
import { chainValue, linkBytesOf, type Links, linksOf, withLinks } from '../audit/support/rawLedger';
import { asFormatThree, packedContent, splitPackedEvent, withFormatFourLinks, withPackedEvent } from '../support/packedItem';

/** A format-4 item holding `links` (all of them: a digest left out is dropped) before its event's JSON. */
const withEventLinks = (item: Item, links: Links): Item => withFormatFourLinks(item, linkBytesOf(links));
import { ledgerItems } from '../support/runningExecutions';
import { History, twoWavePlan } from './support/histories';

const history = new History('exec-tamper', twoWavePlan()).start(0).waveStarted(1, 60);
/** Format 4, as the store writes them (a snapshot on each, as on every K-th). */
const items: Item[] = ledgerItems(history.events, initialState(), undefined, 1);
const item = (seq: number): Item => structuredClone(items[seq - 1] as Item);
const keys = (seq: number): Item => ({ executionId: { S: 'exec-tamper' }, seq: { N: String(seq) } });

const clock = new Date('2026-03-01T10:20:30.456Z');
const stream = new LocalDynamoStream({
  consumer: async () => ({ batchItemFailures: [] }),
  tableName: 'drs-ledger-dev-events',
  region: 'eu-west-1',
  mode: 'batched',
  now: () => clock,
});

describe('a ledger item overwritten: the MODIFY record', () => {
  const overwritten = withPackedEvent(item(1), (event) => ({ ...event, actor: 'mallory@example.com' }));
  const record = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(1), oldImage: item(1), newImage: overwritten });

  it('carries the keys and both images, as DynamoDB writes it for a NEW_AND_OLD_IMAGES stream', () => {
    expect(record).toMatchObject({
      eventName: 'MODIFY',
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(clock.getTime() / 1000),
        Keys: { executionId: { S: 'exec-tamper' }, seq: { N: '1' } },
        OldImage: expect.objectContaining({ event: item(1).event }),
        NewImage: expect.objectContaining({ event: overwritten.event }),
        SequenceNumber: expect.stringMatching(/^[0-9]{21,}$/),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('is read as which item changed, when, which attributes, and what the item was', () => {
    expect(decodeLedgerItemChange(record, record.dynamodb?.SequenceNumber as string)).toStrictEqual({
      sequenceNumber: record.dynamodb?.SequenceNumber,
      eventId: record.eventID,
      change: 'modified',
      executionId: 'exec-tamper',
      seq: 1,
      recordedAt: '2026-03-01T10:20:30.000Z',
      changedAttributes: ['event.actor'],
      previousType: 'ExecutionStarted',
    });
  });

  it('names every attribute that differs, added and removed ones included, sorted', () => {
    const { state: _dropped, ...withoutSnapshot } = item(2);
    const rewritten = { ...withoutSnapshot, actor: { S: 'x' }, forged: { S: 'yes' } };
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: item(2), newImage: rewritten });
    expect(decodeLedgerItemChange(changed, '1').changedAttributes).toEqual(['actor', 'forged', 'state']);
  });

  const layouts: Array<[string, (item: Item) => Item]> = [
    ['format 4 (links in the event)', (packed) => packed],
    ['format 3 (links in `chain`)', asFormatThree],
  ];

  it.each(layouts)('names what changed inside the packed event and its links, %s: the members and the links', (_layout, layout) => {
    const original = layout(item(2));
    const rewritten = withLinks(
      withPackedEvent(original, (event) => ({ ...event, occurredAt: 'x', data: {} })),
      { hash: 'ab'.repeat(32) },
    );
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: rewritten });
    expect(decodeLedgerItemChange(changed, '1').changedAttributes).toEqual(['chain.hash', 'event.data', 'event.occurredAt']);
  });

  it.each(layouts)(
    'names a state digest dropped from the links, or added with a new hash, as the links that changed, %s',
    (_layout, layout) => {
      const covered = layout(item(2));
      const { stateDigest, ...plain } = linksOf(covered);
      expect(stateDigest).toHaveLength(64);
      const lean = withLinks({ ...covered, ...(covered.chain ? { chain: chainValue(plain) } : {}) }, plain);
      const withoutDigest = covered.chain ? lean : withEventLinks(covered, plain);
      const dropped = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: covered, newImage: withoutDigest });
      expect(decodeLedgerItemChange(dropped, '1').changedAttributes).toEqual(['chain.stateDigest']);
      const added = stream.toChangeRecord({
        eventName: 'MODIFY',
        keys: keys(2),
        oldImage: withoutDigest,
        newImage: withLinks(covered, { hash: 'cd'.repeat(32) }),
      });
      expect(decodeLedgerItemChange(added, '1').changedAttributes).toEqual(['chain.hash', 'chain.stateDigest']);
    },
  );

  it('names a gzipped event (format 3, never opened) and its links when both were rewritten', () => {
    const original = asFormatThree(item(2));
    const gzipped = { ...original, event: { B: gzipSync(Buffer.from(original.event?.S as string)) } };
    const content = { ...packedContent(original), actor: 'mallory@example.com' };
    const rewritten = withLinks({ ...gzipped, event: { B: gzipSync(Buffer.from(JSON.stringify(content))) } }, { hash: 'ef'.repeat(32) });
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: gzipped, newImage: rewritten });
    expect(decodeLedgerItemChange(changed, '1').changedAttributes).toEqual(['chain.hash', 'event']);
  });

  it('names the event whole when its members are the same in other bytes, beside the links that changed', () => {
    const original = item(2);
    // The store leaves the system's actor out of format 4: written in, the event reads the same.
    const spelled = {
      ...original,
      event: { S: `${splitPackedEvent(original).links}${JSON.stringify({ ...packedContent(original), actor: 'system' })}` },
    };
    const rewritten = withLinks(spelled, { hash: 'ef'.repeat(32) });
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: rewritten });
    expect(decodeLedgerItemChange(changed, '1').changedAttributes).toEqual(['chain.hash', 'event']);
  });

  it('names the links when their text changed but not their bytes (padding dropped: base64 decoding is lenient)', () => {
    const original = item(2);
    const { links, json } = splitPackedEvent(original);
    expect(links.endsWith('==')).toBe(false); // 96 bytes of links: 128 characters, no padding
    const lean = { ...original, event: { S: `${links.slice(0, -1)}${json}` } };
    const plain = withEventLinks(original, (({ stateDigest: _digest, ...rest }) => rest)(linksOf(original)));
    const padded = plain.event?.S as string;
    const unpadded = { ...plain, event: { S: padded.replace('==', '') } };
    const paddedLinks = splitPackedEvent(plain).links;
    expect(Buffer.from(paddedLinks, 'base64')).toEqual(Buffer.from(paddedLinks.slice(0, -2), 'base64'));
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: plain, newImage: unpadded });
    expect(decodeLedgerItemChange(changed, '1').changedAttributes).toEqual(['chain']);
    const cut = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: lean });
    expect(decodeLedgerItemChange(cut, '1').changedAttributes).toEqual(['chain']);
  });

  it('names a member removed from a format-3 event as that member (format 3 leaves nothing out)', () => {
    const original = asFormatThree(item(2));
    const rewritten = withPackedEvent(original, ({ actor: _actor, ...rest }) => rest);
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: rewritten });
    expect(decodeLedgerItemChange(changed, '1').changedAttributes).toEqual(['event.actor']);
  });

  it('names nothing inside when an item is only rewritten in the other layout, but still names what moved', () => {
    const original = item(2);
    const moved = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: asFormatThree(original) });
    expect(decodeLedgerItemChange(moved, '1').changedAttributes).toEqual(['chain', 'event']);
  });

  it.each([
    ['format 4', (original: Item) => ({ ...original, event: { S: 'not json' } })],
    ['format 3', (original: Item) => ({ ...asFormatThree(original), event: { S: 'not json' }, chain: { B: new Uint8Array(3) } })],
  ])('names the packed event or links whole when one of its versions cannot be read member by member, %s', (_layout, rewrite) => {
    const original = item(2);
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: rewrite(original) });
    expect(decodeLedgerItemChange(changed, '1')).toMatchObject({
      changedAttributes: ['chain', 'event'],
      previousType: packedContent(original).type,
    });
  });

  it('a format-2 item (written before format 3) is read as before: its attributes, and its type', () => {
    const { states } = decidedFrom(initialState(), history.events.slice(0, 1));
    const [start] = chainEvents(undefined, history.events.slice(0, 1), states);
    const legacy = legacyEventItem(start as NonNullable<typeof start>, states[0] as (typeof states)[number]);
    const changed = stream.toChangeRecord({
      eventName: 'MODIFY',
      keys: keys(1),
      oldImage: legacy,
      newImage: { ...legacy, actor: { S: 'mallory@example.com' } },
    });
    expect(decodeLedgerItemChange(changed, '1')).toMatchObject({ changedAttributes: ['actor'], previousType: 'ExecutionStarted' });
  });
});

describe('a ledger item deleted: the REMOVE record', () => {
  const record = stream.toChangeRecord({ eventName: 'REMOVE', keys: keys(2), oldImage: item(2) });

  it('carries the keys and the old image only', () => {
    expect(record.eventName).toBe('REMOVE');
    expect(record.dynamodb?.OldImage).toBeDefined();
    expect(record.dynamodb?.NewImage).toBeUndefined();
  });

  it('is read as the item removed, with the type it held, and no attribute list', () => {
    expect(decodeLedgerItemChange(record, '7')).toStrictEqual({
      sequenceNumber: '7',
      eventId: record.eventID,
      change: 'removed',
      executionId: 'exec-tamper',
      seq: 2,
      recordedAt: '2026-03-01T10:20:30.000Z',
      previousType: history.events[1]?.type,
    });
  });
});

describe('records that say less', () => {
  it('a MODIFY of a stream that carries only new images: no attribute list, since nothing can be compared', () => {
    // As AWS documents a record (keys and a NewImage), without an OldImage or an eventID.
    const record: DynamoDBRecord = {
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { executionId: { S: 'exec-tamper' }, seq: { N: '3' } },
        NewImage: { executionId: { S: 'exec-tamper' }, seq: { N: '3' } },
        SequenceNumber: '111',
        StreamViewType: 'NEW_IMAGE',
      },
    };
    expect(decodeLedgerItemChange(record, '111')).toStrictEqual({
      sequenceNumber: '111',
      eventId: 'sequence-111',
      change: 'modified',
      executionId: 'exec-tamper',
      seq: 3,
    });
  });

  it('keys that cannot be read are left out, never thrown: the change is raised all the same', () => {
    const record: DynamoDBRecord = { eventID: 'abc', eventName: 'REMOVE', dynamodb: { Keys: { seq: { N: 'not-a-number' } } } };
    expect(decodeLedgerItemChange(record, '5')).toStrictEqual({
      sequenceNumber: '5',
      eventId: 'abc',
      change: 'removed',
      executionId: undefined,
      seq: undefined,
    });
  });

  it('an ApproximateCreationDateTime in milliseconds (as Kinesis carries it) is read as such', () => {
    const record: DynamoDBRecord = { eventID: 'e', eventName: 'REMOVE', dynamodb: { ApproximateCreationDateTime: clock.getTime() } };
    expect(decodeLedgerItemChange(record, '5').recordedAt).toBe(clock.toISOString());
  });
});
