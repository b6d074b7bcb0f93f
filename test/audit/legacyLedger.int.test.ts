/**
 * Ledgers written before waves could take several DRS jobs, read and continued by today's code.
 *
 * test/fixtures/legacy/ledgers.json holds the exact events-table items (AttributeValues; the binary `state`
 * as base64) and plans-table items of three executions written by commit 8c73ad85bba886ba19ef93e0992e0ef421253174
 * (`git rev-parse HEAD` in a worktree of it, kept as "commit" in the file): test/fixtures/legacy/generator.ts.txt,
 * run there as a jest test, drove that commit's own handler (store, decide/evolve, chainEvents, toEventItem)
 * against dynalite and that commit's DRS and SNS emulators; a stand-in workflow supplied the state machine
 * ARN. Its `drs` part is that DRS emulator's records (drs-emulator.json) of the source servers and of the
 * running execution's jobs, so a restarted emulator still has the job a poll continues.
 *   completed: 2 waves, a pause asked during wave 1 and resumed, StateMachineAttached, notified;
 *   failed:    1 wave whose second server failed with DRS's (long) reason; hostnames on every server;
 *   running:   3 waves, wave 1 done, wave 2 IN_PROGRESS with its job STARTED.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { fromEventItem, hasSnapshot, type Item, stateFromEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { verifyChain } from '../../src/audit';
import { legacySnapshotOf } from '../../src/audit/legacySnapshot';
import {
  decide,
  evolve,
  type ExecutionState,
  initialState,
  jobsOf,
  type ObserveWave,
  type Running,
  snapshotOf,
} from '../../src/domain/execution';
import { canonicalJson, chainHash, stateDigest } from '../../src/domain/ledger';
import type { TamperAlarm } from '../../src/ports/tamperAlarms';
import {
  type DrsEmulator,
  manualClock,
  type ManualClock,
  type SnsEmulator,
  startDrsEmulator,
  startSnsEmulator,
} from '../../src/local/emulators';
import { type HandlerHarness, startHandlerHarness } from '../support/handlerHarness';
import { RawLedger, snapshotBlob } from './support/rawLedger';

type Json = Record<string, unknown>;
interface LegacyExecution {
  name: 'completed' | 'failed' | 'running';
  executionId: string;
  planId: string;
  planItem: Json;
  items: Json[];
}
interface LegacyFixture {
  commit: string;
  clockAtCaptureMs: number;
  drs: { sourceServers: unknown[]; jobs: unknown[] };
  executions: LegacyExecution[];
}

const FIXTURE = join(__dirname, '../fixtures/legacy/ledgers.json');
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as LegacyFixture;

/** Back to AttributeValues: `B` (the only binary attribute is `state`) from base64. */
const toItem = (value: unknown): Item => {
  const revive = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(revive);
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [
          key,
          key === 'B' && typeof child === 'string' ? Buffer.from(child, 'base64') : revive(child),
        ]),
      );
    }
    return node;
  };
  return revive(value) as Item;
};

const legacy = (name: LegacyExecution['name']): LegacyExecution =>
  fixture.executions.find((execution) => execution.name === name) as LegacyExecution;
const itemsOf = (execution: LegacyExecution): Item[] => execution.items.map(toItem);
const foldOf = (items: readonly Item[]): ExecutionState =>
  items.reduce((state, item) => evolve(state, fromEventItem(item).event), initialState());

