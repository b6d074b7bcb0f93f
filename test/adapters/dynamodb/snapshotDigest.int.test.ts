/**
 * Ledger items of formats 3 (written now) and 2 (written before, still decided on): every item's hash covers
 * the digest of the state it leaves, every K-th item carries that state's snapshot, and a load checks the
 * snapshot it decides on against the digest. An insider who edits a snapshot (and nothing else) is never decided
 * on: the load refolds the events and raises a tamper alarm; verify names the item.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import { DynamoLedgerRecordReader } from '../../../src/adapters/dynamodb/ledgerRecordReader';
import { putEventInput } from '../../../src/adapters/dynamodb/putEventInput';
import { verifyChain } from '../../../src/audit/verifyChain';
import { decidedFrom, type ExecutionEvent, type ExecutionState, initialState, snapshotOf } from '../../../src/domain/execution';
import { chainEvents, chainHash, coveredStates, stateDigest } from '../../../src/domain/ledger';
import { LedgerIntegrityError } from '../../../src/ports/ledgerErrors';
import type { TamperAlarm } from '../../../src/ports/tamperAlarms';
import { givenCommands } from '../../support/deciderSpec';
import { legacyEventItem } from '../../support/legacyEventItem';
import { withPackedEvent } from '../../support/packedItem';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';
import { advance, at, observeLaunched, recordWaveStarted, start } from '../../fixtures/commands';
import { linksOf } from '../../audit/support/rawLedger';
import { withPauseBefore } from '../../fixtures/plan';

const K = 4;

/** A drill paused before wave 2 (wave 1 launched): the moment an operator's resume launches wave 2. */
const pausedBeforeWave2 = (executionId: string): ExecutionEvent[] =>
  givenCommands(start({ plan: withPauseBefore([2]) }), recordWaveStarted(1, at(1)), observeLaunched(1, at(2)), advance(at(3))).events.map(
    (event) => ({ ...event, executionId }),
  );

