/**
 * The ExecutionEventStore contract, run against every implementation (the in-memory store in a unit test,
 * the DynamoDB store on dynalite in an integration test): what operations, audits and projections may rely
 * on, whatever holds the ledger.
 */
import { type ExecutionState, fold, initialState, isStarted, snapshotOf } from '../../src/domain/execution';
import { chainEvents, chainHash, coversState, genesisHash, stateDigest } from '../../src/domain/ledger';
import { handleCommand } from '../../src/operations/handleCommand';
import type { AppendResult, ExecutionEventStore, LoadedExecution, StoredEvent } from '../../src/ports/executionEventStore';
import { at } from '../fixtures/commands';
import { decideAll, oneWavePlan, runningWave, serverInProgress } from './support/decisions';

export interface EventStoreUnderTest {
  store: ExecutionEventStore;
  cleanup: () => Promise<void>;
}

const PLAN = oneWavePlan('rp-contract', 8);
const SERVERS = PLAN.waves[0]?.sourceServerIds ?? [];

/**
 * A conflict without `taken`, once checked: a store that names the event holding the lost seq (the DynamoDB store
 * does, from the refused write) must name the one stored there, links and all.
 */
const checkedConflict = async (store: ExecutionEventStore, result: AppendResult): Promise<unknown> => {
  if (result.ok) return result;
  const { taken, ...conflict } = result.conflict;
  if (taken) expect(taken).toEqual((await store.read(conflict.executionId, { fromSeq: conflict.seq, toSeq: conflict.seq }))[0]);
  return { ...result, conflict };
};

/** Appends a whole decision onto a fresh stream, expecting no conflict; answers the stream after it. */
const appendAll = async (
  store: ExecutionEventStore,
  loaded: LoadedExecution,
  decided: ReturnType<typeof decideAll>,
): Promise<LoadedExecution> => {
  const result = await store.append(loaded, decided);
  if (!result.ok) throw new Error(`unexpected conflict at seq ${result.conflict.seq}`);
  return result.loaded;
};

const seqs = (stored: readonly StoredEvent[]): number[] => stored.map((item) => item.event.seq);

/**
 * Every store under the contract keeps a snapshot (and covers its state's digest) on every CONTRACT_SNAPSHOT_EVERY-th
 * item: small, so that a few events hold both kinds of item.
 */
export const CONTRACT_SNAPSHOT_EVERY = 2;

