/**
 * MODIFY and REMOVE records of the events table's stream: as the local stream builds them (the records
 * DynamoDB writes with NEW_AND_OLD_IMAGES) and as the stream adapter reads them for the tamper alarm.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { decodeLedgerItemChange } from '../../src/adapters/dynamodb/streamRecords';
import { decidedFrom, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { LocalDynamoStream } from '../../src/local/localStream';
import { legacyEventItem } from '../support/legacyEventItem';
import { packedContent, withPackedEvent } from '../support/packedItem';
import { ledgerItems } from '../support/runningExecutions';
import { History, twoWavePlan } from './support/histories';

const history = new History('exec-tamper', twoWavePlan()).start(0).waveStarted(1, 60);
/** Format 3, as the store writes them (a snapshot on each, as on every K-th). */
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

  it('names what changed inside the packed event and chain: the members and the links', () => {
    const original = item(2);
    const links = Buffer.from(original.chain?.B as Uint8Array);
    links.fill(0xab, 32, 64);
    const rewritten = { ...withPackedEvent(original, (event) => ({ ...event, occurredAt: 'x', data: {} })), chain: { B: links } };
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: rewritten });
    expect(decodeLedgerItemChange(changed, '1').changedAttributes).toEqual(['chain.hash', 'event.data', 'event.occurredAt']);
  });

  it('names a state digest dropped from the chain, or added to it with a new hash, as the links that changed', () => {
    const covered = item(2);
    const links = Buffer.from(covered.chain?.B as Uint8Array);
    const lean = { ...covered, chain: { B: links.subarray(0, 64) } };
    const dropped = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: covered, newImage: lean });
    expect(decodeLedgerItemChange(dropped, '1').changedAttributes).toEqual(['chain.stateDigest']);
    const rehashed = Buffer.from(links);
    rehashed.fill(0xcd, 32, 64);
    const added = stream.toChangeRecord({
      eventName: 'MODIFY',
      keys: keys(2),
      oldImage: lean,
      newImage: { ...covered, chain: { B: rehashed } },
    });
    expect(decodeLedgerItemChange(added, '1').changedAttributes).toEqual(['chain.hash', 'chain.stateDigest']);
  });

  it('names the packed event or chain whole when one of its versions cannot be read member by member', () => {
    const original = item(2);
    const rewritten = { ...original, event: { S: 'not json' }, chain: { B: new Uint8Array(3) } };
    const changed = stream.toChangeRecord({ eventName: 'MODIFY', keys: keys(2), oldImage: original, newImage: rewritten });
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
