import { DeleteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { ExecutionView } from '../../projections/executionView';
import { replayView } from '../../projections/projectExecutionView';
import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { ViewItemTooLargeError } from '../../src/adapters/dynamodb/executionViewWrite';
import { encodePageToken, isInvalidNextToken } from '../../src/adapters/dynamodb/pageToken';
import type { ExecutionViewStore, StoredView } from '../../src/ports/executionViewStore';
import { countRequests, type RequestCounter } from '../support/requestCounter';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { crashBeforeNextViewHeader } from '../support/viewWriteFaults';
import { at, History, twoWavePlan } from './support/histories';
import { HEAVIEST_WAVES, largestView, LARGEST_TYPICAL, randomUtf8 } from './support/largestViews';

/** Views at each stage of a real history. */
const running = (executionId: string): ExecutionView => {
  const view = replayView(new History(executionId, twoWavePlan('rp-store')).start(0).waveStarted(1, 60).events);
  if (!view) throw new Error('no view');
  return view;
};
const paused = (executionId: string): ExecutionView => {
  const view = replayView(new History(executionId, twoWavePlan('rp-store')).start(0).waveStarted(1, 60).waveLaunched(1, 300).events);
  if (!view) throw new Error('no view');
  return view;
};
const completedFrom = (view: ExecutionView): ExecutionView => ({
  ...view,
  status: 'COMPLETED',
  endTime: at(3600),
  durationSeconds: 3600,
  duration: '1h',
  seq: view.seq + 1,
});
/** The view one event later, with one server of `waveNumber` changed. */
const serverChanged = (view: ExecutionView, waveNumber: number, hostname: string): ExecutionView => {
  const index = view.serverExecutions.findIndex((server) => server.waveNumber === waveNumber);
  return {
    ...view,
    seq: view.seq + 1,
    serverExecutions: view.serverExecutions.map((server, i) => (i === index ? { ...server, hostname } : server)),
  };
};

const pageAll = async (store: ExecutionViewStore, pageSize: number) => {
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = await store.listRunning(pageSize, token);
    pages.push(page.executions.map((execution) => execution.executionId));
    token = page.nextToken;
  } while (token);
  return pages;
};

