/**
 * The ExecutionViewStore contract, run against every implementation (in memory in a unit test, DynamoDB on
 * dynalite in an integration test): optimistic writes over what a read saw, and the listings find, rebuilds
 * and drift checks page through.
 */
import type { ExecutionView } from '../../projections/executionView';
import { replayView } from '../../projections/projectExecutionView';
import type { ExecutionViewStore } from '../../src/ports/executionViewStore';
import { at, History, twoWavePlan } from '../projections/support/histories';

export interface ViewStoreUnderTest {
  store: ExecutionViewStore;
  cleanup: () => Promise<void>;
}

const viewOf = (history: History): ExecutionView => {
  const view = replayView(history.events);
  if (!view) throw new Error('no view');
  return view;
};

/** RUNNING, wave 1 IN_PROGRESS with its DRS job. */
export const runningView = (executionId: string, planId = 'rp-views'): ExecutionView =>
  viewOf(new History(executionId, twoWavePlan(planId)).start(0).waveStarted(1, 60));
/** PAUSED before wave 2 (wave 1 completed). */
export const pausedView = (executionId: string, planId = 'rp-views'): ExecutionView =>
  viewOf(new History(executionId, twoWavePlan(planId)).start(0).waveStarted(1, 60).waveLaunched(1, 300));
/** The view one event later, ended. */
export const completedFrom = (view: ExecutionView): ExecutionView => ({
  ...view,
  status: 'COMPLETED',
  endTime: at(3600),
  durationSeconds: 3600,
  duration: '1h',
  seq: view.seq + 1,
});

const pageAll = async (list: (token?: string) => Promise<{ ids: string[]; nextToken?: string }>, pageSize: number) => {
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    expect(page.ids.length).toBeLessThanOrEqual(pageSize);
    pages.push(page.ids);
    token = page.nextToken;
  } while (token);
  return pages;
};

