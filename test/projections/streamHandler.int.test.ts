import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { replayView } from '../../projections/projectExecutionView';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { waveItemKey } from '../../src/adapters/dynamodb/executionViewItem';
import { toStreamImage } from '../../src/adapters/dynamodb/streamImage';
import type { ExecutionViewStore } from '../../src/ports/executionViewStore';
import { countRequests, type RequestCounter } from '../support/requestCounter';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { crashBeforeNextViewHeader } from '../support/viewWriteFaults';
import { History, historySpecArb, OPERATOR, playHistory, renamed, twoWavePlan } from './support/histories';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { packedContent, packedEventValue } from '../support/packedItem';
import { intoBatches, ProjectorRig, sequenceNumberOf } from './support/projectorRig';

/** A two-wave drill that ran to completion: 12 events. */
const completedDrill = (executionId: string) =>
  new History(executionId, twoWavePlan(`rp-${executionId}`))
    .start(0)
    .waveStarted(1, 60)
    .waveLaunched(1, 300)
    .run({ type: 'Resume', resumedBy: OPERATOR, at: '2026-01-01T12:10:00.000Z' })
    .waveStarted(2, 660)
    .waveLaunched(2, 900)
    .run({ type: 'Finalize', at: '2026-01-01T12:46:00.000Z' }).events;

/** A record whose NEW_IMAGE was replaced: same keys and sequence number, different content. */
const withImage = (
  record: DynamoDBRecord | undefined,
  change: (image: Record<string, unknown>) => Record<string, unknown>,
): DynamoDBRecord => {
  if (!record?.dynamodb?.NewImage) throw new Error('record without an image');
  return { ...record, dynamodb: { ...record.dynamodb, NewImage: change(record.dynamodb.NewImage) as typeof record.dynamodb.NewImage } };
};

