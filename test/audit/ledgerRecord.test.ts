import { ledgerRecordFromItem } from '../../src/adapters/dynamodb/ledgerRecord';
import { type Item, toEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { evolve, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { executionStarted, wave1StartRequested } from '../fixtures/events';
import { legacyEventItem } from '../support/legacyEventItem';
import { asFormatThree, withPackedEvent } from '../support/packedItem';

/** A copy of a format-4 item whose `event` text `edit` changed (its links and JSON together). */
const withEventText = (item: Item, edit: (text: string) => string): Item => ({ ...item, event: { S: edit(item.event?.S ?? '') } });

const afterStart = evolve(initialState(), executionStarted());
const afterRequest = evolve(afterStart, wave1StartRequested);
const [startLink, requestLink] = chainEvents(undefined, [executionStarted(), wave1StartRequested], [afterStart, afterRequest]) as [
  ReturnType<typeof chainEvents>[number],
  ReturnType<typeof chainEvents>[number],
];
const without = (item: Item, name: string): Item => Object.fromEntries(Object.entries(item).filter(([key]) => key !== name));
const unreadable = (item: Item, problem: string) => ({ seq: Number(item.seq?.N), readable: false, problem });

describe('reading a format-4 item (what the store writes) for an audit', () => {
  const startItem = toEventItem(startLink, afterStart);
  const requestItem = toEventItem(requestLink, afterRequest);

  it('gives back the event, its links and its snapshot', () => {
    expect(ledgerRecordFromItem(requestItem)).toEqual({
      seq: 2,
      readable: true,
      layout: 'packed',
      stored: requestLink,
      snapshot: JSON.parse(JSON.stringify(afterRequest)),
    });
  });

  it('packs the event and its links: only the start carries the attributes of the execution-starts index', () => {
    expect(Object.keys(requestItem).sort()).toEqual(['event', 'executionId', 'seq', 'state']);
    expect(Object.keys(startItem).sort()).toEqual(['event', 'executionId', 'executionStart', 'occurredAt', 'planId', 'seq', 'state']);
    expect(ledgerRecordFromItem(startItem)).toMatchObject({ readable: true, stored: startLink });
  });

  it.each([
    ['an attribute the store never writes', { ...requestItem, note: { S: 'x' } }, 'unexpected attribute(s) note'],
    ['a format-2 attribute added', { ...requestItem, actor: { S: 'mallory' } }, 'unexpected attribute(s) actor'],
    [
      'links of the wrong length',
      withEventText(requestItem, (text) => text.slice(4)),
      'Event item field "event" does not begin with 64 or 96 bytes of links in base64',
    ],
    [
      'no links',
      withEventText(requestItem, (text) => text.slice(text.indexOf('{'))),
      'Event item field "event" does not begin with 64 or 96 bytes of links in base64',
    ],
    [
      'a `chain` added beside the links in its event (read as format 3, its event is not JSON)',
      { ...requestItem, chain: { B: new Uint8Array(96) } },
      'Event item field "event" is not JSON',
    ],
    ['an event that is not JSON', { ...requestItem, event: { S: '{"actor":' } }, 'Event item field "event" is not JSON'],
    ['an event that is a JSON array', { ...requestItem, event: { S: '[]' } }, 'Event item field "event" is not a JSON object'],
    [
      'an event neither text nor binary',
      { ...requestItem, event: { N: '1' } },
      'Event item field "event" is neither a string nor a binary',
    ],
    [
      'a gzipped event that is not gzip',
      { ...requestItem, event: { B: Buffer.from('not gzip') } },
      'Event item field "event" is not gzipped JSON of at most 4 MiB',
    ],
    [
      'a member missing from the event',
      withPackedEvent(requestItem, ({ occurredAt: _gone, ...rest }) => rest),
      'Event item field "occurredAt" is missing or malformed',
    ],
    [
      'a member written at the value format 4 leaves out (the same event, bytes the store never writes)',
      withPackedEvent(requestItem, (content) => ({ ...content, actor: 'system', schemaVersion: 2 })),
      '"event" holds schemaVersion, actor at the value format 4 leaves out',
    ],
    [
      'a member the event never has',
      withPackedEvent(requestItem, (content) => ({ ...content, note: 'x' })),
      '"event" has unexpected member(s) note',
    ],
    [
      "a key repeated in the event (the keys are the item's)",
      withPackedEvent(requestItem, (content) => ({ ...content, seq: 9 })),
      '"event" has unexpected member(s) seq',
    ],
    [
      'the start without its index marker',
      without(startItem, 'executionStart'),
      'ExecutionStarted without its execution-starts index marker',
    ],
    [
      "the start's index sort key moved (the listing would lie about when it started)",
      { ...startItem, occurredAt: { S: '2020-01-01T00:00:00.000Z' } },
      "the execution-starts index attributes (occurredAt, planId) are not the event's",
    ],
    [
      "the start's index plan changed",
      { ...startItem, planId: { S: 'rp-other' } },
      "the execution-starts index attributes (occurredAt, planId) are not the event's",
    ],
    [
      'index attributes on another event',
      { ...requestItem, executionStart: { S: 'EXECUTION' }, occurredAt: { S: '2026-01-01T00:00:00.000Z' } },
      'execution-starts index attribute(s) executionStart, occurredAt on an event other than ExecutionStarted',
    ],
  ])('says why it cannot be read: %s', (_case, item, problem) => {
    expect(ledgerRecordFromItem(item)).toEqual(unreadable(item, problem));
  });

  it('reads an item as the store writes most of them: no snapshot, 64 bytes of links, its hash covering its event alone', () => {
    const [, lean] = chainEvents(undefined, [executionStarted(), wave1StartRequested], [afterStart, undefined]);
    const item = toEventItem(lean as typeof requestLink, afterRequest, false);
    expect(item.event?.S?.indexOf('{')).toBe(88);
    expect(ledgerRecordFromItem(item)).toEqual({ seq: 2, readable: true, stored: lean, layout: 'packed' });
  });

  it('reads an item without a snapshot whose hash covers the digest of its state (written before digests were kept to snapshots)', () => {
    expect(ledgerRecordFromItem(without(requestItem, 'state'))).toEqual({ seq: 2, readable: true, stored: requestLink, layout: 'packed' });
  });

  it('reports an unreadable snapshot instead of throwing', () => {
    expect(ledgerRecordFromItem({ ...requestItem, state: { B: Buffer.from('not gzip') } })).toMatchObject({
      readable: false,
      problem: expect.stringContaining('not gzipped JSON'),
    });
  });
});

describe('reading a format-3 item (written before format 4, and for long events) for an audit', () => {
  const requestItem = asFormatThree(toEventItem(requestLink, afterRequest));

  it('gives back the event, its links and its snapshot', () => {
    expect(requestItem.chain?.B).toHaveLength(96);
    expect(ledgerRecordFromItem(requestItem)).toMatchObject({ seq: 2, readable: true, layout: 'packed', stored: requestLink });
  });

  it.each([
    [
      'a chain of the wrong length',
      { ...requestItem, chain: { B: new Uint8Array(80) } },
      'Event item field "chain" is missing or neither 64 nor 96 bytes',
    ],
    [
      'no chain (read as format 4: no links before its JSON)',
      without(requestItem, 'chain'),
      'Event item field "event" does not begin with 64 or 96 bytes of links in base64',
    ],
    [
      'a member missing from the event (format 3 leaves none out)',
      withPackedEvent(requestItem, ({ actor: _gone, ...rest }) => rest),
      'Event item field "actor" is missing or malformed',
    ],
  ])('says why it cannot be read: %s', (_case, item, problem) => {
    expect(ledgerRecordFromItem(item)).toEqual(unreadable(item, problem));
  });
});

describe('reading a format-2 item (written before format 3) for an audit, as before', () => {
  const startItem = legacyEventItem(startLink, afterStart);
  const requestItem = legacyEventItem(requestLink, afterRequest);

  it('gives back the event, its links and its snapshot', () => {
    expect(ledgerRecordFromItem(requestItem)).toEqual({
      seq: 2,
      readable: true,
      layout: 'attributes',
      stored: requestLink,
      snapshot: JSON.parse(JSON.stringify(afterRequest)),
    });
  });

  it.each([
    ['an attribute the store never writes', { ...requestItem, note: { S: 'x' } }, 'unexpected attribute(s) note'],
    ['a format-3 attribute added', { ...requestItem, chain: { B: new Uint8Array(96) } }, 'unexpected attribute(s) chain'],
    ['a hash that is not a digest', { ...requestItem, hash: { S: 'abc' } }, '"hash" is not a SHA-256 hex digest'],
    ['a missing field', without(requestItem, 'actor'), 'Event item field "actor" is missing or malformed'],
    [
      'the start without its index marker',
      without(startItem, 'executionStart'),
      'ExecutionStarted without its execution-starts index marker',
    ],
    [
      'an index marker on another event',
      { ...requestItem, executionStart: { S: 'EXECUTION' } },
      'execution-starts index marker on an event other than ExecutionStarted',
    ],
  ])('says why it cannot be read: %s', (_case, item, problem) => {
    expect(ledgerRecordFromItem(item)).toEqual(unreadable(item, problem));
  });

  it('a format-1 item (no digest) must carry its snapshot', () => {
    const [formatOne] = chainEvents(undefined, [executionStarted()]);
    const item = without(legacyEventItem(formatOne as NonNullable<typeof formatOne>, afterStart), 'state');
    expect(ledgerRecordFromItem(item)).toEqual(unreadable(item, 'no state snapshot'));
  });
});
