import { gunzipSync, gzipSync } from 'node:zlib';
import { replayView } from '../../projections/projectExecutionView';
import type { ExecutionView } from '../../projections/executionView';
import {
  assembleView,
  HEADER_ITEM,
  splitView,
  type StoredParts,
  viewItems,
  ViewLayoutError,
  waveItemKey,
} from '../../src/adapters/dynamodb/executionViewItem';
import { planViewWrite } from '../../src/adapters/dynamodb/executionViewWrite';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { decodePageToken, encodePageToken, isInvalidNextToken } from '../../src/adapters/dynamodb/pageToken';
import { History, twoWavePlan } from './support/histories';

const view = replayView(new History('exec-1', twoWavePlan()).start(0).waveStarted(1, 60).events) as ExecutionView;

/** The items of a view as the table would hold them, by item key. */
const byKey = (items: Item[]) => new Map(items.map((item) => [item.item?.S as string, item]));
const assemble = (items: Item[]) => {
  const { [HEADER_ITEM]: header, ...waves } = Object.fromEntries(byKey(items));
  return assembleView(header, new Map(Object.entries(waves)));
};
const partsOf = (items: Item[]): StoredParts => assemble(items).parts;

describe('execution view items', () => {
  it('a header and one item per wave, read back as exactly the view', () => {
    const items = viewItems(view, 'w1');
    expect(items.map((item) => item.item?.S)).toEqual([HEADER_ITEM, 'WAVE#0001', 'WAVE#0002']);
    expect(assemble(items)).toMatchObject({ view, seq: view.seq });
    expect(assemble(items).view).toStrictEqual(view);
  });

  it('the header holds no server rows and no wave reasons; each wave item holds its servers in order', () => {
    const failedWave = {
      ...view,
      waveStatuses: view.waveStatuses.map((wave) => (wave.waveNumber === 1 ? { ...wave, failureReason: 'why' } : wave)),
    };
    const [header, first, second] = viewItems(failedWave, 'w1') as [Item, Item, Item];
    expect(header).not.toHaveProperty('serverExecutions');
    expect(header.waveStatuses?.L?.[0]?.M).not.toHaveProperty('failureReason');
    expect(header.waveWrites).toEqual({ L: [{ S: 'w1' }, { S: 'w1' }] });
    expect(first.failureReason).toEqual({ S: 'why' });
    // A wave's servers are one gzipped JSON value (a 4,000-server view then fits one Query page).
    const serversOf = (item: Item) =>
      (JSON.parse(gunzipSync(item.servers?.B as Uint8Array).toString('utf8')) as Array<{ serverId: string }>).map(
        (server) => server.serverId,
      );
    expect(serversOf(first)).toEqual(view.serverExecutions.filter((server) => server.waveNumber === 1).map((server) => server.serverId));
    expect(serversOf(second)).toEqual(view.serverExecutions.filter((server) => server.waveNumber === 2).map((server) => server.serverId));
    expect(assemble([header, first, second]).view).toStrictEqual(failedWave);
  });

  it('only a RUNNING header carries the index attribute; wave items never do', () => {
    const [header, ...waves] = viewItems(view);
    expect(header?.runningStatus).toEqual({ S: 'RUNNING' });
    expect(waves.every((item) => item.runningStatus === undefined)).toBe(true);
    expect(viewItems({ ...view, status: 'PAUSED' })[0]?.runningStatus).toBeUndefined();
  });

  it('leaves absent fields out rather than storing nulls', () => {
    const items = viewItems({ ...view, failureReason: undefined } as unknown as ExecutionView);
    expect(items[0]).not.toHaveProperty('failureReason');
    expect(JSON.stringify(items)).not.toContain('"NULL"');
  });

  it('refuses a view whose servers are not in wave order (they could not be read back in the same order)', () => {
    const shuffled = { ...view, serverExecutions: [...view.serverExecutions].reverse() };
    expect(() => splitView(shuffled)).toThrow(ViewLayoutError);
  });

  describe('a view is whole only as its header committed it', () => {
    it('a wave item from a write the header does not name makes it untrustworthy, as far as its newest item', () => {
      const committed = viewItems(view, 'w1');
      const newer = viewItems({ ...view, seq: view.seq + 1 }, 'w2');
      const torn = [committed[0], committed[1], newer[2]] as Item[];
      // Every item's seq is an event already in the ledger: a repair fills at least that far, never back.
      expect(assemble(torn)).toMatchObject({ view: undefined, seq: view.seq + 1 });
    });

    it('so does a missing wave item, and wave items without a header', () => {
      const [header, first] = viewItems(view, 'w1') as [Item, Item];
      expect(assemble([header, first]).view).toBeUndefined();
      expect(assembleView(undefined, new Map([[waveItemKey(1), first]]))).toMatchObject({ view: undefined, seq: 0 });
    });
  });

  describe('a write', () => {
    it('from nothing: every item, each only if absent', () => {
      const write = planViewWrite('views', view, undefined, 'w1');
      expect(write.waves.map((put) => put.Item?.item?.S)).toEqual(['WAVE#0001', 'WAVE#0002']);
      for (const put of [...write.waves, write.header]) {
        expect(put).toMatchObject({
          TableName: 'views',
          ConditionExpression: 'attribute_not_exists(#item)',
          ExpressionAttributeNames: { '#item': 'item' },
        });
      }
      expect(write.waves.every((put) => put.Item?.seq?.N === String(view.seq) && put.Item?.writeId?.S === 'w1')).toBe(true);
    });

    it('over a stored view: the wave in progress first, then the waves that changed, each conditional on the write it replaces; the header names the rest as they were', () => {
      const stored = partsOf(viewItems(view, 'w1'));
      const next: ExecutionView = {
        ...view,
        seq: view.seq + 1,
        serverExecutions: view.serverExecutions.map((server) => (server.waveNumber === 2 ? { ...server, status: 'PENDING' } : server)),
      };
      const write = planViewWrite('views', next, stored, 'w2');
      const conditionalOnW1 = { ConditionExpression: '#writeId = :writeId', ExpressionAttributeValues: { ':writeId': { S: 'w1' } } };
      // Wave 1 is in progress: every write over this read writes it first, so no two of them both land.
      expect(write.lead).toMatchObject({ Item: { item: { S: 'WAVE#0001' }, writeId: { S: 'w2' } }, ...conditionalOnW1 });
      expect(write.lead?.Item).not.toHaveProperty('base');
      expect(write.waves).toHaveLength(1);
      expect(write.waves[0]).toMatchObject({
        Item: { item: { S: 'WAVE#0002' }, seq: { N: String(next.seq) }, writeId: { S: 'w2' } },
        ...conditionalOnW1,
      });
      expect(write.header).toMatchObject({
        Item: { writeId: { S: 'w2' }, waveWrites: { L: [{ S: 'w2' }, { S: 'w2' }] }, seq: { N: String(next.seq) } },
        ...conditionalOnW1,
      });
    });

    it('rewrites a wave item newer than the view even with the same content: a committed item is never ahead of its header', () => {
      const ahead = viewItems({ ...view, seq: view.seq + 5 }, 'w9');
      const stored = partsOf([viewItems(view, 'w1')[0] as Item, ...ahead.slice(1)]);
      const write = planViewWrite('views', view, stored, 'w2');
      expect([write.lead, ...write.waves].map((put) => put?.Item?.item?.S)).toEqual(['WAVE#0001', 'WAVE#0002']);
    });

    describe('solo: a change to the wave in progress and to header fields nothing reads alone writes that wave item alone', () => {
      const polled: ExecutionView = {
        ...view,
        seq: view.seq + 1,
        lastPolled: '2026-01-01T13:00:00.000Z',
        lastEventAt: '2026-01-01T13:00:00.000Z',
        waveStatuses: view.waveStatuses.map((wave) => (wave.waveNumber === 1 ? { ...wave, serversLaunched: 1 } : wave)),
        serverExecutions: view.serverExecutions.map((server, index) => (index === 0 ? { ...server, status: 'LAUNCHED' } : server)),
      };

      it('one item, conditional on the one read, naming the header it extends; read back as exactly the view', () => {
        const committed = viewItems(view, 'w1');
        const write = planViewWrite('views', polled, partsOf(committed), 'w2');
        expect(write.header).toBeUndefined();
        expect(write.waves).toEqual([]);
        expect(write.lead).toMatchObject({
          Item: { item: { S: 'WAVE#0001' }, writeId: { S: 'w2' }, base: { S: 'w1' }, seq: { N: String(polled.seq) } },
          ConditionExpression: '#writeId = :writeId',
          ExpressionAttributeValues: { ':writeId': { S: 'w1' } },
        });
        const after = [committed[0], write.lead?.Item, committed[2]] as Item[];
        expect(assemble(after)).toMatchObject({ seq: polled.seq });
        expect(assemble(after).view).toStrictEqual(polled);
      });

      it('a header change alone goes solo too, and a field cleared is absent, not undefined', () => {
        const paused = { ...view, pauseRequested: { by: 'ops', at: '2026-01-01T12:00:00.000Z' } };
        const committed = viewItems(paused, 'w1');
        const { pauseRequested: _cleared, ...next } = { ...paused, seq: paused.seq + 1 };
        const write = planViewWrite('views', next, partsOf(committed), 'w2');
        expect(write.header).toBeUndefined();
        expect(assemble([committed[0], write.lead?.Item, committed[2]] as Item[]).view).toStrictEqual(next);
      });

      it('a solo item whose patch changes a field the header must carry (forged in the table) is not applied: the view reads as torn', () => {
        const committed = viewItems(view, 'w1');
        const solo = planViewWrite('views', polled, partsOf(committed), 'w2').lead?.Item as Item;
        const forged = { set: { status: 'COMPLETED' }, unset: [], waves: {} };
        const tampered = { ...solo, headerPatch: { B: gzipSync(Buffer.from(JSON.stringify(forged), 'utf8')) } };
        expect(assemble([committed[0], tampered, committed[2]] as Item[])).toMatchObject({ view: undefined, seq: polled.seq });
        // The same item with its own patch is the view: only the forged field made it torn.
        expect(assemble([committed[0], solo, committed[2]] as Item[]).view).toStrictEqual(polled);
      });

      it('the next solo write carries every change since the header, so the latest alone is the view', () => {
        const committed = viewItems(view, 'w1');
        const first = planViewWrite('views', polled, partsOf(committed), 'w2').lead?.Item as Item;
        const again = { ...polled, seq: polled.seq + 1, lastPolled: '2026-01-01T13:01:00.000Z' };
        const second = planViewWrite('views', again, partsOf([committed[0], first, committed[2]] as Item[]), 'w3');
        expect(second.lead).toMatchObject({ Item: { base: { S: 'w1' } }, ExpressionAttributeValues: { ':writeId': { S: 'w2' } } });
        expect(assemble([committed[0], second.lead?.Item, committed[2]] as Item[]).view).toStrictEqual(again);
      });

      it('not when the status, the index key, another wave or a wave in progress changes: those the header must carry', () => {
        const parts = partsOf(viewItems(view, 'w1'));
        const changes: ExecutionView[] = [
          { ...polled, status: 'PAUSED' },
          { ...polled, currentWave: 2 },
          {
            ...polled,
            waveStatuses: polled.waveStatuses.map((wave) => (wave.waveNumber === 1 ? { ...wave, drsJobId: 'drsjob-other' } : wave)),
          },
          {
            ...polled,
            serverExecutions: polled.serverExecutions.map((server) =>
              server.waveNumber === 2 ? { ...server, status: 'PENDING' } : server,
            ),
          },
        ];
        for (const next of changes) expect(planViewWrite('views', next, parts, 'w2').header).toBeDefined();
      });

      it('not over a torn view, nor at the same seq (a rebuild)', () => {
        const committed = viewItems(view, 'w1');
        const torn = partsOf([committed[0], committed[1], viewItems(view, 'w9')[2]] as Item[]);
        expect(planViewWrite('views', polled, torn, 'w2').header).toBeDefined();
        expect(planViewWrite('views', { ...polled, seq: view.seq }, partsOf(committed), 'w2').header).toBeDefined();
      });

      it('counts only over the header it extends: once another header commits, an unnamed solo item tears the view', () => {
        const committed = viewItems(view, 'w1');
        const solo = planViewWrite('views', polled, partsOf(committed), 'w2').lead?.Item as Item;
        const otherHeader = viewItems({ ...view, seq: polled.seq + 1 }, 'w3')[0] as Item;
        expect(assemble([otherHeader, solo, committed[2]] as Item[]).view).toBeUndefined();
      });
    });
  });

  it('page tokens round-trip and are checked', () => {
    const key = { runningStatus: { S: 'RUNNING' }, executionId: { S: 'exec-1' }, item: { S: HEADER_ITEM } };
    expect(
      decodePageToken(encodePageToken(key), ['runningStatus', 'executionId', 'item'], { runningStatus: 'RUNNING', item: HEADER_ITEM }),
    ).toEqual(key);
    let thrown: unknown;
    try {
      decodePageToken(encodePageToken(key), ['executionId']);
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidNextToken(thrown)).toBe(true);
  });
});
