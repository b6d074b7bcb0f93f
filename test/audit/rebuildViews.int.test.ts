import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteItemCommand, GetItemCommand, type PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { replayView } from '../../projections/projectExecutionView';
import { type RebuildProgress, rebuildViews } from '../../src/audit/rebuild';
import { checkDrift } from '../../src/audit/checkDrift';
import type { ListingCheckpoint } from '../../src/audit/executionListing';
import type { ExecutionViewStore } from '../../src/ports/executionViewStore';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { countRequests } from '../support/requestCounter';
import { cancelledDrill, completedDrill, failedServerDrill, pausedDrill, planCopy } from './support/drills';

describe('rebuilding and checking views against the ledger', () => {
  let world: DrillWorld;
  let ids: string[];

  beforeAll(async () => {
    world = await startDrillWorld();
    ids = [
      await pausedDrill(world, 'plan-a'),
      (await failedServerDrill(world, 'plan-b')).executionId,
      await cancelledDrill(world, 'plan-c'),
    ];
    for (const planId of ['plan-d', 'plan-e', 'plan-f', 'plan-g']) ids.push(await completedDrill(world, planCopy(planId)));
  });
  afterAll(() => world.stop());

  const deps = () => ({ ledger: world.harness.deps.store, views: world.harness.deps.views });
  const table = () => world.harness.dynamo.config.tables.executions;
  const send = (command: UpdateItemCommand | DeleteItemCommand | PutItemCommand) => world.harness.dynamo.client.send(command as never);
  /** A view's items: its header (where the view's own fields are) or one of its waves (where its servers are). */
  const key = (executionId: string, item = 'HEADER') => ({ executionId: { S: executionId }, item: { S: item } });
  const setField = (
    executionId: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
    item?: string,
  ) =>
    send(
      new UpdateItemCommand({
        TableName: table(),
        Key: key(executionId, item),
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
      }),
    );
  const itemKeys = async (executionId: string) =>
    (
      (
        await world.harness.dynamo.client.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'executionId = :id',
            ExpressionAttributeValues: { ':id': { S: executionId } },
          }),
        )
      ).Items ?? []
    ).map((item) => item.item?.S as string);
  const deleteView = async (executionId: string) => {
    for (const item of await itemKeys(executionId)) await send(new DeleteItemCommand({ TableName: table(), Key: key(executionId, item) }));
  };
  const expectAllViewsReplayed = async () => {
    for (const executionId of ids) {
      const events = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
      expect(await world.harness.deps.views.get(executionId)).toEqual(replayView(events));
    }
  };

  it('finds no drift in the views the projector wrote', async () => {
    expect(await checkDrift(deps())).toEqual({ checked: ids.length, drifted: [] });
  });

  it('lists exactly the corrupted views with what differs; a rebuild fixes them; the check then lists none', async () => {
    const [paused, failed, cancelled, completed] = ids as [string, string, string, string];
    const stale = (await world.harness.deps.views.get(completed))?.seq as number;
    await setField(paused, 'SET #status = :status', { '#status': 'status' }, { ':status': 'FAILED' });
    await setField(
      failed,
      'SET #waves[1].#end = :end',
      { '#waves': 'waveStatuses', '#end': 'endTime' },
      { ':end': '2026-01-01T10:00:00.000Z' },
    );
    await deleteView(cancelled);
    await setField(completed, 'SET #seq = :seq', { '#seq': 'seq' }, { ':seq': stale - 3 });

    const drift = await checkDrift(deps());
    expect(drift.checked).toBe(ids.length);
    expect(drift.drifted).toEqual(
      expect.arrayContaining([
        { executionId: paused, kind: 'different', storedSeq: expect.any(Number), ledgerSeq: expect.any(Number), fields: ['status'] },
        {
          executionId: failed,
          kind: 'different',
          storedSeq: expect.any(Number),
          ledgerSeq: expect.any(Number),
          fields: ['waveStatuses[1].endTime'],
        },
        { executionId: cancelled, kind: 'missing', ledgerSeq: expect.any(Number), fields: [] },
        { executionId: completed, kind: 'behind', storedSeq: stale - 3, ledgerSeq: stale, fields: ['seq'] },
      ]),
    );
    expect(drift.drifted).toHaveLength(4);

    const rebuilt = await rebuildViews(deps(), { pageSize: 3 });
    expect(rebuilt).toMatchObject({
      completed: true,
      counts: { created: 1, replaced: 3, unchanged: ids.length - 4, conflict: 0 },
      problems: [],
    });
    expect(await checkDrift(deps())).toEqual({ checked: ids.length, drifted: [] });
    await expectAllViewsReplayed();
  });

  it('finds a server row altered in a wave item; the rebuild rewrites that wave item, the wave in progress and the header only', async () => {
    const target = ids[3] as string;
    // The wave's servers are one gzipped JSON value: an insider rewrites it whole, with one server altered.
    const stored = await world.harness.dynamo.client.send(new GetItemCommand({ TableName: table(), Key: key(target, 'WAVE#0002') }));
    const servers = JSON.parse(gunzipSync(stored.Item?.servers?.B as Uint8Array).toString('utf8')) as Array<{ status: string }>;
    (servers[0] as { status: string }).status = 'TERMINATED';
    await setField(
      target,
      'SET #servers = :servers',
      { '#servers': 'servers' },
      { ':servers': gzipSync(Buffer.from(JSON.stringify(servers))) },
      'WAVE#0002',
    );
    const firstOfWave2 = (await world.harness.deps.views.get(target))?.serverExecutions.findIndex((server) => server.waveNumber === 2);
    expect((await checkDrift(deps(), { executionId: target })).drifted).toEqual([
      {
        executionId: target,
        kind: 'different',
        storedSeq: expect.any(Number),
        ledgerSeq: expect.any(Number),
        fields: [`serverExecutions[${firstOfWave2}].status`],
      },
    ]);
    const requests = countRequests(world.harness.dynamo.client);
    expect(await rebuildViews(deps(), { executionId: target })).toMatchObject({ counts: { replaced: 1 } });
    // The wave in progress leads every write that is not solo: a projector writing solo meanwhile loses to it, or it to the projector.
    expect(requests.counts.PutItemCommand).toBe(3);
    expect(await checkDrift(deps(), { executionId: target })).toEqual({ checked: 1, drifted: [] });
  });

  it('finds a view whose items a writer left half-written, and the rebuild repairs it', async () => {
    const target = ids[4] as string;
    // A wave item rewritten by a write whose header never landed: the header does not name it.
    await setField(target, 'SET #writeId = :writeId', { '#writeId': 'writeId' }, { ':writeId': 'uncommitted' }, 'WAVE#0001');
    expect(await world.harness.deps.views.get(target)).toBeUndefined();
    expect((await checkDrift(deps(), { executionId: target })).drifted).toEqual([
      { executionId: target, kind: 'torn', storedSeq: expect.any(Number), ledgerSeq: expect.any(Number), fields: [] },
    ]);
    expect(await rebuildViews(deps(), { executionId: target })).toMatchObject({ counts: { replaced: 1 } });
    expect(await checkDrift(deps(), { executionId: target })).toEqual({ checked: 1, drifted: [] });
    await expectAllViewsReplayed();
  });

  it('lists a view whose execution the ledger does not have', async () => {
    const view = await world.harness.deps.views.get(ids[0] as string);
    await world.harness.deps.views.put({ ...(view as NonNullable<typeof view>), executionId: 'exec-ghost' }, undefined);
    try {
      const drift = await checkDrift(deps());
      expect(drift.drifted).toEqual([{ executionId: 'exec-ghost', kind: 'orphan', storedSeq: view?.seq, fields: [] }]);
      expect((await checkDrift(deps(), { includeOrphans: false })).drifted).toEqual([]);
    } finally {
      await deleteView('exec-ghost');
    }
  });

  it('stops when asked and resumes from the checkpoint, processing each execution once', async () => {
    for (const executionId of ids) await deleteView(executionId);
    const processed: string[] = [];
    const controller = new AbortController();
    const first = await rebuildViews(deps(), {
      pageSize: 2,
      signal: controller.signal,
      onProgress: ({ executionId }) => {
        processed.push(executionId);
        if (processed.length === 3) controller.abort();
      },
    });
    expect(first.completed).toBe(false);
    expect(processed).toHaveLength(3);
    // The checkpoint is plain data: saved and read back, as a CLI would.
    const saved = JSON.parse(JSON.stringify(first.checkpoint)) as ListingCheckpoint;
    const second = await rebuildViews(deps(), {
      pageSize: 2,
      checkpoint: saved,
      onProgress: ({ executionId }) => void processed.push(executionId),
    });
    expect(second).toMatchObject({ completed: true, counts: { created: ids.length - 3, replaced: 0, unchanged: 0 } });
    expect(processed).toEqual(ids);
    await expectAllViewsReplayed();
  });

  it('resumes after a crash from the last checkpoint it reported', async () => {
    for (const executionId of ids) await deleteView(executionId);
    const processed: string[] = [];
    let saved: ListingCheckpoint | undefined;
    const crashAfter = 4;
    await expect(
      rebuildViews(deps(), {
        pageSize: 3,
        onProgress: (progress: RebuildProgress) => {
          processed.push(progress.executionId);
          saved = progress.checkpoint;
          if (processed.length === crashAfter) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const resumed = await rebuildViews(deps(), {
      pageSize: 3,
      ...(saved ? { checkpoint: saved } : {}),
      onProgress: ({ executionId }) => void processed.push(executionId),
    });
    expect(resumed.counts.created).toBe(ids.length - crashAfter);
    expect(processed).toEqual(ids);
    expect(await checkDrift(deps())).toEqual({ checked: ids.length, drifted: [] });
  });

  it('rebuilds one execution, and says when the ledger has none', async () => {
    const target = ids[1] as string;
    await setField(target, 'SET #status = :status', { '#status': 'status' }, { ':status': 'COMPLETED' });
    expect((await checkDrift(deps(), { executionId: target })).drifted).toMatchObject([
      { executionId: target, kind: 'different', fields: ['status'] },
    ]);
    expect(await rebuildViews(deps(), { executionId: target })).toMatchObject({ completed: true, counts: { replaced: 1 } });
    expect(await checkDrift(deps(), { executionId: target })).toEqual({ checked: 1, drifted: [] });
    expect(await rebuildViews(deps(), { executionId: 'exec-unknown' })).toMatchObject({
      counts: { 'not-found': 1 },
      problems: [{ executionId: 'exec-unknown', outcome: 'not-found' }],
    });
  });

  it('folds again from the ledger when another writer moves the view first, and gives up after the attempts', async () => {
    const target = ids[0] as string;
    await setField(target, 'SET #status = :status', { '#status': 'status' }, { ':status': 'RUNNING' });
    const real = world.harness.deps.views;
    let lost = 0;
    const losingOnce: Pick<ExecutionViewStore, 'read' | 'put'> = {
      read: (executionId) => real.read(executionId),
      put: async (view, over) => (lost++ === 0 ? false : real.put(view, over)),
    };
    expect(await rebuildViews({ ledger: world.harness.deps.store, views: losingOnce }, { executionId: target })).toMatchObject({
      counts: { replaced: 1 },
    });
    expect(lost).toBe(2);

    await setField(target, 'SET #status = :status', { '#status': 'status' }, { ':status': 'RUNNING' });
    const alwaysLosing = { read: losingOnce.read, put: async () => false };
    expect(
      await rebuildViews({ ledger: world.harness.deps.store, views: alwaysLosing }, { executionId: target, maxWriteAttempts: 3 }),
    ).toMatchObject({
      counts: { conflict: 1 },
      problems: [{ executionId: target, outcome: 'conflict' }],
    });
    await rebuildViews(deps(), { executionId: target });
    expect(await checkDrift(deps())).toEqual({ checked: ids.length, drifted: [] });
  });
});
