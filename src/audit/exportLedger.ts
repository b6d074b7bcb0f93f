import { canonicalJson } from '../domain/ledger';
import type { LedgerRecordReader } from '../ports/ledgerRecords';
import type { ChainBreak } from './chainVerification';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ExportHeader } from './ledgerExportFormat';
import { verifyChain } from './verifyChain';

export type ExportResult =
  | { ok: true; header: ExportHeader; jsonl: string }
  | { ok: false; error: { kind: 'UnknownExecution'; executionId: string } | ({ kind: 'ChainBroken'; executionId: string } & ChainBreak) };

/**
 * An execution's whole history as JSON Lines (format in ledgerExportFormat.ts). Only a ledger that
 * verifies is exported, so a file's header always names a head hash the ledger really had.
 */
export const exportLedger = async (ledger: LedgerRecordReader, executionId: string): Promise<ExportResult> => {
  const verified = await verifyChain(ledger, executionId);
  if (!verified.ok) {
    const { ok: _failed, ...found } = verified;
    return found.firstBadSeq === 1 && found.problem === 'missing' && (await ledger.readRecords(executionId)).length === 0
      ? { ok: false, error: { kind: 'UnknownExecution', executionId } }
      : { ok: false, error: { kind: 'ChainBroken', executionId, ...found } };
  }
  const first = verified.events[0];
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    formatVersion: verified.events.some((stored) => stored.stateDigest !== undefined) ? EXPORT_FORMAT_VERSION : 1,
    executionId,
    planId: first?.event.planId ?? '',
    eventCount: verified.events.length,
    headHash: verified.headHash,
  };
  const lines = [
    header,
    ...verified.events.map(({ event, prevHash, hash, stateDigest }) =>
      stateDigest === undefined ? { event, prevHash, hash } : { event, prevHash, hash, stateDigest },
    ),
  ].map(canonicalJson);
  return { ok: true, header, jsonl: `${lines.join('\n')}\n` };
};
