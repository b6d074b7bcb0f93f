import { canonicalJson } from '../domain/ledger';
import type { ImportedEvidenceStore, ImportManifest, ImportSeal } from '../ports/importedEvidence';
import type { TamperKind } from './chainVerification';
import { parseExport } from './ledgerExportFormat';
import { importIdOf, stagedRecords } from './sealedImport';
import { verifyRecords } from './verifyRecords';

export type ImportError =
  /** A line that is not what the format says, ids the handler would refuse included (1-based; line 1 is the header). */
  | { kind: 'InvalidFile'; line: number; detail: string }
  /** The file's chain does not verify: the first bad line and how it is bad. */
  | { kind: 'Tampered'; line: number; seq: number; problem: TamperKind; detail: string }
  /** The execution is sealed already, by the import of another file (another head). */
  | { kind: 'AlreadyImported'; executionId: string; seal: ImportSeal }
  /** A staged line of this import holds something else than the file's: written by someone other than an import. */
  | { kind: 'StagingConflict'; importId: string; executionId: string; seq: number }
  /** What is staged does not verify against the file's head (an item slipped in beside it): not sealed. */
  | { kind: 'StagingBroken'; importId: string; executionId: string; seq: number; problem: TamperKind; detail: string };

export type ImportResult =
  | {
      ok: true;
      /** `sealed`: this run sealed it; `already-sealed`: the same file was imported and sealed before (nothing written). */
      outcome: 'sealed' | 'already-sealed';
      executionId: string;
      eventCount: number;
      headHash: string;
      seal: ImportSeal;
    }
  | { ok: false; error: ImportError };

export interface ImportOptions {
  /** A head hash known from elsewhere (an evidence report): a file ending anywhere else is refused. */
  expectedHeadHash?: string;
  /** The clock of the manifest and the seal. */
  now?: () => string;
}

const sealed = (seal: ImportSeal, outcome: 'sealed' | 'already-sealed'): ImportResult => ({
  ok: true,
  outcome,
  executionId: seal.executionId,
  eventCount: seal.eventCount,
  headHash: seal.headHash,
  seal,
});

/**
 * Imports an export as evidence, apart from the live ledger (ports/importedEvidence.ts). The whole file is
 * parsed (ids held to the handler's own rules) and its chain verified before anything is written, so a
 * refused file writes nothing. Then, each a single conditional write: the manifest, every line staged under
 * the import's id (derived from the header), and, once what is staged has been read back and verified
 * against the file's head, the seal: the one write that makes the import visible. A run killed before the
 * seal leaves an import that nothing shows but the listing of imports (incomplete); running it again
 * stages what is missing and seals it. The same file once sealed imports again as a no-op.
 */
export const importLedger = async (store: ImportedEvidenceStore, jsonl: string, options: ImportOptions = {}): Promise<ImportResult> => {
  const now = options.now ?? (() => new Date().toISOString());
  const parsed = parseExport(jsonl);
  if (!parsed.ok) return { ok: false, error: { kind: 'InvalidFile', line: parsed.line, detail: parsed.detail } };
  const { header, events } = parsed;
  const { executionId } = header;
  // A line's position plays the part of the table's key: line k + 1 must hold the event at seq k.
  const records = events.map((stored, index) => ({ seq: index + 1, readable: true as const, stored }));
  const expectedHead = { seq: header.eventCount, hash: options.expectedHeadHash ?? header.headHash };
  const verified = verifyRecords(executionId, records, { expectedHead });
  if (!verified.ok) {
    const { firstBadSeq, problem, detail } = verified;
    return { ok: false, error: { kind: 'Tampered', line: firstBadSeq + 1, seq: firstBadSeq, problem, detail } };
  }

  const headerLine = canonicalJson(header);
  const importId = importIdOf(headerLine);
  const existing = await store.sealOf(executionId);
  if (existing) {
    return existing.importId === importId
      ? sealed(existing, 'already-sealed')
      : { ok: false, error: { kind: 'AlreadyImported', executionId, seal: existing } };
  }

  const wanted: ImportManifest = {
    importId,
    executionId,
    planId: header.planId,
    eventCount: header.eventCount,
    headHash: header.headHash,
    header: headerLine,
    stagedAt: now(),
  };
  const manifest = await store.begin(wanted);
  // A manifest found under this import's id must be this file's: one written by anyone else is not sealed over.
  const { stagedAt: _then, ...found } = manifest;
  const { stagedAt: _now, ...expected } = wanted;
  if (canonicalJson(found) !== canonicalJson(expected)) {
    return { ok: false, error: { kind: 'StagingConflict', importId, executionId, seq: 0 } };
  }
  for (const stored of verified.events) {
    const seq = stored.event.seq;
    if ((await store.stage(importId, { seq, line: canonicalJson(stored) })) === 'different') {
      return { ok: false, error: { kind: 'StagingConflict', importId, executionId, seq } };
    }
  }

  // The seal vouches for what is staged, so what is staged is verified as audits will read it.
  const staged = verifyRecords(executionId, stagedRecords(await store.staged(importId), header), { expectedHead });
  if (!staged.ok) {
    const { firstBadSeq: seq, problem, detail } = staged;
    return { ok: false, error: { kind: 'StagingBroken', importId, executionId, seq, problem, detail } };
  }

  const seal: ImportSeal = { ...wanted, stagedAt: manifest.stagedAt, sealedAt: now() };
  const written = await store.seal(seal);
  if (written.ok) return sealed(seal, 'sealed');
  // Another run of this same file sealed it first (or this write's answer was lost and the SDK retried it).
  if (written.existing.importId === importId) return sealed(written.existing, 'already-sealed');
  return { ok: false, error: { kind: 'AlreadyImported', executionId, seal: written.existing } };
};
