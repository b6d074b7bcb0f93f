/**
 * The ImportedEvidenceStore contract, run against every implementation (in memory in a unit test, DynamoDB on
 * dynalite in an integration test): staged lines and seals are each written once, and an execution has at
 * most one seal.
 */
import type { ImportedEvidenceStore, ImportManifest, ImportSeal } from '../../src/ports/importedEvidence';

export interface ImportedEvidenceStoreUnderTest {
  store: ImportedEvidenceStore;
  cleanup: () => Promise<void>;
}

const manifest = (importId: string, executionId: string, eventCount = 2): ImportManifest => ({
  importId,
  executionId,
  planId: 'plan-1',
  eventCount,
  headHash: 'a'.repeat(64),
  header: `{"executionId":"${executionId}"}`,
  stagedAt: '2026-11-30T10:00:00.000Z',
});

const sealOf = (begun: ImportManifest, sealedAt = '2026-11-30T10:01:00.000Z'): ImportSeal => ({ ...begun, sealedAt });

export const describeImportedEvidenceStoreContract = (name: string, makeStore: () => Promise<ImportedEvidenceStoreUnderTest>): void => {
  describe(`ImportedEvidenceStore contract: ${name}`, () => {
    let underTest: ImportedEvidenceStoreUnderTest;
    let store: ImportedEvidenceStore;

    beforeAll(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });
    afterAll(() => underTest?.cleanup());

    it('given nothing imported, there is no seal, no staged line and no import', async () => {
      expect(await store.sealOf('exec-none')).toBeUndefined();
      expect(await store.staged('imp-none')).toEqual([]);
      expect((await store.listImports()).imports.filter((listed) => listed.executionId === 'exec-none')).toEqual([]);
    });

    it('begin records the manifest once: a second begin of the same import keeps and answers the first', async () => {
      const first = manifest('imp-begin', 'exec-begin');
      expect(await store.begin(first)).toEqual(first);
      expect(await store.begin({ ...first, stagedAt: '2026-12-01T00:00:00.000Z' })).toEqual(first);
      expect((await store.listImports()).imports.filter((listed) => listed.importId === 'imp-begin')).toEqual([first]);
    });

    it('a staged line is written once: the same line again is present, another line at its seq is different', async () => {
      expect(await store.stage('imp-lines', { seq: 2, line: 'second' })).toBe('written');
      expect(await store.stage('imp-lines', { seq: 1, line: 'first' })).toBe('written');
      expect(await store.stage('imp-lines', { seq: 1, line: 'first' })).toBe('present');
      expect(await store.stage('imp-lines', { seq: 1, line: 'forged' })).toBe('different');
      expect(await store.staged('imp-lines')).toEqual([
        { seq: 1, line: 'first' },
        { seq: 2, line: 'second' },
      ]);
      expect(await store.staged('imp-other')).toEqual([]);
    });

    it('staged lines are read back in seq order past ten (the key orders numbers, not strings)', async () => {
      for (const seq of [10, 2, 1, 11, 9]) await store.stage('imp-order', { seq, line: `line ${seq}` });
      expect((await store.staged('imp-order')).map((staged) => staged.seq)).toEqual([1, 2, 9, 10, 11]);
    });

    it('the first seal of an execution wins; a second is refused, naming the first', async () => {
      const first = sealOf(manifest('imp-seal-a', 'exec-seal'));
      const second = sealOf(manifest('imp-seal-b', 'exec-seal', 3));
      expect(await store.seal(first)).toEqual({ ok: true });
      expect(await store.seal(second)).toEqual({ ok: false, existing: first });
      expect(await store.seal({ ...first, sealedAt: '2026-12-01T00:00:00.000Z' })).toEqual({ ok: false, existing: first });
      expect(await store.sealOf('exec-seal')).toEqual(first);
    });

    it('lists every import begun, page by page', async () => {
      for (let n = 0; n < 5; n += 1) await store.begin(manifest(`imp-page-${n}`, `exec-page-${n}`));
      const listed: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await store.listImports(nextToken);
        listed.push(...page.imports.map((begun) => begun.importId));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      expect(listed.filter((importId) => importId.startsWith('imp-page-'))).toEqual([0, 1, 2, 3, 4].map((n) => `imp-page-${n}`));
    });
  });
};
