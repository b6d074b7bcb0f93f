/**
 * Importing an export as sealed evidence, on the in-memory store: staged line by line, visible only once
 * sealed, completed by a re-run after a kill at any point, and refused, with nothing written, when the
 * file's ids are not ones the execution-handler accepts.
 */
import { InMemoryImportedEvidenceStore } from '../../src/adapters/memory';
import { importLedger } from '../../src/audit/importLedger';
import { listImports } from '../../src/audit/importListing';
import { importIdOf, SealedImportLedger, sealedHead } from '../../src/audit/sealedImport';
import { verifyChain } from '../../src/audit/verifyChain';
import type { ExecutionEvent } from '../../src/domain/execution';
import { canonicalJson } from '../../src/domain/ledger';
import type { ImportedEvidenceStore, ImportSeal } from '../../src/ports/importedEvidence';
import { wave1CompletedHistory } from '../fixtures/events';
import { samplePlan } from '../fixtures/plan';
import { asExecution, craftedExport } from './support/craftedExport';
import { KilledStore } from './support/killedStore';

const EXECUTION = 'exec-imported-1';
const history = asExecution(wave1CompletedHistory, EXECUTION, samplePlan);
const file = craftedExport(history);
const NOW = () => '2026-11-30T12:00:00.000Z';
/** A line chained onto the file's head, as someone extending the evidence by hand would write it. */
const forgedNextLine = (): string =>
  craftedExport([...history, { ...(history.at(-1) as ExecutionEvent), seq: history.length + 1 }])
    .trimEnd()
    .split('\n')
    .at(-1) as string;

const visible = async (store: ImportedEvidenceStore, executionId = EXECUTION) => {
  const ledger = new SealedImportLedger(store);
  return { seal: await ledger.sealOf(executionId), records: await ledger.readRecords(executionId) };
};