describe('DynamoDB execution view store', () => {
  let context: DynamoTestContext;
  let store: DynamoExecutionViewStore;
  let requests: RequestCounter;

  beforeAll(async () => {
    context = await startTestDynamo();
    store = new DynamoExecutionViewStore(context.client, context.config.tables.executions);
    requests = countRequests(context.client);
  });
  afterAll(() => stopTestDynamo(context));

  /** Every stored item of an execution, by item key, read directly. */
  const rawItems = async (executionId: string) => {
    const output = await context.client.send(
      new QueryCommand({
        TableName: context.config.tables.executions,
        KeyConditionExpression: 'executionId = :id',
        ExpressionAttributeValues: { ':id': { S: executionId } },
      }),
    );
    return new Map((output.Items ?? []).map((item) => [item.item?.S as string, item]));
  };
  const putOver = async (view: ExecutionView) => store.put(view, await store.read(view.executionId));

  it('stores a view as a header and an item per wave, and reads back exactly the view', async () => {
    const view = running('exec-roundtrip');
    expect(await store.put(view, undefined)).toBe(true);
    expect(await store.get('exec-roundtrip')).toStrictEqual(view);
    const items = await rawItems('exec-roundtrip');
    expect([...items.keys()]).toEqual(['HEADER', 'WAVE#0001', 'WAVE#0002']);
    expect(items.get('HEADER')?.status).toEqual({ S: 'RUNNING' });
    expect(items.get('HEADER')?.seq).toEqual({ N: String(view.seq) });
    expect(items.get('WAVE#0001')?.seq).toEqual({ N: String(view.seq) });
  });

  it('round-trips 20 waves of 200 servers (every field, whatever it holds) in one Query', async () => {
    const view = largestView('exec-4000', LARGEST_TYPICAL, 40);
    expect(await store.put(view, undefined)).toBe(true);
    requests.reset();
    expect(await store.get('exec-4000')).toStrictEqual(view);
    expect(requests.counts).toEqual({ QueryCommand: 1 });
  });

  it('reads a view past the 1 MB page with as many Query pages as it takes', async () => {
    const view = largestView('exec-heaviest', HEAVIEST_WAVES, 40);
    expect(await store.put(view, undefined)).toBe(true);
    requests.reset();
    expect(await store.get('exec-heaviest')).toStrictEqual(view);
    expect(requests.counts.QueryCommand).toBeGreaterThan(1);
  });

  it('carries runningStatus on the header only while the view is RUNNING', async () => {
    const view = running('exec-index');
    await store.put(view, undefined);
    expect((await rawItems('exec-index')).get('HEADER')?.runningStatus).toEqual({ S: 'RUNNING' });
    const pausedView = paused('exec-index');
    expect(await putOver(pausedView)).toBe(true);
    expect((await rawItems('exec-index')).get('HEADER')?.runningStatus).toBeUndefined();
    expect(await store.get('exec-index')).toStrictEqual(pausedView);
  });

  it('writes the wave in progress first, then only the wave items whose content changed, then the header', async () => {
    const view = largestView('exec-changed', LARGEST_TYPICAL, 40);
    await store.put(view, undefined);
    const next = serverChanged(view, 7, 'renamed.example.com');
    const before = await store.read('exec-changed');
    requests.reset();
    expect(await store.put(next, before)).toBe(true);
    // Wave 20 is the view's current wave: every write over a read writes it, so two writes over one read never both land.
    expect(requests.counts).toEqual({ PutItemCommand: 3 });
    const items = await rawItems('exec-changed');
    expect(items.get('WAVE#0007')?.seq).toEqual({ N: String(next.seq) });
    expect(items.get('WAVE#0020')?.seq).toEqual({ N: String(next.seq) });
    expect(items.get('WAVE#0006')?.seq).toEqual({ N: String(view.seq) });
    expect(items.get('HEADER')?.seq).toEqual({ N: String(next.seq) });
    expect(await store.get('exec-changed')).toStrictEqual(next);

    requests.reset();
    expect(await store.put({ ...next, seq: next.seq + 1, lastPolled: at(4000) }, await store.read('exec-changed'))).toBe(true);
    expect(requests.counts).toEqual({ QueryCommand: 1, PutItemCommand: 1 });
  });

  it('a change to the wave in progress and to header fields nothing reads alone writes that wave item alone (a solo write)', async () => {
    const view = largestView('exec-solo', LARGEST_TYPICAL, 40);
    await store.put(view, undefined);
    let current = view;
    for (const hostname of ['one.example.com', 'two.example.com']) {
      current = { ...serverChanged(current, 20, hostname), lastPolled: at(4000 + current.seq) };
      const before = await store.read('exec-solo');
      requests.reset();
      expect(await store.put(current, before)).toBe(true);
      expect(requests.counts).toEqual({ PutItemCommand: 1 });
      const items = await rawItems('exec-solo');
      expect(items.get('HEADER')?.seq).toEqual({ N: String(view.seq) });
      expect(items.get('WAVE#0020')?.base).toEqual(items.get('HEADER')?.writeId);
      expect(await store.read('exec-solo')).toMatchObject({ seq: current.seq });
      expect(await store.get('exec-solo')).toStrictEqual(current);
    }
    // A write over a read from before the last solo write loses on that item: never back.
    const stale = await store.read('exec-solo');
    expect(await store.put({ ...current, seq: current.seq + 1, lastPolled: at(9000) }, await store.read('exec-solo'))).toBe(true);
    expect(await store.put(completedFrom(current), stale)).toBe(false);
    expect(await store.get('exec-solo')).toStrictEqual({ ...current, seq: current.seq + 1, lastPolled: at(9000) });
  });

  // The port's conditional-write semantics (create only over nothing, a stale read loses, a rewrite at the same
  // seq still makes an earlier reader lose, two writers at once) are the contract's: test/ports/executionViewStore.*.
  describe('writes conditionally', () => {
    it('refuses to write over a view that is gone', async () => {
      const view = running('exec-gone');
      await store.put(view, undefined);
      const read = await store.read('exec-gone');
      for (const key of (await rawItems('exec-gone')).keys()) {
        await context.client.send(
          new DeleteItemCommand({
            TableName: context.config.tables.executions,
            Key: { executionId: { S: 'exec-gone' }, item: { S: key } },
          }),
        );
      }
      expect(await store.put(completedFrom(view), read)).toBe(false);
    });

    it('refuses an item over the size limit before writing anything, naming it', async () => {
      const view = largestView('exec-too-large', HEAVIEST_WAVES, 40);
      const oversized = {
        ...view,
        serverExecutions: view.serverExecutions.map((server) =>
          server.waveNumber === 2 ? { ...server, failureReason: randomUtf8(2048) } : server,
        ),
      };
      requests.reset();
      await expect(store.put(oversized, undefined)).rejects.toThrow(ViewItemTooLargeError);
      await expect(store.put(oversized, undefined)).rejects.toThrow(/^Execution exec-too-large: view item WAVE#0002 would be \d+ bytes/);
      expect(requests.counts.PutItemCommand ?? 0).toBe(0);
      expect(await store.read('exec-too-large')).toBeUndefined();
    });
  });

  describe('without transactions', () => {
    it('a writer killed between its wave items and its header leaves a view no reader trusts; the next write repairs it', async () => {
      const view = largestView('exec-crash', LARGEST_TYPICAL, 40);
      await store.put(view, undefined);
      crashBeforeNextViewHeader(context.client);
      await expect(store.put(serverChanged(view, 3, 'half-written.example.com'), await store.read('exec-crash'))).rejects.toThrow(
        'writer killed',
      );

      expect(await store.get('exec-crash')).toBeUndefined();
      const torn = (await store.read('exec-crash')) as StoredView;
      // As far as its newest item (the killed writer's wave item): a repair never goes back past it.
      expect(torn).toMatchObject({ view: undefined, seq: view.seq + 1 });

      const repaired = serverChanged(serverChanged(view, 3, 'half-written.example.com'), 5, 'later.example.com');
      expect(await store.put(repaired, torn)).toBe(true);
      expect(await store.get('exec-crash')).toStrictEqual(repaired);
    });

    it('a writer that loses to another over the same read writes nothing: both write the wave in progress first', async () => {
      const view = largestView('exec-lost', LARGEST_TYPICAL, 40);
      await store.put(view, undefined);
      const [first, second] = [await store.read('exec-lost'), await store.read('exec-lost')];
      const winner = serverChanged(view, 1, 'winner.example.com');
      expect(await store.put(winner, second)).toBe(true);
      requests.reset();
      expect(await store.put(serverChanged(view, 2, 'loser.example.com'), first)).toBe(false);
      expect(requests.counts).toEqual({ PutItemCommand: 1 });
      expect(await store.get('exec-lost')).toStrictEqual(winner);
    });

    it('when no wave leads the write (a view with currentWave 0), a write that loses its header race leaves its wave items unnamed: readers see it, a write over a fresh read repairs it', async () => {
      const view = { ...largestView('exec-rebuilt', LARGEST_TYPICAL, 40), currentWave: 0 };
      await store.put(view, undefined);
      const [first, second] = [await store.read('exec-rebuilt'), await store.read('exec-rebuilt')];
      const winner = serverChanged(view, 1, 'winner.example.com');
      expect(await store.put(winner, second)).toBe(true);
      // No wave in progress to contend on: the loser's wave item lands, its header cannot.
      expect(await store.put(serverChanged(view, 2, 'loser.example.com'), first)).toBe(false);
      expect(await store.get('exec-rebuilt')).toBeUndefined();

      const fresh = await store.read('exec-rebuilt');
      expect(fresh).toMatchObject({ view: undefined, seq: winner.seq });
      expect(await store.put(winner, fresh)).toBe(true);
      expect(await store.get('exec-rebuilt')).toStrictEqual(winner);
    });
  });

  describe('listing', () => {
    // A table of its own, so the index holds exactly the views this block writes.
    let own: DynamoTestContext;
    let views: DynamoExecutionViewStore;
    let ownRequests: RequestCounter;
    const ids = Array.from({ length: 25 }, (_, i) => `exec-run-${String(i).padStart(2, '0')}`);

    beforeAll(async () => {
      own = await startTestDynamo();
      views = new DynamoExecutionViewStore(own.client, own.config.tables.executions);
      ownRequests = countRequests(own.client);
      for (const id of ids) await views.put(running(id), undefined);
      for (let i = 0; i < 6; i += 1) await views.put(completedFrom(running(`exec-done-${i}`)), undefined);
      for (let i = 0; i < 3; i += 1) await views.put(paused(`exec-paused-${i}`), undefined);
    });
    afterAll(() => stopTestDynamo(own));

    it('pages the sparse index with Query, never Scan: 25 RUNNING of 34 views, page size 10, 3 pages', async () => {
      ownRequests.reset();
      const pages = await pageAll(views, 10);
      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      expect(pages.flat().sort()).toEqual(ids);
      expect(ownRequests.counts).toEqual({ QueryCommand: 3 });
    });

    it('gives each execution with its plan', async () => {
      const page = await views.listRunning(1);
      expect(page.executions).toEqual([{ executionId: expect.stringMatching(/^exec-run-/), planId: 'rp-store' }]);
      expect(page.nextToken).toEqual(expect.any(String));
    });

    it('drops a view from the index when it stops RUNNING', async () => {
      const id = ids[7] as string;
      expect(await views.put(completedFrom(running(id)), await views.read(id))).toBe(true);
      expect((await pageAll(views, 10)).flat().sort()).toEqual(ids.filter((other) => other !== id));
    });

    it("reads find's waves in progress from the header items alone, one BatchGetItem per 100", async () => {
      ownRequests.reset();
      const jobs = await views.wavesInProgress(['exec-run-00', 'exec-run-01', 'exec-paused-0', 'exec-unknown']);
      expect(jobs.map((job) => [job.executionId, job.waveNumber, job.drsJobIds]).sort()).toEqual([
        ['exec-run-00', 1, [expect.stringMatching(/^drsjob-/)]],
        ['exec-run-01', 1, [expect.stringMatching(/^drsjob-/)]],
      ]);
      expect(ownRequests.counts).toEqual({ BatchGetItemCommand: 1 });
    });

    it('rejects a token it did not issue, clearly', async () => {
      const bad = [
        'not base64!',
        Buffer.from('{"executionId":').toString('base64url'),
        Buffer.from('[1,2]').toString('base64url'),
        encodePageToken({ executionId: { S: 'x' } }),
        encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'RUNNING' } }),
        encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'PAUSED' }, item: { S: 'HEADER' } }),
        encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'RUNNING' }, item: { S: 'WAVE#0001' } }),
        encodePageToken({ executionId: { N: '1' }, runningStatus: { S: 'RUNNING' }, item: { S: 'HEADER' } }),
        encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'RUNNING' }, item: { S: 'HEADER' }, planId: { S: 'y' } }),
      ];
      for (const token of bad) {
        const error = await views.listRunning(10, token).catch((thrown: unknown) => thrown);
        expect(isInvalidNextToken(error)).toBe(true);
        expect((error as Error).message).toMatch(/^Invalid nextToken: /);
      }
    });

    it('rejects a page size DynamoDB would not honour', async () => {
      await expect(views.listRunning(0)).rejects.toThrow(RangeError);
      await expect(views.listRunning(1.5)).rejects.toThrow(RangeError);
    });

    it('listAll pages every execution once, not every item (a Scan keeping headers, for rebuilds)', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await views.listAll(7, token);
        seen.push(...page.executionIds);
        token = page.nextToken;
        pages += 1;
      } while (token);
      // 34 views of 3 items each: 102 items, 7 a page.
      expect(pages).toBeGreaterThanOrEqual(15);
      expect(seen.sort()).toEqual(
        [...ids, ...[0, 1, 2, 3, 4, 5].map((i) => `exec-done-${i}`), ...[0, 1, 2].map((i) => `exec-paused-${i}`)].sort(),
      );
      await expect(views.listAll(7, encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'RUNNING' } }))).rejects.toThrow(
        /Invalid nextToken/,
      );
    });
  });
});
