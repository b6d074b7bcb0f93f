import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { replayView } from '../../projections/projectExecutionView';
import { RebuildProgress, rebuildViews } from '../../projections/rebuild';
import { checkDrift } from '../../src/audit/checkDrift';
import type { ListingCheckpoint } from '../../src/audit/executionListing';
import type { ExecutionViewStore } from '../../src/ports/executionViewStore';
import { DrillWorld, startDrillWorld } from '../support/drillWorld';
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
  const key = (executionId: string) => ({ executionId: { S: executionId } });
  const setField = (executionId: string, expression: string, names: Record<string, string>, values: Record<string, unknown>) =>
    send(new UpdateItemCommand({ TableName: table(), Key: key(executionId), UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: marshall(values) }));
  const deleteView = (executionId: string) => send(new DeleteItemCommand({ TableName: table(), Key: key(executionId) }));
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
    await setField(failed, 'SET #waves[1].#end = :end', { '#waves': 'waveStatuses', '#end': 'endTime' }, { ':end': '2026-01-01T10:00:00.000Z' });
    await deleteView(cancelled);
    await setField(completed, 'SET #seq = :seq', { '#seq': 'seq' }, { ':seq': stale - 3 });

    const drift = await checkDrift(deps());
    expect(drift.checked).toBe(ids.length);
    expect(drift.drifted).toEqual(
      expect.arrayContaining([
        { executionId: paused, kind: 'different', storedSeq: expect.any(Number), ledgerSeq: expect.any(Number), fields: ['status'] },
        { executionId: failed, kind: 'different', storedSeq: expect.any(Number), ledgerSeq: expect.any(Number), fields: ['waveStatuses[1].endTime'] },
        { executionId: cancelled, kind: 'missing', ledgerSeq: expect.any(Number), fields: [] },
        { executionId: completed, kind: 'behind', storedSeq: stale - 3, ledgerSeq: stale, fields: ['seq'] },
      ]),
    );
    expect(drift.drifted).toHaveLength(4);

    const rebuilt = await rebuildViews(deps(), { pageSize: 3 });
    expect(rebuilt).toMatchObject({ completed: true, counts: { created: 1, replaced: 3, unchanged: ids.length - 4, conflict: 0 }, problems: [] });
    expect(await checkDrift(deps())).toEqual({ checked: ids.length, drifted: [] });
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
    const second = await rebuildViews(deps(), { pageSize: 2, checkpoint: saved, onProgress: ({ executionId }) => void processed.push(executionId) });
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
    const resumed = await rebuildViews(deps(), { pageSize: 3, ...(saved ? { checkpoint: saved } : {}), onProgress: ({ executionId }) => void processed.push(executionId) });
    expect(resumed.counts.created).toBe(ids.length - crashAfter);
    expect(processed).toEqual(ids);
    expect(await checkDrift(deps())).toEqual({ checked: ids.length, drifted: [] });
  });

  it('rebuilds one execution, and says when the ledger has none', async () => {
    const target = ids[1] as string;
    await setField(target, 'SET #status = :status', { '#status': 'status' }, { ':status': 'COMPLETED' });
    expect((await checkDrift(deps(), { executionId: target })).drifted).toMatchObject([{ executionId: target, kind: 'different', fields: ['status'] }]);
    expect(await rebuildViews(deps(), { executionId: target })).toMatchObject({ completed: true, counts: { replaced: 1 } });
    expect(await checkDrift(deps(), { executionId: target })).toEqual({ checked: 1, drifted: [] });
    expect(await rebuildViews(deps(), { executionId: 'exec-unknown' })).toMatchObject({ counts: { 'not-found': 1 }, problems: [{ executionId: 'exec-unknown', outcome: 'not-found' }] });
  });

  it('folds again from the ledger when another writer moves the view first, and gives up after the attempts', async () => {
    const target = ids[0] as string;
    await setField(target, 'SET #status = :status', { '#status': 'status' }, { ':status': 'RUNNING' });
    const real = world.harness.deps.views;
    let lost = 0;
    const losingOnce: Pick<ExecutionViewStore, 'get' | 'put'> = {
      get: (executionId) => real.get(executionId),
      put: async (view, expectedSeq) => (lost++ === 0 ? false : real.put(view, expectedSeq)),
    };
    expect(await rebuildViews({ ledger: world.harness.deps.store, views: losingOnce }, { executionId: target })).toMatchObject({ counts: { replaced: 1 } });
    expect(lost).toBe(2);

    await setField(target, 'SET #status = :status', { '#status': 'status' }, { ':status': 'RUNNING' });
    const alwaysLosing = { get: losingOnce.get, put: async () => false };
    expect(await rebuildViews({ ledger: world.harness.deps.store, views: alwaysLosing }, { executionId: target, maxWriteAttempts: 3 })).toMatchObject({
      counts: { conflict: 1 },
      problems: [{ executionId: target, outcome: 'conflict' }],
    });
    await rebuildViews(deps(), { executionId: target });
    expect(await checkDrift(deps())).toEqual({ checked: ids.length, drifted: [] });
  });
});
