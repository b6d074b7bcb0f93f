import type { ImportedEvidenceStore, ImportManifest, ImportSeal } from '../ports/importedEvidence';

/**
 * An import as the listing shows it:
 * - sealed:     complete and verified; the evidence of its execution (`--imported`).
 * - incomplete: staged but never sealed (a run killed midway, or refused once staged): invisible to every
 *               audit command; running the import of the same file again completes it.
 * - superseded: never sealed, and its execution is sealed by the import of another file: left as it is.
 */
export type ImportState = 'sealed' | 'incomplete' | 'superseded';

export interface ListedImport extends ImportManifest {
  state: ImportState;
  /** Lines staged so far (of eventCount). */
  stagedCount: number;
  /** The seal, when this import is the one sealed. */
  seal?: ImportSeal;
}

const stateOf = (manifest: ImportManifest, seal: ImportSeal | undefined): ImportState => {
  if (!seal) return 'incomplete';
  return seal.importId === manifest.importId ? 'sealed' : 'superseded';
};

/** Every import begun in the store, with what became of it; `executionId` keeps only that execution's. */
export const listImports = async (
  store: Pick<ImportedEvidenceStore, 'listImports' | 'sealOf' | 'staged'>,
  executionId?: string,
): Promise<ListedImport[]> => {
  const listed: ListedImport[] = [];
  let nextToken: string | undefined;
  do {
    const page = await store.listImports(nextToken);
    for (const manifest of page.imports) {
      if (executionId !== undefined && manifest.executionId !== executionId) continue;
      const seal = await store.sealOf(manifest.executionId);
      const state = stateOf(manifest, seal);
      const stagedCount = state === 'sealed' ? manifest.eventCount : (await store.staged(manifest.importId)).length;
      listed.push({ ...manifest, state, stagedCount, ...(state === 'sealed' && seal ? { seal } : {}) });
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return listed;
};