describe('projector stream handler on dynalite', () => {
  let context: DynamoTestContext;
  let rig: ProjectorRig;
  let requests: RequestCounter;
  let run = 0;
  const nextId = (name: string) => `exec-${name}-${(run += 1)}`;

  beforeAll(async () => {
    context = await startTestDynamo();
    rig = new ProjectorRig(context);
    requests = countRequests(context.client);
  });
  afterAll(() => stopTestDynamo(context));

  it('projects a ledger delivered in order into the view replay gives', async () => {
    const id = nextId('in-order');
    const records = await rig.append(completedDrill(id));
    expect(await rig.handler({ Records: records })).toEqual({ batchItemFailures: [] });
    const view = await rig.views.get(id);
    expect(view).toStrictEqual(await rig.replayed(id));
    expect(view).toMatchObject({ status: 'COMPLETED', seq: 12, duration: '46m' });
  });

  it('any delivery (duplicated, reordered, split in batches) leaves the view equal to the replayed ledger', async () => {
    const scenario = fc
      .array(historySpecArb('rp-prop', 20), { minLength: 1, maxLength: 3 })
      .map((specs) => specs.map((spec, index) => playHistory(`x${index}`, spec).events))
      .chain((histories) => {
        const count = histories.reduce((sum, events) => sum + events.length, 0);
        return fc
          .record({
            extra: fc.array(fc.nat(count - 1), { maxLength: count }),
            batchSizes: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
          })
          .chain(({ extra, batchSizes }) => {
            const indices = [...Array.from({ length: count }, (_, i) => i), ...extra];
            return fc
              .shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length })
              .map((order) => ({ histories, order, batchSizes }));
          });
      });

    await fc.assert(
      fc.asyncProperty(scenario, async ({ histories, order, batchSizes }) => {
        const ids = histories.map(() => nextId('prop'));
        const records: DynamoDBRecord[] = [];
        for (const [index, events] of histories.entries()) {
          records.push(...(await rig.append(renamed(events, ids[index] as string))));
        }
        const delivery = order.map((index) => records[index] as DynamoDBRecord);
        for (const batch of intoBatches(delivery, batchSizes)) {
          expect(await rig.handler({ Records: batch })).toEqual({ batchItemFailures: [] });
        }
        for (const id of ids) expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
      }),
      { numRuns: 200 },
    );
  });

  it('concurrent invocations for the same executions converge (conditional writes, reload and refold)', async () => {
    rig.log.lines.length = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(historySpecArb('rp-race', 20), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        async (specs, batchSize, seed) => {
          const ids = specs.map(() => nextId('race'));
          const records: DynamoDBRecord[] = [];
          for (const [index, spec] of specs.entries()) {
            records.push(...(await rig.append(playHistory(ids[index] as string, spec).events)));
          }
          // Every record twice, rotated, all batches at once; what fails is redelivered, as Lambda would.
          let pending = [...records, ...records].map((_, i, all) => all[(i + seed) % all.length] as DynamoDBRecord);
          for (let round = 0; pending.length > 0; round += 1) {
            if (round > 10) throw new Error('redelivery did not converge');
            const responses = await Promise.all(intoBatches(pending, [batchSize]).map((batch) => rig.handler({ Records: batch })));
            const failed = new Set(responses.flatMap((response) => response.batchItemFailures.map((failure) => failure.itemIdentifier)));
            pending = records.filter((record) => failed.has(sequenceNumberOf(record)));
          }
          for (const id of ids) expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
        },
      ),
      { numRuns: 30 },
    );
    // The property is only meaningful if writers did collide.
    expect(rig.log.lines.filter((line) => line.message === 'View moved while folding; reloading').length).toBeGreaterThan(0);
  });

  it('never moves a view back when old records are redelivered after newer ones, and writes nothing for them', async () => {
    const id = nextId('redelivered');
    const records = await rig.append(completedDrill(id));
    await rig.handler({ Records: records });
    const projected = await rig.views.get(id);

    requests.reset();
    for (const old of [records[0], records[4], records[11]]) {
      expect(await rig.handler({ Records: [old as DynamoDBRecord] })).toEqual({ batchItemFailures: [] });
    }
    expect(await rig.handler({ Records: [...records].reverse() })).toEqual({ batchItemFailures: [] });
    expect(requests.counts.PutItemCommand ?? 0).toBe(0);
    expect(await rig.views.get(id)).toStrictEqual(projected);
    expect(projected?.seq).toBe(12);
  });

  it('fills a gap from the ledger when a record arrives before the ones it follows', async () => {
    const id = nextId('gap');
    const records = await rig.append(completedDrill(id));
    await rig.handler({ Records: records.slice(0, 2) });

    requests.reset();
    expect(await rig.handler({ Records: [records[8] as DynamoDBRecord] })).toEqual({ batchItemFailures: [] });
    // One Query for the view's items, one for seq 3..8 from the ledger in one range.
    expect(requests.counts).toEqual({ QueryCommand: 2, PutItemCommand: expect.any(Number) });
    expect(await rig.views.get(id)).toMatchObject({ seq: 9 });

    await rig.handler({ Records: records.slice(2, 9) }); // the late ones: all duplicates now
    expect(await rig.views.get(id)).toMatchObject({ seq: 9 });
    await rig.handler({ Records: records.slice(9) });
    expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
  });

  it('projects the executions of a batch one after another: one view in memory at a time', async () => {
    const ids = [1, 2, 3, 4].map(() => nextId('one-at-a-time'));
    const records: DynamoDBRecord[] = [];
    for (const id of ids) records.push(...(await rig.append(completedDrill(id))));
    let open = 0;
    let most = 0;
    const slowReads: ExecutionViewStore = {
      ...rig.views,
      get: (executionId) => rig.views.get(executionId),
      listRunning: (pageSize, token) => rig.views.listRunning(pageSize, token),
      listAwaitingApproval: (pageSize, token) => rig.views.listAwaitingApproval(pageSize, token),
      listAll: (pageSize, token) => rig.views.listAll(pageSize, token),
      read: async (executionId) => {
        open += 1;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return rig.views.read(executionId);
      },
      put: async (view, over) => {
        try {
          return await rig.views.put(view, over);
        } finally {
          open -= 1;
        }
      },
    };
    // Interleaved, as a stream shard delivers several executions' records.
    const interleaved = records.map((_, i) => records[(i % 4) * 12 + Math.floor(i / 4)] as DynamoDBRecord);
    expect(await rig.handlerWith(slowReads)({ Records: interleaved })).toEqual({ batchItemFailures: [] });
    expect(most).toBe(1);
    for (const id of ids) expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
  });

  it('a projector killed between its wave items and its header: the records are redelivered and their write repairs the view', async () => {
    const id = nextId('killed');
    const records = await rig.append(completedDrill(id));
    await rig.handler({ Records: records.slice(0, 4) });
    crashBeforeNextViewHeader(context.client);
    // Seq 5..12 start and launch wave 2: its item is written, the header is not.
    const response = await rig.handler({ Records: records.slice(4) });
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(records.slice(4).map(sequenceNumberOf));
    expect(await rig.views.get(id)).toBeUndefined();
    // Torn, and counted as far as the wave item the killed write left (seq 12, in the ledger).
    expect(await rig.views.read(id)).toMatchObject({ view: undefined, seq: 12 });

    expect(await rig.handler({ Records: records.slice(4) })).toEqual({ batchItemFailures: [] });
    expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
  });

  it('repairs a half-written view even when the records it is handed are all older than it', async () => {
    const id = nextId('repair-old');
    const records = await rig.append(completedDrill(id));
    await rig.handler({ Records: records.slice(0, 8) });
    crashBeforeNextViewHeader(context.client);
    await rig.handler({ Records: records.slice(8) });
    expect(await rig.views.get(id)).toBeUndefined();
    // A duplicate of an old record arrives: the stored header's seq is 8, but its parts disagree, and the killed
    // write's wave item is at seq 12: the repair folds the ledger that far, never back to 8.
    expect(await rig.handler({ Records: [records[2] as DynamoDBRecord] })).toEqual({ batchItemFailures: [] });
    expect(await rig.views.get(id)).toStrictEqual(replayView((await rig.ledger.read(id, { toSeq: 12 })).map((stored) => stored.event)));
  });

  describe('a poison record', () => {
    it('is the only failure in a batch with records of two other executions, whose views are right', async () => {
      const [a, b] = [nextId('a'), nextId('b')];
      const recordsA = await rig.append(completedDrill(a));
      const recordsB = await rig.append(completedDrill(b).slice(0, 6));
      const poison = rig.stream.toRecord(marshall({ executionId: nextId('poison'), seq: 1, type: 'ExecutionStarted' }));
      const batch = [...recordsA.slice(0, 7), recordsB[0], poison, ...recordsA.slice(7), ...recordsB.slice(1)] as DynamoDBRecord[];
      rig.log.lines.length = 0;

      const response = await rig.handler({ Records: batch });

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(poison) }] });
      expect(await rig.views.get(a)).toStrictEqual(await rig.replayed(a));
      expect(await rig.views.get(b)).toStrictEqual(await rig.replayed(b));
      expect(rig.log.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
        'Stream record cannot be projected',
      ]);
    });

    it('that parses but cannot be folded fails alone; the execution keeps what the ledger says', async () => {
      const [c, d] = [nextId('c'), nextId('d')];
      const recordsC = await rig.append(completedDrill(c).slice(0, 4));
      const recordsD = await rig.append(completedDrill(d).slice(0, 3));
      // A record for seq 5 of C that the ledger never held, of a type the projector does not know.
      const forged = withImage(rig.stream.toRecord({ ...marshall({ executionId: c, seq: 5 }) }), () =>
        toStreamImage(
          marshall({
            executionId: c,
            planId: 'rp',
            seq: 5,
            type: 'WaveExploded',
            occurredAt: '2026-01-01T13:00:00.000Z',
            actor: 'system',
            schemaVersion: 1,
            data: {},
            prevHash: 'x',
            hash: 'y',
          }),
        ),
      );
      const response = await rig.handler({ Records: [...recordsC, forged, ...recordsD] });
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(forged) }] });
      expect(await rig.views.get(c)).toStrictEqual(await rig.replayed(c));
      expect(await rig.views.get(d)).toStrictEqual(await rig.replayed(d));
    });

    it('fails it and the later records of its execution only; redelivered intact, the view catches up', async () => {
      const [e, f] = [nextId('e'), nextId('f')];
      const recordsE = await rig.append(completedDrill(e).slice(0, 6));
      const recordsF = await rig.append(completedDrill(f).slice(0, 5));
      const corrupted = withImage(recordsE[2], (image) => ({
        ...image,
        event: packedEventValue(image as Item, { ...packedContent(image as Item), type: 'Bogus', data: 'not a map' }),
      }));
      const batch = [...recordsE.slice(0, 2), corrupted, ...recordsF, ...recordsE.slice(3)];

      const response = await rig.handler({ Records: batch });

      expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
        recordsE.slice(2).map(sequenceNumberOf).sort(),
      );
      expect(await rig.views.get(e)).toMatchObject({ seq: 2 });
      expect(await rig.views.get(f)).toStrictEqual(await rig.replayed(f));

      expect(await rig.handler({ Records: recordsE.slice(2) })).toEqual({ batchItemFailures: [] });
      expect(await rig.views.get(e)).toStrictEqual(await rig.replayed(e));
    });

    it('without keys or image is reported and touches nothing', async () => {
      const bare: DynamoDBRecord = {
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: '900000000000000000001', StreamViewType: 'NEW_IMAGE' },
      };
      expect(await rig.handler({ Records: [bare] })).toEqual({ batchItemFailures: [{ itemIdentifier: '900000000000000000001' }] });
    });
  });

  it('ignores MODIFY and REMOVE records: the ledger is append-only', async () => {
    const id = nextId('modify');
    const [first] = await rig.append(completedDrill(id).slice(0, 1));
    const response = await rig.handler({
      Records: [
        { ...first, eventName: 'MODIFY' },
        { ...first, eventName: 'REMOVE' },
      ],
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await rig.views.get(id)).toBeUndefined();
  });

  describe('losing a race to another writer', () => {
    /** A view store whose first put lets `race` run just before the write. */
    const racing = (race: () => Promise<unknown>): ExecutionViewStore => {
      let raced = false;
      return {
        get: (executionId) => rig.views.get(executionId),
        read: (executionId) => rig.views.read(executionId),
        put: async (view, over) => {
          if (!raced) {
            raced = true;
            await race();
          }
          return rig.views.put(view, over);
        },
        listRunning: (pageSize, token) => rig.views.listRunning(pageSize, token),
        listAwaitingApproval: (pageSize, token) => rig.views.listAwaitingApproval(pageSize, token),
        listAll: (pageSize, token) => rig.views.listAll(pageSize, token),
      };
    };

    it('reloads and refolds when the other writer got less far', async () => {
      const id = nextId('race-behind');
      const records = await rig.append(completedDrill(id));
      const handler = rig.handlerWith(racing(() => rig.handler({ Records: records.slice(0, 3) })));
      expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
      expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
    });

    it('writes nothing when the other writer got further', async () => {
      const id = nextId('race-ahead');
      const records = await rig.append(completedDrill(id));
      const handler = rig.handlerWith(racing(() => rig.handler({ Records: records })));
      expect(await handler({ Records: records.slice(0, 5) })).toEqual({ batchItemFailures: [] });
      expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
    });

    it('a writer whose lost write tore the view acknowledges none of its records; their redelivery repairs it', async () => {
      const id = nextId('race-torn');
      const records = await rig.append(completedDrill(id));
      await rig.handler({ Records: records });
      /** A wave item rewritten under the header: what a writer leaves that wrote its waves and lost its header. */
      const tear = () =>
        context.client.send(
          new UpdateItemCommand({
            TableName: context.config.tables.executions,
            Key: { executionId: { S: id }, item: { S: waveItemKey(1) } },
            UpdateExpression: 'SET writeId = :loser',
            ExpressionAttributeValues: { ':loser': { S: `a-losing-write-${Math.random()}` } },
          }),
        );
      await tear();
      // Each repair it attempts: another writer's repair commits first, then its own wave lands and its header loses.
      const tearingLoser: ExecutionViewStore = {
        ...racing(async () => undefined),
        put: async (view, over) => {
          await rig.views.put(view, over);
          await tear();
          return false;
        },
      };
      // Records the view already holds: only a repair writes, and every repair it tries ends torn.
      const handed = records.slice(0, 3);
      const response = await rig.handlerWith(tearingLoser, 2)({ Records: handed });
      expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(handed.map(sequenceNumberOf).sort());
      expect(await rig.views.get(id)).toBeUndefined();

      expect(await rig.handler({ Records: handed })).toEqual({ batchItemFailures: [] });
      expect(await rig.views.get(id)).toStrictEqual(await rig.replayed(id));
    });

    it('reports the records for redelivery when every attempt loses', async () => {
      const id = nextId('race-lost');
      const records = await rig.append(completedDrill(id).slice(0, 4));
      const alwaysLosing: ExecutionViewStore = { ...racing(async () => undefined), put: async () => false };
      const response = await rig.handlerWith(alwaysLosing, 2)({ Records: records });
      expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(records.map(sequenceNumberOf).sort());
    });
  });
});
