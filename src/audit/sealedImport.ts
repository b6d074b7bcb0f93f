import { createHash } from 'node:crypto';
import type { ReadRange, StoredEvent } from '../ports/executionEventStore';
import type { ImportedEvidenceStore, ImportSeal, StagedLine } from '../ports/importedEvidence';
import { MalformedEventItemError } from '../ports/ledgerErrors';
import type { LedgerRecord, LedgerRecordReader } from '../ports/ledgerRecords';
import { type ExportHeader, parseEventLine, parseExport } from './ledgerExportFormat';

/** What views and reports say of an imported execution, word for word. */
export const IMPORTED_EVIDENCE_NOTE = 'Imported evidence: not driven by this stack';

/** The mark an imported execution's view or report carries: the note, and the seal that made it visible. */
export interface ImportedMark {
  note: typeof IMPORTED_EVIDENCE_NOTE;
  importId: string;
  stagedAt: string;
  sealedAt: string;
  eventCount: number;
  headHash: string;
}

export const importedMark = (seal: ImportSeal): ImportedMark => ({
  note: IMPORTED_EVIDENCE_NOTE,
  importId: seal.importId,
  stagedAt: seal.stagedAt,
  sealedAt: seal.sealedAt,
  eventCount: seal.eventCount,
  headHash: seal.headHash,
});

/**
 * An import's id, from its header's canonical JSON: the same file always gets the same id (a re-run of a
 * killed import finds its own staging), and two files of one execution with different heads get two.
 */
export const importIdOf = (headerLine: string): string =>
  `imp-${createHash('sha256').update(headerLine, 'utf8').digest('hex').slice(0, 32)}`;

/** The head a seal vouches for: a sealed import must end exactly there, whatever was written beside it since. */
export const sealedHead = (seal: Pick<ImportSeal, 'eventCount' | 'headHash'>) => ({ seq: seal.eventCount, hash: seal.headHash });

/** Staged lines as ledger records, each read back without trusting it: a line that is not one is a malformed record. */
export const stagedRecords = (lines: readonly StagedLine[], header: ExportHeader): LedgerRecord[] =>
  lines.map(({ seq, line }) => {
    const parsed = parseEventLine(line, header);
    return parsed.ok
      ? { seq, readable: true, stored: parsed.stored }
      : { seq, readable: false, problem: `staged line ${seq}: ${parsed.detail}` };
  });

/**
 * The sealed imports, read as a ledger: what `verify`, `replay`, `report`, `status` and `events` read with
 * `--imported`. Only a sealed import is there; an execution whose import was never sealed (killed midway,
 * or refused) reads as unknown.
 */
export class SealedImportLedger implements LedgerRecordReader {
  constructor(private readonly store: Pick<ImportedEvidenceStore, 'sealOf' | 'staged'>) {}

  sealOf(executionId: string): Promise<ImportSeal | undefined> {
    return this.store.sealOf(executionId);
  }

  async readRecords(executionId: string): Promise<LedgerRecord[]> {
    const seal = await this.store.sealOf(executionId);
    if (!seal) return [];
    const header = parseExport(seal.header);
    if (!header.ok || header.header.executionId !== executionId) {
      return [{ seq: 1, readable: false, problem: `the seal of ${executionId} holds no header of this execution's export` }];
    }
    return stagedRecords(await this.store.staged(seal.importId), header.header);
  }

  /**
   * The sealed events in seq order (replay, events): only up to the seal's head, so a line slipped into the
   * staging after the seal is never shown as evidence (verify, which reads every record, names it). A staged
   * line that cannot be read fails the read, as a malformed item does.
   */
  async read(executionId: string, range: ReadRange = {}): Promise<StoredEvent[]> {
    const seal = await this.store.sealOf(executionId);
    if (!seal) return [];
    const from = range.fromSeq ?? 1;
    const to = Math.min(range.toSeq ?? Number.MAX_SAFE_INTEGER, seal.eventCount);
    const events: StoredEvent[] = [];
    for (const record of await this.readRecords(executionId)) {
      if (record.seq < from || record.seq > to) continue;
      if (!record.readable) throw new MalformedEventItemError(record.problem);
      events.push(record.stored);
    }
    return events;
  }
}
