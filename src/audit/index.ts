/** The audit library the CLI calls: verification, replay, drift and rebuild, export/import, evidence. */
export * from './chainVerification';
export { verifyChain } from './verifyChain';
export { verifyRecords } from './verifyRecords';
export { replayAt } from './replayAt';
export type { ReplayError, ReplayPoint, ReplayResult } from './replayAt';
export { checkDrift, driftOf } from './checkDrift';
export type { Drift, DriftDeps, DriftKind, DriftOptions, DriftReport } from './checkDrift';
export type { ListingCheckpoint } from './executionListing';
export { exportLedger } from './exportLedger';
export type { ExportResult } from './exportLedger';
export { importLedger } from './importLedger';
export type { ImportError, ImportOptions, ImportResult } from './importLedger';
export { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, parseExport } from './ledgerExportFormat';
export type { ExportHeader } from './ledgerExportFormat';
export * from './report';
export { rebuildView, rebuildViews } from './rebuild';
export type { RebuildDeps, RebuildOptions, RebuildOutcome, RebuildProgress, RebuildResult } from './rebuild';
