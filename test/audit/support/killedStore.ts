import type { ImportedEvidenceStore, ImportManifest, ImportSeal, StagedLine } from '../../../src/ports/importedEvidence';

/** The store killed at its Nth write (the process dies there: that write and everything after never happen). */
export class KilledStore implements ImportedEvidenceStore {
  writes = 0;
  constructor(
    private readonly inner: ImportedEvidenceStore,
    private readonly killAtWrite = Number.POSITIVE_INFINITY,
  ) {}

  private write(): void {
    this.writes += 1;
    if (this.writes === this.killAtWrite) throw new Error(`killed at write ${this.writes}`);
  }

  begin(manifest: ImportManifest) {
    this.write();
    return this.inner.begin(manifest);
  }
  stage(importId: string, line: StagedLine) {
    this.write();
    return this.inner.stage(importId, line);
  }
  seal(seal: ImportSeal) {
    this.write();
    return this.inner.seal(seal);
  }
  staged(importId: string) {
    return this.inner.staged(importId);
  }
  sealOf(executionId: string) {
    return this.inner.sealOf(executionId);
  }
  listImports(nextToken?: string) {
    return this.inner.listImports(nextToken);
  }
}
