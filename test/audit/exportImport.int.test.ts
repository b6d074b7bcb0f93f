import { DEFAULT_LEDGER_SNAPSHOT_EVERY } from '../../src/config';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { createImportedEvidenceTable, importedEvidenceTableName } from '../../src/adapters/dynamodb/importedEvidenceTable';
import { DynamoImportedEvidenceStore } from '../../src/adapters/dynamodb/importedEvidenceStore';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { exportLedger } from '../../src/audit/exportLedger';
import type { ExportHeader } from '../../src/audit/ledgerExportFormat';
import { importLedger } from '../../src/audit/importLedger';
import { listImports } from '../../src/audit/importListing';
import { SealedImportLedger, sealedHead } from '../../src/audit/sealedImport';
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
  /** Imports land here, as sealed evidence, never in the target's live ledger (targetStore). */
  const targetEvidence = () => new DynamoImportedEvidenceStore(target.client, importedEvidenceTableName(target.config.tables.events));
  const targetItems = () => new RawLedger(target.client, target.config.tables.events, executionId).items();
  const expectNothingWritten = async () => {
    expect(await targetItems()).toEqual([]);
    expect(await listImports(targetEvidence())).toEqual([]);
  };
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
    await createImportedEvidenceTable(target.client, importedEvidenceTableName(target.config.tables.events));
  });
  afterEach(() => stopTestDynamo(target));

  it('writes a header and one canonical line per event, in seq order', async () => {
    const head = await world.harness.deps.store.head(executionId);
    const [header, ...events] = lines().map((line) => JSON.parse(line) as unknown) as [ExportHeader, ...StoredEvent[]];
    expect(header).toEqual({
      format: 'drs-ledger/execution-events',
      formatVersion: 2,
      executionId,
      planId: 'plan-three-tier',
      eventCount: head?.seq,
      headHash: head?.hash,
    });
    expect(events.map((line) => line.event.seq)).toEqual(Array.from({ length: head?.seq ?? 0 }, (_, i) => i + 1));
    for (const line of lines()) expect(canonicalJson(JSON.parse(line))).toBe(line);
    // Checkable with nothing but sha256: each hash over the previous one, the event as written and its state digest.
    for (const line of events) expect(chainHash(line.prevHash, line.event, line.stateDigest)).toBe(line.hash);
    // The store covers the state's digest on its snapshot items, every K-th.
    expect(events.map((line) => line.stateDigest !== undefined)).toEqual(
      events.map((line) => line.event.seq % DEFAULT_LEDGER_SNAPSHOT_EVERY === 0),
    );
    expect(events.some((line) => line.stateDigest !== undefined)).toBe(true);
    expect(jsonl.endsWith('\n')).toBe(true);
  });

  // Changed with sealed imports: an import no longer lands in the live ledger (where the stack listed and
  // drove it) but in the imported-evidence table, staged and sealed, read through the seal.
  it('imports as sealed evidence: same head hash, verified against the seal, replayable; never in the live ledger', async () => {
    const imported = await importLedger(targetEvidence(), jsonl);
    const head = await world.harness.deps.store.head(executionId);
    expect(imported).toMatchObject({ ok: true, outcome: 'sealed', executionId, eventCount: head?.seq, headHash: head?.hash });
    const sealed = new SealedImportLedger(targetEvidence());
    const seal = await sealed.sealOf(executionId);
    expect(seal).toMatchObject({ executionId, eventCount: head?.seq, headHash: head?.hash });
    expect(await verifyChain(sealed, executionId, { expectedHead: sealedHead(seal as NonNullable<typeof seal>) })).toMatchObject({
      ok: true,
      headHash: head?.hash,
    });
    const there = await replayAt(sealed, executionId, { seq: head?.seq ?? 0 });
    expect(there.ok && there.view).toEqual(await world.harness.deps.views.get(executionId));

    // The live ledger of the target knows nothing of it: no item, no listing, nothing to load.
    expect(await targetItems()).toEqual([]);
    expect((await targetStore().listExecutions(10)).executions).toEqual([]);
    expect((await targetStore().load(executionId)).state.status).toBe('NOT_STARTED');
  });

  it('given an import killed at its 6th PutItem on DynamoDB, nothing is visible until a re-run of the same file seals it', async () => {
    // The importer's own client dies at its 6th write (the manifest and four lines are in): the process is gone.
    const table = importedEvidenceTableName(target.config.tables.events);
    const doomed = createDynamoDbClient(target.config);
    let puts = 0;
    doomed.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' && (args.input as { TableName?: string }).TableName === table && ++puts === 6) {
          throw new Error('importer killed');
        }
        return next(args);
      },
      { step: 'initialize', name: 'killImporter' },
    );
    await expect(importLedger(new DynamoImportedEvidenceStore(doomed, table), jsonl)).rejects.toThrow('importer killed');
    doomed.destroy();

    const sealed = new SealedImportLedger(targetEvidence());
    expect(await sealed.sealOf(executionId)).toBeUndefined();
    expect(await sealed.readRecords(executionId)).toEqual([]);
    expect(await verifyChain(sealed, executionId)).toMatchObject({ ok: false, firstBadSeq: 1, problem: 'missing' });
    const head = await world.harness.deps.store.head(executionId);
    expect(await listImports(targetEvidence())).toMatchObject([
      { executionId, state: 'incomplete', stagedCount: 4, eventCount: head?.seq },
    ]);
    expect(await targetItems()).toEqual([]);

    expect(await importLedger(targetEvidence(), jsonl)).toMatchObject({ ok: true, outcome: 'sealed', headHash: head?.hash });
    const seal = await sealed.sealOf(executionId);
    expect(await verifyChain(sealed, executionId, { expectedHead: sealedHead(seal as NonNullable<typeof seal>) })).toMatchObject({
      ok: true,
      headHash: head?.hash,
    });
    expect(await listImports(targetEvidence())).toMatchObject([{ state: 'sealed', stagedCount: head?.seq }]);
  });

  it('refuses a tampered line, naming it, and writes nothing', async () => {
    const tampered = withLine<StoredEvent>(8, (line) => ({ ...line, event: { ...line.event, actor: 'mallory@example.com' } }));
    expect(await importLedger(targetEvidence(), tampered)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: 9, seq: 8, problem: 'modified' },
    });
    await expectNothingWritten();
  });

  it('refuses swapped, dropped and duplicated lines at the first bad line', async () => {
    const all = lines();
    const swapped = [...all.slice(0, 11), all[12], all[11], ...all.slice(13)].join('\n');
    expect(await importLedger(targetEvidence(), swapped)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: 12, problem: 'reordered' },
    });
    const dropped = [...all.slice(0, 5), ...all.slice(6)].join('\n');
    expect(await importLedger(targetEvidence(), dropped)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: 6, problem: 'missing' },
    });
    const truncated = all.slice(0, -1).join('\n');
    expect(await importLedger(targetEvidence(), truncated)).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', line: all.length, problem: 'missing' },
    });
    const duplicated = [...all, all[all.length - 1]].join('\n');
    expect(await importLedger(targetEvidence(), duplicated)).toMatchObject({ ok: false, error: { kind: 'Tampered' } });
    await expectNothingWritten();
  });

  it('refuses a file rehashed end to end, against a head hash known from elsewhere', async () => {
    // A forger who edits line 9 and recomputes every hash after it, header included.
    const parsed = lines().map((line) => JSON.parse(line) as unknown);
    const [header, ...events] = parsed as [ExportHeader, ...StoredEvent[]];
    let prevHash = events[0]?.prevHash as string;
    const forged = events.map((line, index) => {
      const event = index === 7 ? { ...line.event, actor: 'mallory@example.com' } : line.event;
      const hash = chainHash(prevHash, event, line.stateDigest);
      const out = { event, prevHash, hash, ...(line.stateDigest === undefined ? {} : { stateDigest: line.stateDigest }) };
      prevHash = hash;
      return out;
    });
    const file = [{ ...header, headHash: prevHash }, ...forged].map(canonicalJson).join('\n');
    const head = await world.harness.deps.store.head(executionId);
    expect(await importLedger(targetEvidence(), file, { expectedHeadHash: head?.hash as string })).toMatchObject({
      ok: false,
      error: { kind: 'Tampered', problem: 'modified', seq: head?.seq },
    });
    await expectNothingWritten();
  });

  it('refuses files that are not exports; the same file twice is sealed once', async () => {
    expect(await importLedger(targetEvidence(), 'hello\n')).toEqual({
      ok: false,
      error: { kind: 'InvalidFile', line: 1, detail: 'not JSON' },
    });
    const wrongHeader = withLine<ExportHeader>(0, (line) => ({ ...line, formatVersion: 3 }));
    expect(await importLedger(targetEvidence(), wrongHeader)).toMatchObject({ ok: false, error: { kind: 'InvalidFile', line: 1 } });
    const foreign = withLine<StoredEvent>(3, (line) => ({ ...line, event: { ...line.event, executionId: 'exec-other' } }));
    expect(await importLedger(targetEvidence(), foreign)).toMatchObject({ ok: false, error: { kind: 'InvalidFile', line: 4 } });
    const extraField = withLine<StoredEvent>(5, (line) => ({ ...line, note: 'approved' }));
    expect(await importLedger(targetEvidence(), extraField)).toMatchObject({ ok: false, error: { kind: 'InvalidFile', line: 6 } });
    await expectNothingWritten();

    const first = await importLedger(targetEvidence(), jsonl);
    expect(first).toMatchObject({ ok: true, outcome: 'sealed' });
    expect(await importLedger(targetEvidence(), jsonl)).toEqual({ ...first, outcome: 'already-sealed' });
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