describe('importing an export as sealed evidence', () => {
  it('given a self-consistent file, when imported, then it is staged, sealed with its head and verifies against the seal', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const imported = await importLedger(store, file, { now: NOW });
    expect(imported).toMatchObject({ ok: true, outcome: 'sealed', executionId: EXECUTION, eventCount: history.length });
    const seal = imported.ok ? imported.seal : undefined;
    expect(seal).toMatchObject({ executionId: EXECUTION, eventCount: history.length, sealedAt: NOW(), stagedAt: NOW() });
    expect(seal?.importId).toBe(importIdOf(file.split('\n')[0] as string));
    const ledger = new SealedImportLedger(store);
    expect(await verifyChain(ledger, EXECUTION, { expectedHead: sealedHead(seal as ImportSeal) })).toMatchObject({
      ok: true,
      headSeq: history.length,
      headHash: seal?.headHash,
    });
    expect((await ledger.read(EXECUTION)).map((stored) => stored.event)).toEqual(history);
    expect(await listImports(store)).toMatchObject([{ importId: seal?.importId, state: 'sealed', stagedCount: history.length }]);
  });

  it('given the same file sealed already, when imported again, then it is a no-op answering the first seal', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const first = await importLedger(store, file, { now: NOW });
    const counted = new KilledStore(store);
    const again = await importLedger(counted, file, { now: () => '2026-12-24T00:00:00.000Z' });
    expect(again).toEqual({ ...first, outcome: 'already-sealed' });
    expect(counted.writes).toBe(0);
  });

  // Writes: 1 the manifest, 2..N+1 the lines, N+2 the seal.
  it.each(Array.from({ length: history.length + 2 }, (_, index) => index + 1))(
    'given an import killed at its write %i, then nothing is visible, the listing says incomplete, and a re-run seals it',
    async (killAt) => {
      const store = new InMemoryImportedEvidenceStore();
      await expect(importLedger(new KilledStore(store, killAt), file, { now: NOW })).rejects.toThrow(`killed at write ${killAt}`);

      expect(await visible(store)).toEqual({ seal: undefined, records: [] });
      const listed = await listImports(store);
      if (killAt === 1) expect(listed).toEqual([]);
      else
        expect(listed).toMatchObject([{ executionId: EXECUTION, state: 'incomplete', stagedCount: Math.min(killAt - 2, history.length) }]);

      const rerun = await importLedger(store, file, { now: () => '2026-11-30T12:05:00.000Z' });
      expect(rerun).toMatchObject({ ok: true, outcome: 'sealed', eventCount: history.length });
      const { seal, records } = await visible(store);
      // The staging keeps the first run's start; the seal is the re-run's.
      expect(seal).toMatchObject({ stagedAt: killAt === 1 ? '2026-11-30T12:05:00.000Z' : NOW(), sealedAt: '2026-11-30T12:05:00.000Z' });
      expect(records).toHaveLength(history.length);
      expect(await verifyChain(new SealedImportLedger(store), EXECUTION, { expectedHead: sealedHead(seal as ImportSeal) })).toMatchObject({
        ok: true,
      });
      expect(await listImports(store)).toMatchObject([{ state: 'sealed' }]);
    },
  );

  it('given a killed import of one file, when another file of the execution is imported, then that one is sealed and the first superseded', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const shorter = craftedExport(history.slice(0, 3));
    await expect(importLedger(new KilledStore(store, 3), shorter, { now: NOW })).rejects.toThrow('killed');
    expect(await importLedger(store, file, { now: NOW })).toMatchObject({ ok: true, outcome: 'sealed', eventCount: history.length });
    expect(
      (await listImports(store)).map(({ state, eventCount }) => ({ state, eventCount })).sort((a, b) => a.eventCount - b.eventCount),
    ).toEqual([
      { state: 'superseded', eventCount: 3 },
      { state: 'sealed', eventCount: history.length },
    ]);
    // And the superseded one can never be sealed over it.
    expect(await importLedger(store, shorter, { now: NOW })).toMatchObject({
      ok: false,
      error: { kind: 'AlreadyImported', executionId: EXECUTION },
    });
  });

  it('given a staged line that is not the file’s, then the import is refused and not sealed', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const importId = importIdOf(file.split('\n')[0] as string);
    await store.stage(importId, { seq: 2, line: '{"forged":true}' });
    expect(await importLedger(store, file, { now: NOW })).toMatchObject({
      ok: false,
      error: { kind: 'StagingConflict', importId, seq: 2 },
    });
    expect(await visible(store)).toEqual({ seal: undefined, records: [] });
  });

  it('given a manifest pre-written under the import’s id naming another execution, the import refuses to seal over it', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const importId = importIdOf(file.split('\n')[0] as string);
    const header = JSON.parse(file.split('\n')[0] as string) as {
      executionId: string;
      planId: string;
      eventCount: number;
      headHash: string;
    };
    await store.begin({
      importId,
      executionId: 'exec-someone-else',
      planId: header.planId,
      eventCount: header.eventCount,
      headHash: header.headHash,
      header: file.split('\n')[0] as string,
      stagedAt: NOW(),
    });
    expect(await importLedger(store, file, { now: NOW })).toMatchObject({ ok: false, error: { kind: 'StagingConflict', importId } });
    expect(await visible(store)).toEqual({ seal: undefined, records: [] });
  });

  it('given a line slipped into the staging beyond the file’s head, then what is staged does not verify and nothing is sealed', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const importId = importIdOf(file.split('\n')[0] as string);
    await store.stage(importId, { seq: history.length + 1, line: forgedNextLine() });
    expect(await importLedger(store, file, { now: NOW })).toMatchObject({
      ok: false,
      error: { kind: 'StagingBroken', importId, seq: history.length + 1, problem: 'inserted' },
    });
    expect(await visible(store)).toEqual({ seal: undefined, records: [] });
  });

  it('given a sealed import, when a line is slipped in after the seal, then verifying against the seal finds it', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const imported = await importLedger(store, file, { now: NOW });
    const seal = (imported.ok ? imported.seal : undefined) as ImportSeal;
    await store.stage(seal.importId, { seq: history.length + 1, line: forgedNextLine() });
    expect(await verifyChain(new SealedImportLedger(store), EXECUTION, { expectedHead: sealedHead(seal) })).toMatchObject({
      ok: false,
      firstBadSeq: history.length + 1,
      problem: 'inserted',
    });
    // Read as evidence (replay, events), the import ends at its seal: the slipped line is never shown.
    const read = await new SealedImportLedger(store).read(EXECUTION);
    expect(read.map((stored) => stored.event.seq)).toEqual(history.map((_, index) => index + 1));
  });
});

