import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ExecutionView } from '../../projections/executionView';
import { replayView } from '../../projections/projectExecutionView';
import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { encodePageToken, isInvalidNextToken } from '../../src/adapters/dynamodb/pageToken';
import type { ExecutionViewStore } from '../../src/ports/executionViewStore';
import { countRequests, RequestCounter } from '../support/requestCounter';
import { DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { at, History, twoWavePlan } from './support/histories';

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

  beforeAll(async () => {
    context = await startTestDynamo();
    store = new DynamoExecutionViewStore(context.client, context.config.tables.executions);
  });
  afterAll(() => stopTestDynamo(context));

  const rawItem = async (executionId: string) =>
    (await context.client.send(new GetItemCommand({ TableName: context.config.tables.executions, Key: { executionId: { S: executionId } } }))).Item;

  it('stores a view as attributes and reads back exactly the view', async () => {
    const view = running('exec-roundtrip');
    expect(await store.put(view, undefined)).toBe(true);
    expect(await store.get('exec-roundtrip')).toStrictEqual(view);
    const item = await rawItem('exec-roundtrip');
    expect(item?.status).toEqual({ S: 'RUNNING' });
    expect(item?.seq).toEqual({ N: String(view.seq) });
    expect(item?.waveStatuses?.L?.length).toBe(2);
  });

  it('returns undefined for an execution without a view', async () => {
    expect(await store.get('exec-missing')).toBeUndefined();
  });

  it('carries runningStatus only while the view is RUNNING', async () => {
    const view = running('exec-index');
    await store.put(view, undefined);
    expect((await rawItem('exec-index'))?.runningStatus).toEqual({ S: 'RUNNING' });
    const pausedView = { ...paused('exec-index') };
    expect(await store.put(pausedView, view.seq)).toBe(true);
    expect((await rawItem('exec-index'))?.runningStatus).toBeUndefined();
    expect(await store.get('exec-index')).toStrictEqual(pausedView);
  });

  describe('writes conditionally', () => {
    it('creates only when no view exists', async () => {
      const view = running('exec-create');
      expect(await store.put(view, undefined)).toBe(true);
      expect(await store.put({ ...view, seq: view.seq + 1 }, undefined)).toBe(false);
      expect(await store.get('exec-create')).toStrictEqual(view);
    });

    it('replaces only the seq the writer read', async () => {
      const view = running('exec-replace');
      await store.put(view, undefined);
      const next = completedFrom(view);
      expect(await store.put(next, view.seq - 1)).toBe(false);
      expect(await store.put(next, view.seq)).toBe(true);
      expect(await store.put(completedFrom(next), view.seq)).toBe(false);
      expect(await store.get('exec-replace')).toStrictEqual(next);
    });

    it('refuses to replace a view that does not exist', async () => {
      expect(await store.put(running('exec-never'), 3)).toBe(false);
    });
  });

  describe('listRunning', () => {
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
      const view = running(id);
      expect(await views.put(completedFrom(view), view.seq)).toBe(true);
      expect((await pageAll(views, 10)).flat().sort()).toEqual(ids.filter((other) => other !== id));
    });

    it('rejects a token it did not issue, clearly', async () => {
      const bad = [
        'not base64!',
        Buffer.from('{"executionId":').toString('base64url'),
        Buffer.from('[1,2]').toString('base64url'),
        encodePageToken({ executionId: { S: 'x' } }),
        encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'PAUSED' } }),
        encodePageToken({ executionId: { N: '1' }, runningStatus: { S: 'RUNNING' } }),
        encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'RUNNING' }, planId: { S: 'y' } }),
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

    it('listAll pages every view id (a keys-only Scan, for rebuilds)', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await views.listAll(7, token);
        seen.push(...page.executionIds);
        token = page.nextToken;
        pages += 1;
      } while (token);
      expect(pages).toBeGreaterThanOrEqual(5);
      expect(seen.sort()).toEqual([...ids, ...[0, 1, 2, 3, 4, 5].map((i) => `exec-done-${i}`), ...[0, 1, 2].map((i) => `exec-paused-${i}`)].sort());
      await expect(views.listAll(7, encodePageToken({ executionId: { S: 'x' }, runningStatus: { S: 'RUNNING' } }))).rejects.toThrow(/Invalid nextToken/);
    });
  });
});