describe('ledgers written before waves had several jobs', () => {
  let clock: ManualClock;
  let drs: DrsEmulator;
  let sns: SnsEmulator;
  let harness: HandlerHarness;
  let reader: DynamoLedgerRecordReader;
  let drsDir: string;

  const raw = (execution: LegacyExecution) =>
    new RawLedger(harness.dynamo.client, harness.dynamo.config.tables.events, execution.executionId);
  const headOf = (items: readonly Item[]) => {
    const last = items[items.length - 1] as Item;
    return { seq: Number(last.seq?.N), hash: last.hash?.S as string };
  };

  beforeAll(async () => {
    expect(fixture.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(readFileSync(FIXTURE).length).toBeLessThan(60 * 1024);
    clock = manualClock(fixture.clockAtCaptureMs);
    // The DRS emulator restarted on the records the old stack's emulator saved: it still has the running job.
    drsDir = mkdtempSync(join(tmpdir(), 'legacy-drs-'));
    writeFileSync(join(drsDir, 'drs-emulator.json'), JSON.stringify({ version: 1, ...fixture.drs }));
    drs = await startDrsEmulator({ clock: clock.now, dataDir: drsDir });
    sns = await startSnsEmulator({ topics: ['drs-ledger-notifications'], clock: clock.now });
    harness = await startHandlerHarness(
      { now: () => new Date(clock.now()).toISOString() },
      {
        DRS_ENDPOINT: drs.endpoint,
        SNS_ENDPOINT: sns.endpoint,
        NOTIFICATION_TOPIC_ARN: sns.topicArn('drs-ledger-notifications'),
        // A snapshot every 4th item, so that the items today's poll appends to the running ledger include some.
        LEDGER_SNAPSHOT_EVERY: '4',
      },
    );
    const { client, config } = harness.dynamo;
    reader = new DynamoLedgerRecordReader(client, config.tables.events);
    // Exactly as stored: the items go in with the raw client, not through the store.
    for (const execution of fixture.executions) {
      await client.send(new PutItemCommand({ TableName: config.tables.plans, Item: toItem(execution.planItem) }));
      for (const item of itemsOf(execution)) await client.send(new PutItemCommand({ TableName: config.tables.events, Item: item }));
    }
  });
  afterAll(async () => {
    await harness?.stop();
    await drs?.close();
    await sns?.close();
    rmSync(drsDir, { recursive: true, force: true });
  });

  it('the fixture is what the old code stored: whole folds, hostnames and full reasons, no jobs', () => {
    const failed = itemsOf(legacy('failed'));
    const head = stateFromEventItem(failed[failed.length - 1] as Item);
    expect(head).toMatchObject({ status: 'FAILED' });
    const servers = head.status === 'NOT_STARTED' ? [] : head.waves.flatMap((wave) => wave.servers);
    expect(servers.every((server) => server.hostname !== undefined)).toBe(true);
    expect(servers.find((server) => server.launchStatus === 'FAILED')?.failureReason?.length).toBeGreaterThan(160);
    for (const execution of fixture.executions) {
      for (const item of itemsOf(execution)) {
        const snapshot = JSON.stringify(stateFromEventItem(item));
        expect(snapshot).not.toContain('"jobs"');
        expect(snapshot).not.toContain('stateMachineGeneration');
      }
    }
    expect(itemsOf(legacy('completed')).map((item) => item.type?.S)).toEqual(
      expect.arrayContaining([
        'StateMachineAttached',
        'PauseRequested',
        'ExecutionPaused',
        'ExecutionResumed',
        'Finalized',
        'NotificationSent',
      ]),
    );
  });

  it("today's fold differs from each stored snapshot only by waves[].jobs: legacySnapshotOf gives it back exactly", () => {
    for (const execution of fixture.executions) {
      const items = itemsOf(execution);
      items.forEach((item, index) => {
        const fold = foldOf(items.slice(0, index + 1));
        expect(canonicalJson(legacySnapshotOf(fold))).toBe(canonicalJson(stateFromEventItem(item)));
      });
    }
  });

  it.each(['completed', 'failed', 'running'] as const)('verify: the untouched %s ledger is OK, up to its head', async (name) => {
    const execution = legacy(name);
    const head = headOf(itemsOf(execution));
    expect(await verifyChain(reader, execution.executionId, { expectedHead: head })).toMatchObject({
      ok: true,
      headSeq: head.seq,
      headHash: head.hash,
    });
  });

  it("today's decider decides on a legacy head snapshot as stored (jobsOf reads the wave's one job back)", () => {
    const items = itemsOf(legacy('running'));
    const state = stateFromEventItem(items[items.length - 1] as Item) as Running;
    expect(state).toMatchObject({ status: 'RUNNING', currentWave: 2 });
    const wave = state.waves[1];
    expect(wave).toMatchObject({ status: 'IN_PROGRESS', drsJobStatus: 'STARTED' });
    expect(wave?.jobs).toBeUndefined();
    expect(jobsOf(wave as Running['waves'][number])).toEqual([{ part: 1, drsJobId: wave?.drsJobId, drsJobStatus: 'STARTED' }]);
    const at = new Date(fixture.clockAtCaptureMs).toISOString();
    const unchanged: ObserveWave = {
      type: 'ObserveWave',
      waveNumber: 2,
      drsJobId: wave?.drsJobId as string,
      drsJobStatus: 'STARTED',
      servers: [],
      at,
    };
    expect(decide(unchanged, state)).toEqual({ ok: true, events: [], states: [] });
    expect(decide({ ...unchanged, drsJobId: 'drsjob-00000000000000000' }, state)).toMatchObject({ ok: false });
    expect(decide({ type: 'Advance', at }, state)).toEqual({ ok: true, events: [], states: [] });
    const pause = decide({ type: 'RequestPause', requestedBy: 'auditor@example.com', at }, state);
    expect(pause.ok && pause.events.map((event) => event.type)).toEqual(['PauseRequested']);
  });

  it("load of a legacy head gives the fold of its events, which today's decider decides on", async () => {
    const at = new Date(clock.now()).toISOString();
    const alarms: TamperAlarm[] = [];
    const store = new DynamoExecutionEventStore(harness.dynamo.client, harness.dynamo.config.tables.events, {
      onTamper: async (alarm) => {
        alarms.push(alarm);
      },
    });
    for (const execution of fixture.executions) {
      const loaded = await store.load(execution.executionId);
      const items = itemsOf(execution);
      // Not the stored snapshot: a format-1 snapshot is covered by no hash, so the load refolds the events
      // (which gives the jobs, and when each was seen COMPLETED, a new item stores) and decides on snapshotOf it.
      expect(canonicalJson(loaded.state)).toBe(canonicalJson(snapshotOf(foldOf(items))));
      expect(loaded.headHash).toBe(headOf(items).hash);
    }
    // An older format is not a tampering: no alarm.
    expect(alarms).toEqual([]);
    const completed = (await harness.deps.store.load(legacy('completed').executionId)).state;
    expect(completed.status).toBe('COMPLETED');
    expect(decide({ type: 'Finalize', at }, completed)).toEqual({ ok: true, events: [], states: [] });
    expect(
      decide({ type: 'AttachStateMachine', executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:x', at }, completed),
    ).toMatchObject({ ok: false });

    const failed = (await harness.deps.store.load(legacy('failed').executionId)).state;
    expect(failed).toMatchObject({ status: 'FAILED', endedAtSeq: 9, notifiedSeqs: [9] });
    expect(decide({ type: 'RecordNotification', forSeq: 9, outcome: { messageId: 'again' }, at }, failed)).toEqual({
      ok: true,
      events: [],
      states: [],
    });

    const running = (await harness.deps.store.load(legacy('running').executionId)).state as Running;
    const wave = running.waves[1] as Running['waves'][number];
    expect(wave.jobs).toEqual([{ part: 1, drsJobId: wave.drsJobId, drsJobStatus: 'STARTED' }]);
    const unchanged: ObserveWave = {
      type: 'ObserveWave',
      waveNumber: 2,
      drsJobId: wave.drsJobId as string,
      drsJobStatus: 'STARTED',
      servers: [],
      at,
    };
    expect(decide(unchanged, running)).toEqual({ ok: true, events: [], states: [] });
    expect(decide({ type: 'Advance', at }, running)).toEqual({ ok: true, events: [], states: [] });
  });

  describe('tampering with a legacy ledger is still caught', () => {
    const completed = () => legacy('completed');
    let original: Item[];
    beforeAll(() => {
      original = itemsOf(completed());
    });
    afterEach(() => raw(completed()).restore(original));

    const snapshotAt = (seq: number) => stateFromEventItem(original[seq - 1] as Item) as Running;
    const putSnapshot = (seq: number, state: unknown) =>
      raw(completed()).put({ ...(original[seq - 1] as Item), state: snapshotBlob(state) });
    const verify = () => verifyChain(reader, completed().executionId);

    it("a server's launchStatus changed in a legacy snapshot", async () => {
      const seq = 7; // WaveCompleted of wave 1
      const state = snapshotAt(seq);
      const waves = state.waves.map((wave, index) =>
        index === 0
          ? { ...wave, servers: wave.servers.map((server, at) => (at === 1 ? { ...server, launchStatus: 'FAILED' } : server)) }
          : wave,
      );
      await putSnapshot(seq, { ...state, waves });
      expect(await verify()).toMatchObject({ ok: false, problem: 'modified', firstBadSeq: seq });
    });

    it("a legacy snapshot given jobs that are not the wave's", async () => {
      const seq = 7;
      const state = snapshotAt(seq);
      const wave = state.waves[0] as Running['waves'][number];
      const jobs = [{ part: 1, drsJobId: wave.drsJobId as string, drsJobStatus: 'STARTED' as const }];
      await putSnapshot(seq, { ...state, waves: state.waves.map((each, index) => (index === 0 ? { ...each, jobs } : each)) });
      expect(await verify()).toMatchObject({ ok: false, problem: 'modified', firstBadSeq: seq });
    });

    it('a legacy snapshot given a state machine generation', async () => {
      const seq = 3; // StateMachineAttached
      await putSnapshot(seq, { ...snapshotAt(seq), stateMachineGeneration: 2 });
      expect(await verify()).toMatchObject({ ok: false, problem: 'modified', firstBadSeq: seq });
    });
  });

  describe("the running execution, continued by today's poll", () => {
    const running = () => legacy('running');
    let polled: Json;

    beforeAll(async () => {
      const { executionId, planId } = running();
      for (let i = 0; i < 100; i += 1) {
        clock.advance(30_000);
        polled = await harness.call({ operation: 'poll', executionId, planId });
        if (polled.statusCode !== 200) throw new Error(`poll answered ${JSON.stringify(polled)}`);
        if (polled.status !== 'RUNNING') break;
      }
    });

    it('reaches COMPLETED through the old job of wave 2 and new jobs for wave 3, and is notified', async () => {
      expect(polled).toMatchObject({ status: 'COMPLETED' });
      const events = (await harness.deps.store.read(running().executionId)).map((stored) => stored.event);
      const legacyCount = running().items.length;
      expect(events.slice(0, legacyCount).map((event) => event.seq)).toEqual(
        running().items.map((item) => Number((item.seq as { N: string }).N)),
      );
      expect(events.slice(legacyCount).map((event) => event.type)).toEqual(
        expect.arrayContaining(['WavePolled', 'WaveCompleted', 'WaveStartRequested', 'WaveStarted', 'Finalized', 'NotificationSent']),
      );
      // Wave 2 ended on the job the old code started (the restarted DRS emulator's record of it).
      const legacyWave2 = (stateFromEventItem(itemsOf(running()).at(-1) as Item) as Running).waves[1];
      const final = (await harness.deps.store.load(running().executionId)).state as ExecutionState & { status: 'COMPLETED' };
      expect(final.waves[1]).toMatchObject({
        status: 'COMPLETED',
        jobs: [{ part: 1, drsJobId: legacyWave2?.drsJobId, drsJobStatus: 'COMPLETED' }],
      });
      expect(final.waves[2]?.jobs).toHaveLength(1);
      // The plan's slot, claimed by the old code, is released.
      const plan = await harness.dynamo.client.send(
        new GetItemCommand({
          TableName: harness.dynamo.config.tables.plans,
          Key: { planId: { S: running().planId } },
          ConsistentRead: true,
        }),
      );
      expect(plan.Item?.activeExecutionId).toBeUndefined();
    });

    it('verify is still OK: the old items, then new items in the new format', async () => {
      const { executionId } = running();
      const head = await harness.deps.store.head(executionId);
      expect(await verifyChain(reader, executionId, head ? { expectedHead: head } : {})).toMatchObject({ ok: true, headSeq: head?.seq });
      const items = await raw(running()).items();
      const legacyCount = running().items.length;
      expect(
        items.slice(0, legacyCount).map((item) => JSON.stringify(item.state?.B && Buffer.from(item.state.B).toString('base64'))),
      ).toEqual(running().items.map((item) => JSON.stringify((item.state as { B: string }).B)));
      expect(items.slice(0, legacyCount).every((item) => item.stateDigest === undefined)).toBe(true);
      const every = harness.deps.config.ledgerSnapshotEvery;
      const snapshotted: number[] = [];
      for (const [index, item] of items.entries()) {
        if (index < legacyCount) continue;
        // What a new writer stores (format 3): on every K-th item, the snapshot and the digest of snapshotOf the
        // whole fold (every started wave's jobs on record), covered by the item's hash; on the others, neither.
        const fold = foldOf(items.slice(0, index + 1));
        const { event, prevHash, hash, stateDigest: digest } = fromEventItem(item);
        expect(hasSnapshot(item)).toBe(event.seq % every === 0);
        expect(digest).toBe(hasSnapshot(item) ? stateDigest(fold) : undefined);
        expect(hash).toBe(chainHash(prevHash, event, digest));
        if (!hasSnapshot(item)) continue;
        expect(canonicalJson(stateFromEventItem(item))).toBe(canonicalJson(snapshotOf(fold)));
        snapshotted.push(event.seq);
      }
      expect(snapshotted).not.toEqual([]);
    });

    it("a new item's jobs altered, or dropped to pass for a legacy snapshot, is caught", async () => {
      const ledger = raw(running());
      const items = await ledger.items();
      // A new item that carries a snapshot (format 3 keeps one on every K-th item), once wave 2 has completed.
      const wave2Completed = items.findIndex(
        (item, index) => index >= running().items.length && fromEventItem(item).event.type === 'WaveCompleted',
      );
      const seq = items.findIndex((item, index) => index >= wave2Completed && hasSnapshot(item)) + 1;
      expect(seq).toBeGreaterThan(running().items.length);
      const state = stateFromEventItem(items[seq - 1] as Item) as Running;
      expect(state.waves[1]?.jobs).toMatchObject([{ part: 1, drsJobStatus: 'COMPLETED' }]);
      const withWave2 = (change: (wave: Running['waves'][number]) => object) => ({
        ...state,
        waves: state.waves.map((wave, index) => (index === 1 ? change(wave) : wave)),
      });
      // The forger's best legacy disguise: exactly what the old code would have stored for this fold.
      const legacyShaped = legacySnapshotOf(foldOf(items.slice(0, seq)));
      expect(legacyShaped).toBeDefined();
      try {
        await ledger.put({
          ...(items[seq - 1] as Item),
          state: snapshotBlob(withWave2((wave) => ({ ...wave, jobs: wave.jobs?.map((job) => ({ ...job, drsJobStatus: 'STARTED' })) }))),
        });
        expect(await verifyChain(reader, running().executionId)).toMatchObject({ ok: false, problem: 'modified', firstBadSeq: seq });
        await ledger.put({
          ...(items[seq - 1] as Item),
          state: snapshotBlob({ ...state, waves: state.waves.map(({ jobs: _dropped, ...wave }) => wave) }),
        });
        expect(await verifyChain(reader, running().executionId)).toMatchObject({ ok: false, problem: 'modified', firstBadSeq: seq });
        // A format-3 item was written by today's code: its snapshot is the one its digest covers, never legacy-shaped.
        await ledger.put({ ...(items[seq - 1] as Item), state: snapshotBlob(legacyShaped) });
        expect(await verifyChain(reader, running().executionId)).toMatchObject({ ok: false, problem: 'modified', firstBadSeq: seq });
      } finally {
        await ledger.restore(items);
      }
      expect(await verifyChain(reader, running().executionId)).toMatchObject({ ok: true });
    });
  });
});
