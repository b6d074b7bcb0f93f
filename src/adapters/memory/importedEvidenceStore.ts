import type {
  ImportedEvidenceStore,
  ImportManifest,
  ImportSeal,
  SealOutcome,
  StagedLine,
  StageOutcome,
} from '../../ports/importedEvidence';
import { detached, nextTurn } from './copy';
import { type Listing, pageOf } from './pageToken';

const IMPORTS: Listing<ImportManifest> = { name: 'imports', keyLength: 1, keyOf: (manifest) => [manifest.importId] };

/** Imported evidence in memory, with the DynamoDB store's semantics: each line and each seal written once. */
export class InMemoryImportedEvidenceStore implements ImportedEvidenceStore {
  private readonly manifests = new Map<string, ImportManifest>();
  private readonly lines = new Map<string, Map<number, string>>();
  private readonly seals = new Map<string, ImportSeal>();

  constructor(private readonly pageSize = 100) {}

  async begin(manifest: ImportManifest): Promise<ImportManifest> {
    await nextTurn();
    if (!this.manifests.has(manifest.importId)) this.manifests.set(manifest.importId, detached(manifest));
    return detached(this.manifests.get(manifest.importId) as ImportManifest);
  }

  async stage(importId: string, staged: StagedLine): Promise<StageOutcome> {
    await nextTurn();
    const lines = this.lines.get(importId) ?? new Map<number, string>();
    this.lines.set(importId, lines);
    const there = lines.get(staged.seq);
    if (there === undefined) {
      lines.set(staged.seq, staged.line);
      return 'written';
    }
    return there === staged.line ? 'present' : 'different';
  }

  async staged(importId: string): Promise<StagedLine[]> {
    await nextTurn();
    return [...(this.lines.get(importId) ?? new Map<number, string>()).entries()]
      .sort(([a], [b]) => a - b)
      .map(([seq, line]) => ({ seq, line }));
  }

  async seal(seal: ImportSeal): Promise<SealOutcome> {
    await nextTurn();
    const existing = this.seals.get(seal.executionId);
    if (existing) return { ok: false, existing: detached(existing) };
    this.seals.set(seal.executionId, detached(seal));
    return { ok: true };
  }

  async sealOf(executionId: string): Promise<ImportSeal | undefined> {
    await nextTurn();
    const seal = this.seals.get(executionId);
    return seal && detached(seal);
  }

  async listImports(nextToken?: string): Promise<{ imports: ImportManifest[]; nextToken?: string }> {
    await nextTurn();
    const { page, nextToken: next } = pageOf(IMPORTS, [...this.manifests.values()], this.pageSize, nextToken);
    const imports = page.map(detached);
    return next === undefined ? { imports } : { imports, nextToken: next };
  }
}