describe('ids in an import are the execution-handler’s', () => {
  const HANDLER_ID_RULE = 'must contain only letters, digits, and _ . : - (starting with a letter or digit)';

  it.each([
    ['../../x/TRAVERSED', HANDLER_ID_RULE],
    ['..', HANDLER_ID_RULE],
    ['.hidden', HANDLER_ID_RULE],
    ['x/../../TRAVERSED', HANDLER_ID_RULE],
    ['..\\..\\x\\TRAVERSED', HANDLER_ID_RULE],
    ['/etc/passwd', HANDLER_ID_RULE],
    ['exec 1', HANDLER_ID_RULE],
    ['exec\n1', HANDLER_ID_RULE],
    ['exec\u202e1', HANDLER_ID_RULE],
    ['%2e%2e%2fTRAVERSED', HANDLER_ID_RULE],
    ['e'.repeat(129), 'must be at most 128 characters'],
  ])('given a self-consistent export of execution %j, then it is refused at line 1 and nothing is written', async (executionId, rule) => {
    const store = new KilledStore(new InMemoryImportedEvidenceStore());
    const crafted = craftedExport(asExecution(wave1CompletedHistory, executionId, samplePlan));
    const imported = await importLedger(store, crafted, { now: NOW });
    expect(imported).toEqual({ ok: false, error: { kind: 'InvalidFile', line: 1, detail: `the header's executionId ${rule}` } });
    expect(store.writes).toBe(0);
    expect(await listImports(store)).toEqual([]);
  });

  it('refuses a plan id the handler would refuse, in the header and in the started plan', async () => {
    const store = new KilledStore(new InMemoryImportedEvidenceStore());
    const badPlan = { ...samplePlan, planId: '../plans/x' };
    expect(await importLedger(store, craftedExport(asExecution(wave1CompletedHistory, EXECUTION, badPlan)))).toMatchObject({
      ok: false,
      error: { kind: 'InvalidFile', line: 1, detail: expect.stringContaining("the header's planId must contain only") as string },
    });
    const startedElsewhere = craftedExport(
      asExecution(wave1CompletedHistory, EXECUTION, samplePlan).map((event) =>
        event.type === 'ExecutionStarted' ? { ...event, data: { ...event.data, plan: badPlan } } : event,
      ),
    );
    expect(await importLedger(store, startedElsewhere)).toMatchObject({ ok: false, error: { kind: 'InvalidFile', line: 2 } });
    expect(store.writes).toBe(0);
  });

  it('refuses server and DRS job ids DRS could not have given, naming the line', async () => {
    const store = new KilledStore(new InMemoryImportedEvidenceStore());
    const withEvent = (seq: number, change: (event: ExecutionEvent) => ExecutionEvent) =>
      craftedExport(history.map((event) => (event.seq === seq ? change(event) : event)));
    const badJob = withEvent(3, (event) =>
      event.type === 'WaveStarted' ? { ...event, data: { ...event.data, drsJobId: '../jobs' } } : event,
    );
    expect(await importLedger(store, badJob)).toEqual({
      ok: false,
      error: { kind: 'InvalidFile', line: 4, detail: 'drsJobId "../jobs" is not a DRS job id' },
    });
    const badServer = withEvent(4, (event) =>
      event.type === 'WavePolled'
        ? { ...event, data: { ...event.data, servers: [{ serverId: 's-../../etc', launchStatus: 'LAUNCHED' }] } }
        : event,
    );
    expect(await importLedger(store, badServer)).toEqual({
      ok: false,
      error: { kind: 'InvalidFile', line: 5, detail: 'servers: serverId "s-../../etc" is not a DRS source server id' },
    });
    expect(store.writes).toBe(0);
  });

  it('keeps the staged line byte for byte as the export line it came from', async () => {
    const store = new InMemoryImportedEvidenceStore();
    const imported = await importLedger(store, file, { now: NOW });
    const staged = await store.staged((imported.ok ? imported.seal : undefined)?.importId as string);
    expect(staged.map((line) => line.line)).toEqual(file.trimEnd().split('\n').slice(1));
    expect(staged.every((line) => canonicalJson(JSON.parse(line.line)) === line.line)).toBe(true);
  });
});
