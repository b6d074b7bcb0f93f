import { IMPORTED_EVIDENCE_NOTE, listImports, SealedImportLedger } from '../audit';
import type { ImportedEvidenceStore, ImportSeal } from '../ports/importedEvidence';
import { UsageError } from './exitCodes';
import { shown } from './render/terminalText';

/** The line every view of an imported execution starts with: the note, and the seal that made it visible. */
export const importedBanner = (seal: ImportSeal): string =>
  `${IMPORTED_EVIDENCE_NOTE} (import ${shown(seal.importId)}, sealed ${shown(seal.sealedAt)}, head ${shown(seal.eventCount)}:${shown(seal.headHash)})`;

/**
 * The sealed import of an execution, read as a ledger, for the `--imported` commands. An execution with no
 * sealed import is not found; when an import of it was begun and never sealed, the error says so and how to
 * complete it (the staged lines themselves are never shown).
 */
export const openSealedImport = async (
  store: ImportedEvidenceStore,
  executionId: string,
): Promise<{ ledger: SealedImportLedger; seal: ImportSeal }> => {
  const ledger = new SealedImportLedger(store);
  const seal = await ledger.sealOf(executionId);
  if (seal) return { ledger, seal };
  const begun = await listImports(store, executionId);
  if (begun.length === 0) throw new UsageError(`Imported execution not found: ${executionId}`);
  const staged = begun.map((listed) => `${listed.importId}, ${listed.stagedCount} of ${listed.eventCount} events staged`).join('; ');
  throw new UsageError(
    `Imported execution not found: ${executionId}: its import is incomplete, never sealed (${staged}); import the same file again to complete it`,
  );
};

/** "Execution not found", pointing at `--imported` when the execution is held as imported evidence. */
export const executionNotFound = async (store: ImportedEvidenceStore, executionId: string): Promise<UsageError> =>
  new UsageError(
    (await store.sealOf(executionId))
      ? `Execution not found: ${executionId} (it is held as imported evidence: add --imported)`
      : `Execution not found: ${executionId}`,
  );