export const describeEventStoreContract = (name: string, makeStore: () => Promise<EventStoreUnderTest>): void => {
  describe(`ExecutionEventStore contract: ${name}`, () => {
    let underTest: EventStoreUnderTest;
    let store: ExecutionEventStore;

    beforeAll(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });
    afterAll(() => underTest?.cleanup());

    describe('given an execution with no events', () => {
      it('loads as not started with no head hash, has no head, and reads as empty', async () => {
        expect(await store.load('exec-none')).toEqual({ executionId: 'exec-none', state: initialState(), headHash: undefined });
        expect(await store.head('exec-none')).toBeUndefined();
        expect(await store.read('exec-none')).toEqual([]);
        expect(await store.read('exec-none', { fromSeq: 1, toSeq: 10 })).toEqual([]);
      });
    });

    describe('given a decision appended', () => {
      const executionId = 'exec-roundtrip';
      const decided = runningWave(executionId, PLAN);
      let appended: Awaited<ReturnType<ExecutionEventStore['append']>>;

      beforeAll(async () => {
        appended = await store.append(await store.load(executionId), decided);
      });

      it('the append succeeds and returns the stream after it: the decided last state and the last hash', () => {
        if (!appended.ok) throw new Error('conflict');
        expect(seqs(appended.stored)).toEqual(decided.events.map((event) => event.seq));
        expect(appended.loaded).toEqual({ executionId, state: decided.states.at(-1), headHash: appended.stored.at(-1)?.hash });
      });

      it('load answers the snapshot of the state the decision produced (no hostnames), and the chain head', async () => {
        const loaded = await store.load(executionId);
        expect(loaded.state).toEqual(snapshotOf(decided.state));
        expect(loaded.state).toEqual(snapshotOf(fold(decided.events, initialState())));
        expect(JSON.stringify(loaded.state)).not.toContain('hosts.invalid');
        expect(JSON.stringify(decided.state)).toContain('hosts.invalid');
        expect(loaded.headHash).toBe(appended.ok ? appended.stored.at(-1)?.hash : 'conflict');
      });

      it('read answers the events in seq order, each linked to the one before, the first to the genesis hash', async () => {
        const read = await store.read(executionId);
        expect(read.map((stored) => stored.event)).toEqual(decided.events);
        expect(read[0]?.prevHash).toBe(genesisHash(executionId, PLAN.planId));
        read.forEach((stored, index) => {
          if (index > 0) expect(stored.prevHash).toBe(read[index - 1]?.hash);
          // The hash also covers the digest of the state the event leaves where the item carries its snapshot.
          const covered = coversState(stored.event.seq, CONTRACT_SNAPSHOT_EVERY);
          expect(stored.stateDigest).toBe(covered ? stateDigest(decided.states[index] as ExecutionState) : undefined);
          expect(stored.hash).toBe(chainHash(stored.prevHash, stored.event, stored.stateDigest));
        });
        expect(read).toEqual(appended.ok ? appended.stored : []);
      });

      it('head answers the last seq and its hash', async () => {
        const read = await store.read(executionId);
        expect(await store.head(executionId)).toEqual({ seq: decided.events.length, hash: read.at(-1)?.hash });
      });
    });

    describe('when a decision is appended onto the stream the previous append returned', () => {
      it('it chains onto that head without a load in between', async () => {
        const executionId = 'exec-chain';
        const first = runningWave(executionId, PLAN);
        const afterFirst = await appendAll(store, await store.load(executionId), first);
        const second = decideAll(afterFirst.state, serverInProgress(PLAN, 0), serverInProgress(PLAN, 1, at(3)));
        const result = await store.append(afterFirst, second);

        expect(result.ok).toBe(true);
        expect(result.stored[0]?.prevHash).toBe(afterFirst.headHash);
        const read = await store.read(executionId);
        expect(read.map((stored) => stored.event)).toEqual([...first.events, ...second.events]);
        expect((await store.load(executionId)).state).toEqual(snapshotOf(second.state));
      });

      it('an empty decision appends nothing and returns the stream as it was', async () => {
        const executionId = 'exec-empty-decision';
        const loaded = await appendAll(store, await store.load(executionId), runningWave(executionId, PLAN));
        const result = await store.append(loaded, { events: [], states: [] });
        expect(result).toEqual({ ok: true, stored: [], loaded });
        expect(await store.head(executionId)).toEqual({ seq: loaded.state.version, hash: loaded.headHash });
      });

      it('a decision whose states do not match its events is refused before anything is written', async () => {
        const executionId = 'exec-mismatch';
        const loaded = await store.load(executionId);
        const decided = runningWave(executionId, PLAN);
        await expect(store.append(loaded, { events: decided.events, states: decided.states.slice(1) })).rejects.toThrow(/states/);
        expect(await store.read(executionId)).toEqual([]);
      });
    });

    describe('when two writers append at the same seq at once', () => {
      it('exactly one wins; the loser reports the seq it lost, and stored nothing', async () => {
        const executionId = 'exec-race';
        const loaded = await store.load(executionId);
        const ours = runningWave(executionId, PLAN);
        const theirs = runningWave(executionId, PLAN, at(0, 30));
        const results = await Promise.all([store.append(loaded, ours), store.append(loaded, theirs)]);

        expect(results.filter((result) => result.ok)).toHaveLength(1);
        const winner = results.findIndex((result) => result.ok);
        const loser = results[1 - winner];
        expect(await checkedConflict(store, loser as AppendResult)).toEqual({
          ok: false,
          conflict: { kind: 'VersionConflict', executionId, seq: 1 },
          stored: [],
        });
        const read = await store.read(executionId);
        expect(read.map((stored) => stored.event)).toEqual((winner === 0 ? ours : theirs).events);
      });

      it('a writer on a stale stream loses at the first seq it shares with the head', async () => {
        const executionId = 'exec-stale';
        const loaded = await appendAll(store, await store.load(executionId), runningWave(executionId, PLAN));
        await appendAll(store, loaded, decideAll(loaded.state, serverInProgress(PLAN, 0)));
        const stale = await store.append(loaded, decideAll(loaded.state, serverInProgress(PLAN, 1)));
        expect(await checkedConflict(store, stale)).toEqual({
          ok: false,
          conflict: { kind: 'VersionConflict', executionId, seq: loaded.state.version + 1 },
          stored: [],
        });
      });
    });

    describe('when another writer took a seq in the middle of a decision', () => {
      it('the append stops at that seq and reports the events it stored before it', async () => {
        const executionId = 'exec-partial';
        const loaded = await appendAll(store, await store.load(executionId), runningWave(executionId, PLAN));
        const ours = decideAll(loaded.state, serverInProgress(PLAN, 0), serverInProgress(PLAN, 1), serverInProgress(PLAN, 2));
        // Another writer's event at the second of our seqs, written first.
        const [firstLink] = chainEvents(loaded.headHash, ours.events, ours.states);
        const theirs = decideAll(ours.states[0] as ExecutionState, serverInProgress(PLAN, 5));
        const afterOurFirst: LoadedExecution = { executionId, state: ours.states[0] as ExecutionState, headHash: firstLink?.hash };
        expect((await store.append(afterOurFirst, theirs)).ok).toBe(true);

        const result = await store.append(loaded, ours);

        const secondSeq = loaded.state.version + 2;
        expect(result.ok).toBe(false);
        expect(await checkedConflict(store, result)).toHaveProperty('conflict', { kind: 'VersionConflict', executionId, seq: secondSeq });
        expect(seqs(result.stored)).toEqual([secondSeq - 1]);
        expect(result.stored[0]?.event).toEqual(ours.events[0]);
        const read = await store.read(executionId, { fromSeq: secondSeq - 1 });
        expect(read.map((stored) => stored.event)).toEqual([ours.events[0], theirs.events[0]]);
      });
    });

    describe('when 8 writers decide on one stream through handleCommand, each retrying on conflict', () => {
      it('every change lands exactly once, and the seqs run without a gap', async () => {
        const executionId = 'exec-concurrent';
        const base = await appendAll(store, await store.load(executionId), runningWave(executionId, PLAN));
        const outcomes = await Promise.all(
          SERVERS.map((_, index) =>
            handleCommand({ store }, base, () => serverInProgress(PLAN, index), {
              maxAttempts: 40,
              backoff: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5)),
            }),
          ),
        );
        expect(outcomes.every((outcome) => outcome.ok)).toBe(true);

        const events = (await store.read(executionId)).map((stored) => stored.event);
        expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
        expect(events).toHaveLength(base.state.version + 8);
        const state = (await store.load(executionId)).state;
        expect(state).toEqual(snapshotOf(fold(events, initialState())));
        expect(isStarted(state) && state.waves[0]?.servers.every((server) => server.launchStatus === 'IN_PROGRESS')).toBe(true);
      });
    });

    describe('read with a range', () => {
      const executionId = 'exec-range';
      beforeAll(async () => {
        const loaded = await appendAll(store, await store.load(executionId), runningWave(executionId, PLAN));
        await appendAll(store, loaded, decideAll(loaded.state, serverInProgress(PLAN, 0), serverInProgress(PLAN, 1)));
      });

      it('answers the seqs from fromSeq to toSeq, inclusive, each bound defaulting to the ends', async () => {
        const all = seqs(await store.read(executionId));
        expect(all).toEqual(all.map((_, index) => index + 1));
        const last = all.length;
        expect(seqs(await store.read(executionId, { fromSeq: 2, toSeq: 3 }))).toEqual([2, 3]);
        expect(seqs(await store.read(executionId, { fromSeq: 3 }))).toEqual(all.slice(2));
        expect(seqs(await store.read(executionId, { toSeq: 2 }))).toEqual([1, 2]);
        expect(seqs(await store.read(executionId, { fromSeq: last, toSeq: last }))).toEqual([last]);
      });

      it('answers nothing for a range past the head or upside down', async () => {
        const last = (await store.head(executionId))?.seq ?? 0;
        expect(await store.read(executionId, { fromSeq: last + 1 })).toEqual([]);
        expect(await store.read(executionId, { fromSeq: 3, toSeq: 2 })).toEqual([]);
      });
    });

    describe('what callers hold', () => {
      it('is a copy: changing a decision after its append, or what a load or a read answered, changes nothing stored', async () => {
        const executionId = 'exec-copies';
        const decided = runningWave(executionId, PLAN);
        const pristine = structuredClone(decided);
        await appendAll(store, await store.load(executionId), decided);
        (decided.events[0] as { actor: string }).actor = 'mallory';
        const loaded = await store.load(executionId);
        if (!isStarted(loaded.state)) throw new Error('not started');
        for (const wave of loaded.state.waves) wave.status = 'FAILED';
        const read = await store.read(executionId);
        for (const stored of read) {
          (stored.event as { actor: string }).actor = 'mallory';
          stored.hash = 'forged';
        }

        expect((await store.read(executionId)).map((stored) => stored.event)).toEqual(pristine.events);
        expect((await store.load(executionId)).state).toEqual(snapshotOf(pristine.state));
      });
    });

    describe('listExecutions (a ledger of its own)', () => {
      let own: EventStoreUnderTest;
      const started = [4, 0, 6, 2, 5, 1, 3].map((order) => ({ executionId: `exec-list-${order}`, order }));

      beforeAll(async () => {
        own = await makeStore();
        for (const { executionId, order } of started) {
          await appendAll(
            own.store,
            await own.store.load(executionId),
            runningWave(executionId, oneWavePlan(`rp-list-${order}`, 1), at(order)),
          );
        }
      });
      afterAll(() => own?.cleanup());

      it('lists every execution once with its plan and start, oldest start first, page by page', async () => {
        const seen: Array<{ executionId: string; planId: string; startedAt: string }> = [];
        let nextToken: string | undefined;
        let pages = 0;
        do {
          const page = await own.store.listExecutions(3, nextToken);
          expect(page.executions.length).toBeLessThanOrEqual(3);
          seen.push(...page.executions);
          nextToken = page.nextToken;
          pages += 1;
        } while (nextToken);
        expect(pages).toBeGreaterThanOrEqual(3);
        expect(seen).toEqual(
          [0, 1, 2, 3, 4, 5, 6].map((order) => ({ executionId: `exec-list-${order}`, planId: `rp-list-${order}`, startedAt: at(order) })),
        );
      });

      it('lists only executions that started: a stream without ExecutionStarted is not one', async () => {
        const page = await own.store.listExecutions(1000);
        expect(page.executions.map((execution) => execution.executionId)).not.toContain('exec-none');
        expect(page.executions).toHaveLength(7);
      });

      it('refuses a page size outside 1 to 1,000 with a RangeError', async () => {
        for (const pageSize of [0, -1, 1.5, 1001, Number.NaN]) await expect(own.store.listExecutions(pageSize)).rejects.toThrow(RangeError);
        await expect(own.store.listExecutions(1000)).resolves.toBeDefined();
      });

      it('refuses a token it did not issue', async () => {
        for (const token of ['not-a-token!', Buffer.from('{"x":').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
          await expect(own.store.listExecutions(3, token)).rejects.toThrow(/^Invalid nextToken/);
        }
      });
    });

    describe('listExecutions on an empty ledger', () => {
      it('answers no executions and no token', async () => {
        const empty = await makeStore();
        try {
          expect(await empty.store.listExecutions(10)).toEqual({ executions: [] });
        } finally {
          await empty.cleanup();
        }
      });
    });
  });
};