export const describeViewStoreContract = (name: string, makeStore: () => Promise<ViewStoreUnderTest>): void => {
  describe(`ExecutionViewStore contract: ${name}`, () => {
    let underTest: ViewStoreUnderTest;
    let store: ExecutionViewStore;

    beforeAll(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });
    afterAll(() => underTest?.cleanup());

    it('given no view, get and read answer undefined', async () => {
      expect(await store.get('exec-missing')).toBeUndefined();
      expect(await store.read('exec-missing')).toBeUndefined();
    });

    it('given a view put over nothing, get answers exactly it and read answers it with its seq', async () => {
      const view = runningView('exec-roundtrip');
      expect(await store.put(view, undefined)).toBe(true);
      expect(await store.get('exec-roundtrip')).toStrictEqual(view);
      expect(await store.read('exec-roundtrip')).toMatchObject({ view, seq: view.seq });
    });

    it('when a writer puts over what it read, the view moves on, and a later read sees the new one', async () => {
      const view = runningView('exec-advance');
      await store.put(view, undefined);
      const next = pausedView('exec-advance');
      expect(await store.put(next, await store.read('exec-advance'))).toBe(true);
      expect(await store.read('exec-advance')).toMatchObject({ view: next, seq: next.seq });
      expect(await store.put(completedFrom(next), await store.read('exec-advance'))).toBe(true);
      expect(await store.get('exec-advance')).toStrictEqual(completedFrom(next));
    });

    describe('writes are conditional: the first writer wins', () => {
      it('a put over nothing loses when a view exists', async () => {
        const view = runningView('exec-create');
        expect(await store.put(view, undefined)).toBe(true);
        expect(await store.put({ ...view, seq: view.seq + 1 }, undefined)).toBe(false);
        expect(await store.get('exec-create')).toStrictEqual(view);
      });

      it('a put over a stale read loses: a writer behind another never moves the view back', async () => {
        const view = runningView('exec-stale');
        await store.put(view, undefined);
        const slow = await store.read('exec-stale');
        const fast = await store.read('exec-stale');
        const further = completedFrom(completedFrom(view));
        expect(await store.put(further, fast)).toBe(true);
        expect(await store.put(completedFrom(view), slow)).toBe(false);
        // What a read saw is good for one write only.
        expect(await store.put(completedFrom(view), fast)).toBe(false);
        expect(await store.get('exec-stale')).toStrictEqual(further);
      });

      it('a rewrite at the same seq (a rebuild) still makes a writer that read before it lose', async () => {
        const view = runningView('exec-same-seq');
        await store.put(view, undefined);
        const projector = await store.read('exec-same-seq');
        expect(await store.put({ ...view, lastPolled: at(120) }, await store.read('exec-same-seq'))).toBe(true);
        expect(await store.put(completedFrom(view), projector)).toBe(false);
        expect(await store.get('exec-same-seq')).toStrictEqual({ ...view, lastPolled: at(120) });
      });

      it('of two puts at once over the same read, exactly one wins', async () => {
        const view = runningView('exec-race');
        await store.put(view, undefined);
        const read = await store.read('exec-race');
        const mine = { ...view, seq: view.seq + 1, lastPolled: at(100) };
        const theirs = { ...view, seq: view.seq + 1, lastPolled: at(200) };
        const results = await Promise.all([store.put(mine, read), store.put(theirs, read)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get('exec-race')).toStrictEqual(results[0] ? mine : theirs);
      });

      it('of two puts at once over nothing, exactly one creates the view', async () => {
        const view = runningView('exec-create-race');
        const results = await Promise.all([store.put(view, undefined), store.put({ ...view, lastPolled: at(5) }, undefined)]);
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    it('what callers hold is a copy: changing a view after its put, or what get answered, changes nothing stored', async () => {
      const view = runningView('exec-copies');
      const pristine = structuredClone(view);
      await store.put(view, undefined);
      view.status = 'FAILED';
      view.waveStatuses[0]!.status = 'FAILED';
      const got = (await store.get('exec-copies')) as ExecutionView;
      got.serverExecutions[0]!.hostname = 'forged';
      const read = await store.read('exec-copies');
      read!.view!.planName = 'forged';
      expect(await store.get('exec-copies')).toStrictEqual(pristine);
    });

    describe('listings (a store of its own)', () => {
      let own: ViewStoreUnderTest;
      const running = Array.from({ length: 7 }, (_, i) => `exec-run-${i}`);
      const paused = ['exec-paused-0', 'exec-paused-1'];
      const done = ['exec-done-0', 'exec-done-1', 'exec-done-2'];

      beforeAll(async () => {
        own = await makeStore();
        // Written out of order, each RUNNING one with its own plan.
        for (const id of [...running].reverse()) await own.store.put(runningView(id, `rp-${id}`), undefined);
        for (const id of paused) await own.store.put(pausedView(id), undefined);
        for (const id of done) await own.store.put(completedFrom(runningView(id)), undefined);
      });
      afterAll(() => own?.cleanup());

      const listRunning = (pageSize: number) => async (token?: string) => {
        const page = await own.store.listRunning(pageSize, token);
        return { ids: page.executions.map((execution) => execution.executionId), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      };

      it('listRunning pages only the RUNNING views, each once, with its plan', async () => {
        const pages = await pageAll(listRunning(3), 3);
        expect(pages.length).toBeGreaterThanOrEqual(3);
        expect(pages.flat().sort()).toEqual([...running].sort());
        const all = await own.store.listRunning(1000);
        expect(all.executions.sort((a, b) => a.executionId.localeCompare(b.executionId))).toEqual(
          running.map((id) => ({ executionId: id, planId: `rp-${id}` })),
        );
      });

      it('a view that stops RUNNING leaves listRunning; one that runs again comes back', async () => {
        const id = 'exec-run-3';
        const view = (await own.store.get(id)) as ExecutionView;
        expect(await own.store.put(completedFrom(view), await own.store.read(id))).toBe(true);
        expect((await pageAll(listRunning(2), 2)).flat().sort()).toEqual(running.filter((other) => other !== id).sort());
        expect(await own.store.put({ ...view, seq: view.seq + 2 }, await own.store.read(id))).toBe(true);
        expect((await pageAll(listRunning(2), 2)).flat().sort()).toEqual([...running].sort());
      });

      it('wavesInProgress answers the DRS jobs of waves in progress, leaving out a paused execution and an unknown one', async () => {
        const jobs = await own.store.wavesInProgress?.(['exec-run-0', 'exec-run-1', 'exec-paused-0', 'exec-unknown']);
        expect(jobs?.map((job) => [job.executionId, job.waveNumber, job.drsJobIds]).sort()).toEqual([
          ['exec-run-0', 1, [expect.stringMatching(/^drsjob-/)]],
          ['exec-run-1', 1, [expect.stringMatching(/^drsjob-/)]],
        ]);
      });

      it('listAwaitingApproval pages the PAUSED views whose approval has a deadline, and only while it waits', async () => {
        const waiting = (id: string, deadline?: string): ExecutionView => ({
          ...pausedView(id),
          pendingApproval: {
            waveNumber: 2,
            approvers: ['arn:aws:iam::123456789012:user/*'],
            excludeStarter: true,
            onTimeout: 'CANCEL',
            ...(deadline ? { deadline } : {}),
          },
        });
        const ids = ['exec-approval-0', 'exec-approval-1', 'exec-approval-2'];
        for (const id of ids) await own.store.put(waiting(id, at(30)), undefined);
        await own.store.put(waiting('exec-approval-forever'), undefined);
        const listWaiting = (pageSize: number) => async (token?: string) => {
          const page = await own.store.listAwaitingApproval(pageSize, token);
          return {
            ids: page.executions.map((execution) => execution.executionId),
            ...(page.nextToken ? { nextToken: page.nextToken } : {}),
          };
        };
        expect((await pageAll(listWaiting(2), 2)).flat().sort()).toEqual(ids);
        // Once approved (RUNNING again) it leaves the listing; RUNNING views never appear in it.
        const first = (await own.store.get('exec-approval-0')) as ExecutionView;
        const { pendingApproval: _approved, ...rest } = first;
        expect(await own.store.put({ ...rest, status: 'RUNNING', seq: first.seq + 1 }, await own.store.read('exec-approval-0'))).toBe(true);
        expect((await pageAll(listWaiting(2), 2)).flat().sort()).toEqual(ids.slice(1));
        for (const id of ids.slice(1)) {
          const view = (await own.store.get(id)) as ExecutionView;
          expect(await own.store.put(completedFrom(view), await own.store.read(id))).toBe(true);
        }
      });

      it('listCleanupPending pages the ended drills whose cleanup has not completed, started or not', async () => {
        const cleaning = (view: ExecutionView, status: 'WAITING' | 'FAILED' | 'COMPLETED'): ExecutionView => ({
          ...view,
          seq: view.seq + 1,
          cleanup: { status, dueAt: at(3600), keepAliveMinutes: 0, attempts: 0, failures: 0, terminated: 0, remaining: 2 },
        });
        const started = ['exec-cleanup-0', 'exec-cleanup-1', 'exec-cleanup-2'];
        for (const id of started) await own.store.put(cleaning(completedFrom(runningView(id)), 'WAITING'), undefined);
        // An ended drill whose cleanup was never started (its end's writer died): find must start it.
        await own.store.put(completedFrom(runningView('exec-cleanup-none')), undefined);
        await own.store.put({ ...completedFrom(runningView('exec-cleanup-recovery')), executionType: 'RECOVERY' }, undefined);
        const ids = [...started, 'exec-cleanup-none'];
        const listPending = (pageSize: number) => async (token?: string) => {
          const page = await (own.store.listCleanupPending as NonNullable<typeof own.store.listCleanupPending>)(pageSize, token);
          return {
            // Other tests' ended drills never started a cleanup either: only this test's are looked at.
            ids: page.executions.map((execution) => execution.executionId).filter((id) => id.startsWith('exec-cleanup')),
            ...(page.nextToken ? { nextToken: page.nextToken } : {}),
          };
        };
        expect((await pageAll(listPending(2), 2)).flat().sort()).toEqual(ids);
        // A failure keeps it listed (a retry is due); completion takes it out.
        const failed = (await own.store.get('exec-cleanup-0')) as ExecutionView;
        expect(await own.store.put(cleaning(failed, 'FAILED'), await own.store.read('exec-cleanup-0'))).toBe(true);
        const done = (await own.store.get('exec-cleanup-1')) as ExecutionView;
        expect(await own.store.put(cleaning(done, 'COMPLETED'), await own.store.read('exec-cleanup-1'))).toBe(true);
        expect((await pageAll(listPending(2), 2)).flat().sort()).toEqual(['exec-cleanup-0', 'exec-cleanup-2', 'exec-cleanup-none']);
        // Never a RUNNING view: it is listed by listRunning alone.
        expect((await pageAll(listPending(10), 10)).flat().some((id) => id.startsWith('exec-run'))).toBe(false);
      });

      it('listAll pages every execution with a view once, whatever its status', async () => {
        const pages = await pageAll(async (token) => {
          const page = await own.store.listAll(4, token);
          return { ids: page.executionIds, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
        }, 4);
        expect(
          pages
            .flat()
            .filter((id) => !id.startsWith('exec-approval') && !id.startsWith('exec-cleanup'))
            .sort(),
        ).toEqual([...running, ...paused, ...done].sort());
      });

      it('refuses a page size outside 1 to 1,000 with a RangeError', async () => {
        for (const pageSize of [0, 1.5, 1001]) {
          await expect(own.store.listRunning(pageSize)).rejects.toThrow(RangeError);
          await expect(own.store.listAll(pageSize)).rejects.toThrow(RangeError);
        }
      });

      it('refuses a token it did not issue', async () => {
        for (const token of [
          'not base64!',
          Buffer.from('{"executionId":').toString('base64url'),
          Buffer.from('[1,2]').toString('base64url'),
        ]) {
          await expect(own.store.listRunning(10, token)).rejects.toThrow(/^Invalid nextToken/);
          await expect(own.store.listAll(10, token)).rejects.toThrow(/^Invalid nextToken/);
        }
      });
    });
  });
};
