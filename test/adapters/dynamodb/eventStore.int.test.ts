import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import {
  decide,
  decidedFrom,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  fold,
  initialState,
  type ObserveWave,
  snapshotOf,
} from '../../../src/domain/execution';
import { chainEvents, coveredStates } from '../../../src/domain/ledger';
import { DEFAULT_LEDGER_SNAPSHOT_EVERY } from '../../../src/config';
import { type RecoveryPlan } from '../../../src/domain/plan';
import { handleCommand } from '../../../src/operations/handleCommand';
import { countRequests } from '../../support/requestCounter';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';
import { toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';
import { putEventInput } from '../../../src/adapters/dynamodb/putEventInput';

const serverIds = Array.from({ length: 20 }, (_, i) => `s-${String(i).padStart(17, '0')}`);
const plan: RecoveryPlan = {
  planId: 'rp-store',
  planName: 'Store test',
  waves: [{ waveName: 'Everything', sourceServerIds: serverIds }],
};
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

/** An execution whose only wave is running, so observations keep producing events. */
const startedRunningWave = (executionId: string): ExecutionEvent[] => {
  const commands: ExecutionCommand[] = [
    { type: 'StartExecution', executionId, plan, executionType: 'DRILL', initiatedBy: 'ops@example.com', at: at(0) },
    { type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-00000000000000001', servers: [], at: at(1) },
  ];
  let state = initialState();
  const events: ExecutionEvent[] = [];
  for (const command of commands) {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    events.push(...decision.events);
    state = fold(decision.events, state);
  }
  return events;
};

const toggleObservation = (serverIndex: number, inProgress: boolean): ObserveWave => ({
  type: 'ObserveWave',
  waveNumber: 1,
  drsJobStatus: 'STARTED',
  servers: [{ serverId: serverIds[serverIndex] as string, launchStatus: inProgress ? 'IN_PROGRESS' : 'PENDING' }],
  at: at(2),
});

describe('DynamoDB execution event store', () => {
  let context: DynamoTestContext;
  let store: DynamoExecutionEventStore;

  beforeAll(async () => {
    context = await startTestDynamo();
    store = new DynamoExecutionEventStore(context.client, context.config.tables.events);
  });
  afterAll(() => stopTestDynamo(context));

  it('appends a decision and loads the state it produced, with a hash chain', async () => {
    const events = startedRunningWave('exec-roundtrip');
    const result = await store.append(await store.load('exec-roundtrip'), decidedFrom(initialState(), events));
    expect(result.ok).toBe(true);

    const loaded = await store.load('exec-roundtrip');
    // The item keeps the state a decision needs (snapshotOf): no hostnames, reasons cut to what is quoted.
    expect(loaded.state).toEqual(snapshotOf(fold(events, initialState())));
    const { states } = decidedFrom(initialState(), events);
    expect(loaded.headHash).toBe(chainEvents(undefined, events, coveredStates(events, states, DEFAULT_LEDGER_SNAPSHOT_EVERY)).at(-1)?.hash);

    const read = await store.read('exec-roundtrip');
    expect(read.map((stored) => stored.event)).toEqual(events);
    read.forEach((stored, index) => {
      if (index > 0) expect(stored.prevHash).toBe(read[index - 1]?.hash);
    });
    expect(await store.head('exec-roundtrip')).toEqual({ seq: events.length, hash: loaded.headHash });
  });

  it('reads a range of seqs, and an unknown execution loads as not started', async () => {
    const range = await store.read('exec-roundtrip', { fromSeq: 2, toSeq: 2 });
    expect(range.map((stored) => stored.event.seq)).toEqual([2]);
    expect((await store.load('exec-unknown')).state).toEqual(initialState());
    expect(await store.head('exec-unknown')).toBeUndefined();
  });

  it('lets exactly one of two appends at the same seq win', async () => {
    const loaded = await store.load('exec-race');
    const [started] = startedRunningWave('exec-race');
    const rival = { ...(started as ExecutionEvent), actor: 'someone-else' };
    const results = await Promise.all([
      store.append(loaded, decidedFrom(loaded.state, [started as ExecutionEvent])),
      store.append(loaded, decidedFrom(loaded.state, [rival])),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const loser = results.find((result) => !result.ok);
    const winner = results.find((result) => result.ok);
    // The refusal names the event that won the seq, links and all.
    expect(loser && !loser.ok && loser.conflict).toEqual({
      kind: 'VersionConflict',
      executionId: 'exec-race',
      seq: 1,
      taken: winner?.stored[0],
    });
    expect(await store.read('exec-race')).toHaveLength(1);
  });

  it('loses no event and leaves no gap with 20 concurrent writers on one execution', async () => {
    const executionId = 'exec-concurrent';
    await store.append(await store.load(executionId), decidedFrom(initialState(), startedRunningWave(executionId)));
    const loadedBase = await store.load(executionId);
    const base = loadedBase.state.version;

    // Each writer reports a different server moving to IN_PROGRESS: every one must land exactly once.
    const writers = serverIds.map((_, index) =>
      handleCommand({ store }, loadedBase, () => toggleObservation(index, true), {
        maxAttempts: 40,
        backoff: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 10)),
      }),
    );
    const outcomes = await Promise.all(writers);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);

    const events = (await store.read(executionId)).map((stored) => stored.event);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.length).toBe(base + serverIds.length);
    const state = (await store.load(executionId)).state;
    expect(state).toEqual(snapshotOf(fold(events, initialState())));
    if (state.status !== 'RUNNING') throw new Error('expected RUNNING');
    expect(state.waves[0]?.servers.every((server) => server.launchStatus === 'IN_PROGRESS')).toBe(true);
  });

  it('lists every execution once, oldest start first, page by page', async () => {
    const ids = Array.from({ length: 7 }, (_, index) => `exec-list-${index}`);
    for (const [index, executionId] of ids.entries()) {
      const started = startedRunningWave(executionId).map((event) => ({ ...event, occurredAt: at(30 + index) }));
      await store.append(await store.load(executionId), decidedFrom(initialState(), started));
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await store.listExecutions(3, nextToken);
      seen.push(...page.executions.map((execution) => execution.executionId));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken);
    const listed = seen.filter((id) => id.startsWith('exec-list-'));
    expect(listed).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(2);
    await expect(store.listExecutions(3, 'not-a-token!')).rejects.toThrow('Invalid nextToken');
  });

  it('loads an execution with 10 events and one with 2,000 in the same number of requests', async () => {
    const build = async (executionId: string, total: number) => {
      const events = startedRunningWave(executionId);
      let state = fold(events, initialState());
      while (events.length < total) {
        // Each observation gives server 0 another recovery instance: a change, and never a step back in DRS.
        const renamed: ObserveWave = {
          ...toggleObservation(0, true),
          servers: [
            { serverId: serverIds[0] as string, launchStatus: 'IN_PROGRESS', recoveryInstanceId: `i-0000000000000000${events.length % 2}` },
          ],
        };
        const decision = decide(renamed, state);
        if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
        events.push(...decision.events);
        state = fold(decision.events, state);
      }
      // Written item by item with the store's own builders (format 2: a snapshot on every 20th item); one decision
      // of 2,000 events would be just as valid.
      const { states } = decidedFrom(initialState(), events);
      const chained = chainEvents(undefined, events, states);
      for (const [index, link] of chained.entries()) {
        const item = toEventItem(link, states[index] as ExecutionState, link.event.seq % 20 === 0);
        await context.client.send(new PutItemCommand(putEventInput(context.config.tables.events, item)));
      }
      return { executionId, state: snapshotOf(states.at(-1) as ExecutionState), headHash: chained.at(-1)?.hash };
    };
    const short = await build('exec-short', 10);
    const long = await build('exec-long', 2000);

    const counter = countRequests(context.client);
    const loadedShort = await store.load('exec-short');
    const shortRequests = counter.total();
    counter.reset();
    const loadedLong = await store.load('exec-long');
    const longRequests = counter.total();

    expect(loadedShort).toEqual(short);
    expect(loadedLong).toEqual(long);
    expect(loadedLong.state.version).toBe(2000);
    expect(longRequests).toBe(shortRequests);
    expect(longRequests).toBe(1);
  });
});