describe('format-4 and format-2 ledger items', () => {
  let context: DynamoTestContext;
  let alarms: TamperAlarm[];
  let store: DynamoExecutionEventStore;

  beforeAll(async () => {
    context = await startTestDynamo();
  });
  afterAll(() => stopTestDynamo(context));
  beforeEach(() => {
    alarms = [];
    store = new DynamoExecutionEventStore(context.client, context.config.tables.events, {
      snapshotEvery: K,
      onTamper: async (alarm) => {
        alarms.push(alarm);
      },
    });
  });

  const itemAt = async (executionId: string, seq: number) =>
    (
      await context.client.send(
        new GetItemCommand({ TableName: context.config.tables.events, Key: marshall({ executionId, seq }), ConsistentRead: true }),
      )
    ).Item ?? {};

  const given = async (executionId: string): Promise<ExecutionEvent[]> => {
    const events = pausedBeforeWave2(executionId);
    const appended = await store.append(await store.load(executionId), decidedFrom(initialState(), events));
    expect(appended.ok).toBe(true);
    return events;
  };

  it('every K-th item carries the snapshot and, in its links after prevHash and hash, the digest its hash covers; the others neither', async () => {
    const events = await given('exec-v2-shape');
    const { states } = decidedFrom(initialState(), events);
    for (const [index, event] of events.entries()) {
      const item = await itemAt('exec-v2-shape', event.seq);
      const { prevHash, hash, stateDigest: digest = '' } = linksOf(item);
      expect(item.chain).toBeUndefined();
      const withSnapshot = event.seq % K === 0;
      expect(item.state !== undefined).toBe(withSnapshot);
      expect(digest).toBe(withSnapshot ? stateDigest(states[index] as ExecutionState) : '');
      expect(hash).toBe(chainHash(prevHash, event, withSnapshot ? digest : undefined));
    }
    expect(events.length).toBeGreaterThan(K);
  });

  it('a format-2 ledger (written before format 3) is decided on from its verified snapshot, and continued in format 3', async () => {
    const executionId = 'exec-v2-continued';
    const events = pausedBeforeWave2(executionId);
    const { states } = decidedFrom(initialState(), events);
    const written = events.length - 1;
    for (const [index, link] of chainEvents(undefined, events.slice(0, written), states.slice(0, written)).entries()) {
      const item = legacyEventItem(link, states[index] as ExecutionState, link.event.seq % K === 0);
      await context.client.send(new PutItemCommand(putEventInput(context.config.tables.events, item)));
    }
    expect(written).toBeGreaterThan(K);
    const loaded = await store.load(executionId);
    expect(loaded.state).toEqual(snapshotOf(states[written - 1] as ExecutionState));
    const appended = await store.append(loaded, decidedFrom(loaded.state, events.slice(written)));
    expect(appended.ok).toBe(true);
    expect((await itemAt(executionId, written)).stateDigest?.B).toHaveLength(32);
    expect(linksOf(await itemAt(executionId, written + 1)).stateDigest === undefined).toBe((written + 1) % K !== 0);
    expect((await store.load(executionId)).state).toEqual(snapshotOf(states.at(-1) as ExecutionState));
    // The old items' hashes cover every state's digest, the new one's only a snapshot's: one chain all the same.
    const linked = [...states.slice(0, written), ...coveredStates(events.slice(written), states.slice(written), K)];
    expect(await store.head(executionId)).toEqual({ seq: events.length, hash: chainEvents(undefined, events, linked).at(-1)?.hash });
    const verified = await verifyChain(new DynamoLedgerRecordReader(context.client, context.config.tables.events), executionId);
    expect(verified).toMatchObject({ ok: true, headSeq: events.length });
    expect(alarms).toEqual([]);
  });

  it("given an insider edits a format-2 item's snapshot, the load refolds the events and raises the alarm, as before", async () => {
    const executionId = 'exec-v2-legacy-tampered';
    const events = pausedBeforeWave2(executionId);
    const { states } = decidedFrom(initialState(), events);
    const snapshotSeq = Math.floor(events.length / K) * K;
    for (const [index, link] of chainEvents(undefined, events, states).entries()) {
      const honest = states[index] as ExecutionState;
      const snapshot = link.event.seq === snapshotSeq ? { ...honest, executionType: 'RECOVERY' as const } : honest;
      const item = legacyEventItem(link, snapshot, link.event.seq % K === 0);
      await context.client.send(new PutItemCommand(putEventInput(context.config.tables.events, item)));
    }
    expect((await store.load(executionId)).state).toEqual(snapshotOf(states.at(-1) as ExecutionState));
    expect(alarms.map((alarm) => [alarm.kind, alarm.seq])).toEqual([['SnapshotMismatch', snapshotSeq]]);
  });

  it('a load decides on the newest snapshot with the newer events folded onto it, in one request', async () => {
    const events = await given('exec-v2-load');
    const loaded = await store.load('exec-v2-load');
    expect(loaded.state).toEqual(snapshotOf(decidedFrom(initialState(), events).states.at(-1) as ExecutionState));
    expect(alarms).toEqual([]);
  });

  it('given an insider edits only a snapshot (DRILL to RECOVERY, wave 2 to other servers), the load refolds the events and raises one alarm', async () => {
    const executionId = 'exec-v2-tampered';
    const events = await given(executionId);
    const snapshotSeq = Math.floor(events.length / K) * K;
    const item = await itemAt(executionId, snapshotSeq);
    const forged = JSON.parse(gunzipSync(Buffer.from(item.state?.B ?? new Uint8Array())).toString('utf8')) as Record<string, unknown> & {
      waves: Array<{ servers: Array<{ serverId: string }> }>;
    };
    forged.executionType = 'RECOVERY';
    for (const server of forged.waves[1]?.servers ?? []) server.serverId = 's-0therplan0000001';
    // PutItem alone, as the grants allow: the same item with only its snapshot replaced.
    await context.client.send(
      new PutItemCommand({ TableName: context.config.tables.events, Item: { ...item, state: { B: gzipSync(JSON.stringify(forged)) } } }),
    );

    const loaded = await store.load(executionId);
    await store.load(executionId);

    const honest = decidedFrom(initialState(), events).states.at(-1) as ExecutionState;
    expect(loaded.state).toEqual(snapshotOf(honest));
    expect(loaded.state).toMatchObject({ executionType: 'DRILL' });
    expect(alarms.map((alarm) => [alarm.kind, alarm.source, alarm.seq])).toEqual([
      ['SnapshotMismatch', 'load', snapshotSeq],
      ['SnapshotMismatch', 'load', snapshotSeq],
    ]);
    expect(new Set(alarms.map((alarm) => alarm.id)).size).toBe(1);

    const verified = await verifyChain(new DynamoLedgerRecordReader(context.client, context.config.tables.events), executionId);
    expect(verified).toMatchObject({ ok: false, firstBadSeq: snapshotSeq, problem: 'modified' });
  });

  it('given an insider adds a snapshot to the head item, which its hash does not cover, the load refuses it and raises the alarm', async () => {
    const executionId = 'exec-v2-added';
    const events = await given(executionId);
    const headSeq = events.length;
    expect(headSeq % K).not.toBe(0);
    const item = await itemAt(executionId, headSeq);
    const forged = { ...snapshotOf(decidedFrom(initialState(), events).states.at(-1) as ExecutionState), executionType: 'RECOVERY' };
    await context.client.send(
      new PutItemCommand({ TableName: context.config.tables.events, Item: { ...item, state: { B: gzipSync(JSON.stringify(forged)) } } }),
    );
    expect((await store.load(executionId)).state).toMatchObject({ executionType: 'DRILL' });
    expect(alarms.map((alarm) => alarm.seq)).toEqual([headSeq]);
  });

  it('a format-1 ledger (a snapshot on every item, covered by no hash) is refolded, never decided on from its snapshot', async () => {
    const executionId = 'exec-v1';
    const events = pausedBeforeWave2(executionId);
    const { states } = decidedFrom(initialState(), events);
    for (const [index, link] of chainEvents(undefined, events).entries()) {
      const honest = states[index] as ExecutionState;
      // The head's format-1 snapshot lies: a v1 snapshot is covered by nothing, so it must not be believed.
      const snapshot = index === events.length - 1 ? { ...honest, executionType: 'RECOVERY' as const } : honest;
      await context.client.send(new PutItemCommand(putEventInput(context.config.tables.events, legacyEventItem(link, snapshot))));
    }
    expect((await store.load(executionId)).state).toEqual(snapshotOf(states.at(-1) as ExecutionState));
    expect(alarms).toEqual([]);
    expect(unmarshall(await itemAt(executionId, 1))).not.toHaveProperty('stateDigest');
  });

  it("given an insider rewrites the head item in format 1's layout with its true snapshot (its hash unchanged), the load refuses it and raises the alarm", async () => {
    const executionId = 'exec-v3-relaid';
    const events = await given(executionId);
    const headSeq = events.length;
    expect(headSeq % K).not.toBe(0);
    const link = (await store.read(executionId, { fromSeq: headSeq })).at(0);
    const state = decidedFrom(initialState(), events).states.at(-1) as ExecutionState;
    await context.client.send(
      new PutItemCommand({ TableName: context.config.tables.events, Item: legacyEventItem(link as NonNullable<typeof link>, state) }),
    );
    expect((await store.load(executionId)).state).toEqual(snapshotOf(state));
    expect(alarms.map((alarm) => [alarm.kind, alarm.seq])).toEqual([['SnapshotMismatch', headSeq]]);
    expect(alarms[0]?.detail).toContain('an item laid out as before format 3, newer than format-3 items');
  });

  it('verify refuses a format-1 item after format-2 ones: a downgrade that covers less', async () => {
    const executionId = 'exec-v2-downgraded';
    const events = await given(executionId);
    const headSeq = events.length;
    const before = (await store.read(executionId, { toSeq: headSeq - 1 })).at(-1);
    const head = events.at(-1) as ExecutionEvent;
    const [link] = chainEvents(before?.hash, [head]);
    const state = decidedFrom(initialState(), events).states.at(-1) as ExecutionState;
    await context.client.send(
      new PutItemCommand({ TableName: context.config.tables.events, Item: legacyEventItem(link as NonNullable<typeof link>, state) }),
    );
    const verified = await verifyChain(new DynamoLedgerRecordReader(context.client, context.config.tables.events), executionId);
    expect(verified).toMatchObject({ ok: false, firstBadSeq: headSeq, problem: 'modified' });
  });

  describe('events edited in the table are never decided on either', () => {
    /** The item at `seq` put back with its packed event changed (nothing rehashed). */
    const putWith = async (executionId: string, seq: number, change: (event: Record<string, unknown>) => Record<string, unknown>) => {
      const item = withPackedEvent(await itemAt(executionId, seq), change);
      await context.client.send(new PutItemCommand({ TableName: context.config.tables.events, Item: item }));
    };

    it('given a young execution (no snapshot yet) whose start is edited to RECOVERY, the load refuses and raises LedgerBroken', async () => {
      const executionId = 'exec-v2-young';
      store = new DynamoExecutionEventStore(context.client, context.config.tables.events, {
        snapshotEvery: 20,
        onTamper: async (alarm) => {
          alarms.push(alarm);
        },
      });
      await given(executionId);
      await putWith(executionId, 1, (event) => ({ ...event, data: { ...(event.data as object), executionType: 'RECOVERY' } }));
      await expect(store.load(executionId)).rejects.toBeInstanceOf(LedgerIntegrityError);
      expect(alarms.map((alarm) => [alarm.kind, alarm.seq])).toEqual([['LedgerBroken', 1]]);
    });

    it('given the head event rewritten (a pause turned into a resume), the load refuses', async () => {
      const executionId = 'exec-v2-head-edited';
      const events = await given(executionId);
      const headSeq = events.length;
      await putWith(executionId, headSeq, (event) => ({
        ...event,
        type: 'ExecutionResumed',
        actor: 'change-board@corp',
        data: { resumedBy: 'change-board@corp' },
      }));
      await expect(store.load(executionId)).rejects.toMatchObject({ name: 'LedgerIntegrityError', seq: headSeq });
      expect(alarms.map((alarm) => [alarm.kind, alarm.seq])).toEqual([['LedgerBroken', headSeq]]);
    });

    it('given the snapshot removed from its item, the load decides on the verified events', async () => {
      const executionId = 'exec-v2-snapshot-removed';
      const events = await given(executionId);
      const snapshotSeq = Math.floor(events.length / K) * K;
      const { state: _dropped, ...item } = await itemAt(executionId, snapshotSeq);
      await context.client.send(new PutItemCommand({ TableName: context.config.tables.events, Item: item }));
      expect((await store.load(executionId)).state).toEqual(
        snapshotOf(decidedFrom(initialState(), events).states.at(-1) as ExecutionState),
      );
      expect(alarms).toEqual([]);
    });
  });
});
