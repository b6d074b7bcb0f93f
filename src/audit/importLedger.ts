import { decidedFrom, initialState } from '../domain/execution';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { TamperKind } from './chainVerification';
import { parseExport } from './ledgerExportFormat';
import { verifyRecords } from './verifyRecords';

export type ImportError =
  /** A line that is not what the format says (1-based line number; line 1 is the header). */
  | { kind: 'InvalidFile'; line: number; detail: string }
  /** The file's chain does not verify: the first bad line and how it is bad. */
  | { kind: 'Tampered'; line: number; seq: number; problem: TamperKind; detail: string }
  | { kind: 'AlreadyExists'; executionId: string }
  /** Another writer took a seq of the execution while it was being imported. */
  | { kind: 'Conflict'; executionId: string; seq: number };

export type ImportResult = { ok: true; executionId: string; eventCount: number; headHash: string } | { ok: false; error: ImportError };

export interface ImportOptions {
  /** A head hash known from elsewhere (an evidence report): a file ending anywhere else is refused. */
  expectedHeadHash?: string;
}

/**
 * Imports an export into a store that does not hold the execution yet. The whole file is parsed and its
 * chain verified (hashes, links, header count and head, foldable by the domain) before anything is written,
 * so a refused file writes nothing. The events are then appended through the store itself, which rebuilds
 * each item with its own builders: the same hashes, the same state snapshots, the same listing entry.
 */
export const importLedger = async (
  store: Pick<ExecutionEventStore, 'head' | 'append'>,
  jsonl: string,
  options: ImportOptions = {},
): Promise<ImportResult> => {
  const parsed = parseExport(jsonl);
  if (!parsed.ok) return { ok: false, error: { kind: 'InvalidFile', line: parsed.line, detail: parsed.detail } };
  const { header, events } = parsed;
  // A line's position plays the part of the table's key: line k + 1 must hold the event at seq k.
  const records = events.map((stored, index) => ({ seq: index + 1, readable: true as const, stored }));
  const expectedHead = { seq: header.eventCount, hash: options.expectedHeadHash ?? header.headHash };
  const verified = verifyRecords(header.executionId, records, { expectedHead });
  if (!verified.ok) {
    const { firstBadSeq, problem, detail } = verified;
    return { ok: false, error: { kind: 'Tampered', line: firstBadSeq + 1, seq: firstBadSeq, problem, detail } };
  }
  if (await store.head(header.executionId)) return { ok: false, error: { kind: 'AlreadyExists', executionId: header.executionId } };
  const appended = await store.append(
    { executionId: header.executionId, state: initialState(), headHash: undefined },
    decidedFrom(
      initialState(),
      verified.events.map((stored) => stored.event),
    ),
  );
  if (!appended.ok) return { ok: false, error: { kind: 'Conflict', executionId: header.executionId, seq: appended.conflict.seq } };
  const head = appended.stored[appended.stored.length - 1];
  if (head?.hash !== verified.headHash)
    throw new Error(`Imported ${header.executionId} but the store chained it to ${head?.hash}, not ${verified.headHash}`);
  return { ok: true, executionId: header.executionId, eventCount: appended.stored.length, headHash: head.hash };
};
