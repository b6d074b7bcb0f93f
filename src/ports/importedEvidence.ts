/**
 * Imported executions: evidence brought in from an export file, kept apart from the live ledger. Nothing
 * of the live stack (find, poll, serve, the projector) reads this store, so an imported execution is never
 * driven, listed or projected. An import is staged line by line, then sealed by one conditional write: the
 * seal is the only thing that makes it visible to audits, so a killed import is never half-visible.
 */

/** What an import is about: the export's header, as it was verified. */
export interface ImportManifest {
  /** Derived from the header (the same file always has the same id), so a re-run finds its own staging. */
  importId: string;
  executionId: string;
  planId: string;
  eventCount: number;
  headHash: string;
  /** The export's header line, canonical JSON: what the staged lines are read back against. */
  header: string;
  /** When the staging began (the first run's time, kept by the re-runs). */
  stagedAt: string;
}

/** The seal: the import is complete, verified, and the evidence of its execution. At most one per execution. */
export interface ImportSeal extends ImportManifest {
  sealedAt: string;
}

/** One event line of an import as staged: its seq and the export's line (canonical JSON), verbatim. */
export interface StagedLine {
  seq: number;
  line: string;
}

export type StageOutcome =
  /** The line was written. */
  | 'written'
  /** The same line was already there (a re-run of a killed import). */
  | 'present'
  /** Another line holds the seq: the staging was written by something other than this import. */
  | 'different';

export type SealOutcome = { ok: true } | { ok: false; existing: ImportSeal };

export interface ImportedEvidenceStore {
  /** Records that an import is being staged; a manifest already there (a re-run) is kept, and answered. */
  begin(manifest: ImportManifest): Promise<ImportManifest>;
  /** Stages one line under (importId, seq), only if that seq is free or holds this very line. */
  stage(importId: string, line: StagedLine): Promise<StageOutcome>;
  /** Every staged line of an import, in seq order, whatever it holds (consistent reads). */
  staged(importId: string): Promise<StagedLine[]>;
  /** Seals the import: one conditional write, refused (naming the seal there) when the execution already has one. */
  seal(seal: ImportSeal): Promise<SealOutcome>;
  /** The seal of an imported execution, if it has one. */
  sealOf(executionId: string): Promise<ImportSeal | undefined>;
  /** Every import ever begun, sealed or not, page by page (pass nextToken back). */
  listImports(nextToken?: string): Promise<{ imports: ImportManifest[]; nextToken?: string }>;
}
