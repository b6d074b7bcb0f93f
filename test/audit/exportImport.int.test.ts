import { gunzipSync } from 'node:zlib';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { exportLedger } from '../../src/audit/exportLedger';
import type { ExportHeader } from '../../src/audit/ledgerExportFormat';
import { importLedger } from '../../src/audit/importLedger';
import { replayAt } from '../../src/audit/replayAt';
import { verifyChain } from '../../src/audit/verifyChain';
import { canonicalJson, chainHash } from '../../src/domain/ledger';
import type { StoredEvent } from '../../src/ports/executionEventStore';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { pausedDrill } from './support/drills';
import { RawLedger } from './support/rawLedger';

describe('exporting a drill ledger and importing it into an empty store', () => {
  let world: DrillWorld;
  let target: DynamoTestContext;
  let executionId: string;
  let jsonl: string;

  const sourceReader = () => new DynamoLedgerRecordReader(world.harness.dynamo.client, world.harness.dynamo.config.tables.events);
  const targetStore = () => new DynamoExecutionEventStore(target.client, target.config.tables.events);
  const targetReader = () => new DynamoLedgerRecordReader(target.client, target.config.tables.events);
  const targetItems = () => new RawLedger(target.client, target.config.tables.events, executionId).items();
  const lines = () => jsonl.trimEnd().split('\n');
  /** Rewrites line `index` (0 is the header, k is the event at seq k) through `change`, as canonical JSON. */
  const withLine = <Line extends ExportHeader | StoredEvent>(index: number, change: (value: Line) => object) =>
    lines()
      .map((line, at) => (at === index ? canonicalJson(change(JSON.parse(line) as Line)) : line))
      .join('\n');

  beforeAll(async () => {
    world = await startDrillWorld();
    executionId = await pausedDrill(world);
    const exported = await exportLedger(sourceReader(), executionId);
    if (!exported.ok) throw new Error(JSON.stringify(exported.error));
    jsonl = exported.jsonl;
  });
  afterAll(() => world.stop());
  beforeEach(async () => {
    target = await startTestDynamo();
  });
  afterEach(() => stopTestDynamo(target));

  it('writes a header and one canonical line per event, in seq order', async () => {
    const head = await world.harness.deps.store.head(executionId);
    const [header, ...events] = lines().map((line) => JSON.parse(line) as unknown) as [ExportHeader, ...StoredEvent[]];
    expect(header).toEqual({
      format: 'drs-ledger/execution-events',
      formatVersion: 1,
      executionId,
      planId: 'plan-three-tier',
      eventCount: head?.seq,
      headHash: head?.hash,
    });
    expect(events.map((line) => line.event.seq)).toEqual(Array.from({ length: head?.seq ?? 0 }, (_, i) => i + 1));
    for (const line of lines()) expect(canonicalJson(JSON.parse(line))).toBe(line);
    // Checkable with nothing but sha256: each hash over the previous one and the event as written.
    for (const line of events) expect(chainHash(line.prevHash, line.event)).toBe(line.hash);
    expect(jsonl.endsWith('\n')).toBe(true);
  });

  it('imports into a second store: same head hash, same items, same state snapshots, listed, replayable', async () => {
    const imported = await importLedger(targetStore(), jsonl);
    const head = await world.harness.deps.store.head(executionId);
    expect(imported).toEqual({ ok: true, executionId, eventCount: head?.seq, headHash: head?.hash });
    expect(await verifyChain(targetReader(), executionId, { expectedHead: head as { seq: number; hash: string } })).toMatchObject({
      ok: true,
      headHash: head?.hash,
    });

    // `writer` is the nonce of the append that wrote an item (not evidence, not hashed): the import's own.
    const comparable = (items: Item[]) =>
      items.map(({ state, writer: _writer, ...rest }) => ({
        ...rest,
        state: canonicalJson(JSON.parse(gunzipSync(Buffer.from(state?.B as Uint8Array)).toString('utf8'))),
      }));
    const sourceItems = await new RawLedger(world.harness.dynamo.client, world.harness.dynamo.config.tables.events, executionId).items();
    expect(comparable(await targetItems())).toEqual(comparable(sourceItems));

    expect((await targetStore().listExecutions(10)).executions.map((listed) => listed.executionId)).toEqual([executionId]);
    const there = await replayAt(targetStore(), executionId, { seq: head?.seq ?? 0 });
    expect(there.ok && there.view).toEqual(await world.harness.deps.views.get(executionId));
  });

  it('refuses a tampered line, naming it, and writes nothing', async () => {
    const tampered = withLine<StoredEvent>(8, (line) => ({ ...line, event: { ...line.event, actor: 'mallory@example.com' } }));
    expect(await importLedger(targetStore(), tampered)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: 9, seq: 8, problem: 'modified' },
    });
    expect(await targetItems()).toEqual([]);
  });

  it('refuses swapped, dropped and duplicated lines at the first bad line', async () => {
    const all = lines();
    const swapped = [...all.slice(0, 11), all[12], all[11], ...all.slice(13)].join('\n');
    expect(await importLedger(targetStore(), swapped)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: 12, problem: 'reordered' },
    });
    const dropped = [...all.slice(0, 5), ...all.slice(6)].join('\n');
    expect(await importLedger(targetStore(), dropped)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: 6, problem: 'missing' },
    });
    const truncated = all.slice(0, -1).join('\n');
    expect(await importLedger(targetStore(), truncated)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: all.length, problem: 'missing' },
    });
    const duplicated = [...all, all[all.length - 1]].join('\n');
    expect(await importLedger(targetStore(), duplicated)).toMatchObject({ ok: false, error: { kind: 'Tampered' } });
    expect(await targetItems()).toEqual([]);
  });

  it('refuses a file rehashed end to end, against a head hash known from elsewhere', async () => {
    // A forger who edits line 9 and recomputes every hash after it, header included.
    const parsed = lines().map((line) => JSON.parse(line) as unknown);
    const [header, ...events] = parsed as [ExportHeader, ...StoredEvent[]];
    let prevHash = events[0]?.prevHash as string;
    const forged = events.map((line, index) => {
      const event = index === 7 ? { ...line.event, actor: 'mallory@example.com' } : line.event;
      const hash = chainHash(prevHash, event);
      const out = { event, prevHash, hash };
      prevHash = hash;
      return out;
    });
    const file = [{ ...header, headHash: prevHash }, ...forged].map(canonicalJson).join('\n');
    const head = await world.harness.deps.store.head(executionId);
    expect(await importLedger(targetStore(), file, { expectedHeadHash: head?.hash as string })).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', problem: 'modified', seq: head?.seq },
    });
    expect(await targetItems()).toEqual([]);
  });

  it('refuses files that are not exports, and an execution the store already holds', async () => {
    expect(await importLedger(targetStore(), 'hello\n')).toEqual({
      ok: false,
      error: { kind: 'InvalidFile', line: 1, detail: 'not JSON' },
    });
    const wrongHeader = withLine<ExportHeader>(0, (line) => ({ ...line, formatVersion: 2 }));
    expect(await importLedger(targetStore(), wrongHeader)).toMatchObject({ ok: false, error: { kind: 'InvalidFile', line: 1 } });
    const foreign = withLine<StoredEvent>(3, (line) => ({ ...line, event: { ...line.event, executionId: 'exec-other' } }));
    expect(await importLedger(targetStore(), foreign)).toMatchObject({ ok: false, error: { kind: 'InvalidFile', line: 4 } });
    const extraField = withLine<StoredEvent>(5, (line) => ({ ...line, note: 'approved' }));
    expect(await importLedger(targetStore(), extraField)).toMatchObject({ ok: false, error: { kind: 'InvalidFile', line: 6 } });
    expect(await targetItems()).toEqual([]);

    expect(await importLedger(targetStore(), jsonl)).toMatchObject({ ok: true });
    expect(await importLedger(targetStore(), jsonl)).toEqual({ ok: false, error: { kind: 'AlreadyExists', executionId } });
  });

  it('exports nothing for an unknown execution or a broken chain', async () => {
    expect(await exportLedger(sourceReader(), 'exec-unknown')).toEqual({
      ok: false,
      error: { kind: 'UnknownExecution', executionId: 'exec-unknown' },
    });
    const raw = new RawLedger(world.harness.dynamo.client, world.harness.dynamo.config.tables.events, executionId);
    const items = await raw.items();
    await raw.delete(7);
    try {
      expect(await exportLedger(sourceReader(), executionId)).toMatchObject({
        ok: false,
        error: { kind: 'ChainBroken', problem: 'missing', firstBadSeq: 7 },
      });
    } finally {
      await raw.restore(items);
    }
  });
});
