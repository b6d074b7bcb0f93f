/**
 * Ledgers of format 2, written before format 3 packed each event in one attribute, read by today's code exactly as
 * before. test/fixtures/format2/ledgers.json holds the exact items (AttributeValues; binaries as base64) that
 * commit f59ec98's own handler stored for two drills (a paused and resumed one, with a snapshot at seq 20, and a
 * failed one), and what that commit's exportLedger made of them (test/fixtures/format2/generator.ts.txt).
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { ledgerRecordFromItem } from '../../src/adapters/dynamodb/ledgerRecord';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { hasSnapshot, type Item } from '../../src/adapters/dynamodb/marshalEvent';
import { decodeStreamRecord } from '../../src/adapters/dynamodb/streamRecords';
import { exportLedger, parseExport, verifyChain } from '../../src/audit';
import { decidedFrom, fold, initialState, snapshotOf } from '../../src/domain/execution';
import { canonicalJson } from '../../src/domain/ledger';
import { LocalDynamoStream } from '../../src/local/localStream';
import type { TamperAlarm } from '../../src/ports/tamperAlarms';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { linksOf } from './support/rawLedger';
import { RawLedger } from './support/rawLedger';

interface Format2Execution {
  name: 'paused' | 'failed';
  executionId: string;
  items: unknown[];
  export: string;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/format2/ledgers.json'), 'utf8')) as {
  commit: string;
  executions: Format2Execution[];
};

/** Back to AttributeValues: every `B` from base64. */
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

