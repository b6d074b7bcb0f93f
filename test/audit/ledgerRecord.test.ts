import { ledgerRecordFromItem } from '../../src/adapters/dynamodb/ledgerRecord';
import { toEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { evolve, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { executionStarted, wave1StartRequested } from '../fixtures/events';

const [startLink, requestLink] = chainEvents(undefined, [executionStarted(), wave1StartRequested]) as [
  ReturnType<typeof chainEvents>[number],
  ReturnType<typeof chainEvents>[number],
];
const afterStart = evolve(initialState(), startLink.event);
const startItem = toEventItem(startLink, afterStart);
const requestItem = toEventItem(requestLink, evolve(afterStart, requestLink.event));

describe('reading an events-table item for an audit', () => {
  it('gives back the event, its links and its snapshot', () => {
    expect(ledgerRecordFromItem(requestItem)).toEqual({
      seq: 2,
      readable: true,
      stored: requestLink,
      snapshot: JSON.parse(JSON.stringify(evolve(afterStart, requestLink.event))),
    });
  });

  it.each([
    ['an attribute the store never writes', { ...requestItem, note: { S: 'x' } }, 'unexpected attribute(s) note'],
    ['a hash that is not a digest', { ...requestItem, hash: { S: 'abc' } }, '"hash" is not a SHA-256 hex digest'],
    ['a missing field', (({ actor: _gone, ...rest }) => rest)(requestItem), 'Event item field "actor" is missing or malformed'],
    ['no snapshot', (({ state: _gone, ...rest }) => rest)(requestItem), 'no state snapshot'],
    [
      'the start without its index marker',
      (({ executionStart: _gone, ...rest }) => rest)(startItem),
      'ExecutionStarted without its execution-starts index marker',
    ],
    [
      'an index marker on another event',
      { ...requestItem, executionStart: { S: 'EXECUTION' } },
      'execution-starts index marker on an event other than ExecutionStarted',
    ],
  ])('says why it cannot be read: %s', (_case, item, problem) => {
    expect(ledgerRecordFromItem(item)).toEqual({ seq: Number(item.seq?.N), readable: false, problem });
  });

  it('reports an unreadable snapshot instead of throwing', () => {
    expect(ledgerRecordFromItem({ ...requestItem, state: { B: Buffer.from('not gzip') } })).toMatchObject({
      readable: false,
      problem: expect.stringContaining('not gzipped JSON'),
    });
  });
});