describe("format-2 ledgers (written before format 3), read by today's code as before", () => {
  let context: DynamoTestContext;
  let reader: DynamoLedgerRecordReader;
  let alarms: TamperAlarm[];
  let store: DynamoExecutionEventStore;

  beforeAll(async () => {
    expect(fixture.commit).toMatch(/^[0-9a-f]{40}$/);
    context = await startTestDynamo();
    reader = new DynamoLedgerRecordReader(context.client, context.config.tables.events);
    for (const execution of fixture.executions) {
      for (const item of execution.items) {
        await context.client.send(new PutItemCommand({ TableName: context.config.tables.events, Item: toItem(item) }));
      }
    }
  });
  afterAll(() => stopTestDynamo(context));
  beforeEach(() => {
    alarms = [];
    store = new DynamoExecutionEventStore(context.client, context.config.tables.events, {
      onTamper: async (alarm) => {
        alarms.push(alarm);
      },
    });
  });

  describe.each(fixture.executions.map((execution) => [execution.name, execution] as const))('the %s drill', (_name, execution) => {
    const items = execution.items.map(toItem);
    const parsed = parseExport(execution.export);
    /** The events, links and digests the export holds: what the commit that wrote the items read back. */
    const exported = parsed.ok ? parsed.events : [];

    it('is format 2 throughout: one attribute per field, a state digest on every item', () => {
      expect(items.every((item) => item.stateDigest?.B?.length === 32 && item.data?.M !== undefined && item.event === undefined)).toBe(
        true,
      );
    });

    it('verifies, and exports byte for byte what the commit that wrote it exported', async () => {
      const last = items.at(-1) as Item;
      expect(await verifyChain(reader, execution.executionId)).toMatchObject({ ok: true, headSeq: items.length, headHash: last.hash?.S });
      expect(await exportLedger(reader, execution.executionId)).toMatchObject({ ok: true, jsonl: execution.export });
    });

    it('reads back the events, links and digests the export holds, and replays them', async () => {
      const stored = await store.read(execution.executionId);
      expect(exported).toHaveLength(items.length);
      expect(stored).toEqual(exported);
      expect(
        fold(
          stored.map((link) => link.event),
          initialState(),
        ).version,
      ).toBe(items.length);
      expect(await store.head(execution.executionId)).toEqual({ seq: items.length, hash: (items.at(-1) as Item).hash?.S });
    });

    it('reads each item as an audit record, its snapshot where it has one', () => {
      const records = items.map(ledgerRecordFromItem);
      expect(records.every((record) => record.readable)).toBe(true);
      expect(records.filter((record) => record.readable && record.snapshot !== undefined).map((record) => record.seq)).toEqual(
        items.filter(hasSnapshot).map((item) => Number(item.seq?.N)),
      );
    });

    it('loads the state after the head (from its verified snapshot where the window has one), with no alarm', async () => {
      const events = exported.map((line) => line.event);
      expect((await store.load(execution.executionId)).state).toEqual(snapshotOf(fold(events, initialState())));
      expect(alarms).toEqual([]);
    });

    it("written again by today's store (format 4), the same events, byte for byte, chained with the snapshots' digests only", async () => {
      const again = await startTestDynamo();
      try {
        const today = new DynamoExecutionEventStore(again.client, again.config.tables.events);
        const events = exported.map((line) => line.event);
        const appended = await today.append(await today.load(execution.executionId), decidedFrom(initialState(), events));
        expect(appended.ok).toBe(true);
        const rewritten = await new RawLedger(again.client, again.config.tables.events, execution.executionId).items();
        expect(rewritten.every((item) => (linksOf(item).stateDigest !== undefined) === hasSnapshot(item) && item.data === undefined)).toBe(
          true,
        );
        const todayReader = new DynamoLedgerRecordReader(again.client, again.config.tables.events);
        const todays = await exportLedger(todayReader, execution.executionId);
        const reparsed = todays.ok ? parseExport(todays.jsonl) : undefined;
        expect(reparsed?.ok && reparsed.events.map((line) => canonicalJson(line.event))).toEqual(
          exported.map((line) => canonicalJson(line.event)),
        );
        expect(reparsed?.ok && reparsed.events.filter((line) => line.stateDigest !== undefined).map((line) => line.event.seq)).toEqual(
          rewritten.filter(hasSnapshot).map((item) => Number(item.seq?.N)),
        );
      } finally {
        await stopTestDynamo(again);
      }
    });

    it('decodes each item from the stream as the event it holds', () => {
      const stream = new LocalDynamoStream({
        consumer: async () => ({ batchItemFailures: [] }),
        tableName: 'events',
        region: 'us-east-1',
        mode: 'batched',
      });
      const decoded = items.map((item, index) => decodeStreamRecord(stream.toRecord(item), String(index)).decoded);
      expect(decoded).toEqual(exported.map((line) => ({ ok: true, event: line.event })));
    });
  });

  describe('tampering with a format-2 item is caught as before', () => {
    const paused = fixture.executions.find((execution) => execution.name === 'paused') as Format2Execution;
    const raw = () => new RawLedger(context.client, context.config.tables.events, paused.executionId);
    const original = paused.items.map(toItem);
    afterEach(() => raw().restore(original));

    it('an actor changed in place: modified, at its seq', async () => {
      await raw().put({ ...structuredClone(original[4] as Item), actor: { S: 'mallory@example.com' } });
      expect(await verifyChain(reader, paused.executionId)).toMatchObject({ ok: false, problem: 'modified', firstBadSeq: 5 });
    });

    it('an attribute the store never writes: malformed, at its seq', async () => {
      await raw().put({ ...structuredClone(original[6] as Item), event: { S: '{}' } });
      expect(await verifyChain(reader, paused.executionId)).toMatchObject({ ok: false, problem: 'malformed', firstBadSeq: 7 });
    });

    it('its snapshot edited: verify names the item, and the load refolds the events and raises the alarm', async () => {
      const seq = original.findIndex(hasSnapshot) + 1;
      const item = structuredClone(original[seq - 1] as Item);
      await raw().put({ ...item, state: { B: Buffer.from('not gzip') } });
      expect(await verifyChain(reader, paused.executionId)).toMatchObject({ ok: false, firstBadSeq: seq });
      const events = parseExport(paused.export);
      const expected = snapshotOf(fold(events.ok ? events.events.map((line) => line.event) : [], initialState()));
      expect((await store.load(paused.executionId)).state).toEqual(expected);
      expect(alarms.map((alarm) => [alarm.kind, alarm.seq])).toEqual([['SnapshotMismatch', seq]]);
    });
  });
});
