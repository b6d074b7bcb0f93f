import type { LedgerRecordReader } from '../../ports/ledgerRecords';
import type { ChainBreak, VerifyOptions } from '../chainVerification';
import { isReadable } from '../chainLinks';
import { verifyRecords } from '../verifyRecords';
import type { Evidence } from './evidence';
import { evidenceFromEvents } from './evidenceFromEvents';

export type EvidenceResult =
  | { ok: true; evidence: Evidence }
  | {
      ok: false;
      error: { kind: 'UnknownExecution'; executionId: string } | ({ kind: 'NothingVerified'; executionId: string } & ChainBreak);
    };

/**
 * The evidence of an execution from its ledger alone. The ledger is verified first; when it does not
 * verify, the evidence covers only the events before the first bad seq and says so in `ledger.verification`.
 */
export const buildEvidence = async (
  ledger: LedgerRecordReader,
  executionId: string,
  options: VerifyOptions = {},
): Promise<EvidenceResult> => {
  const records = await ledger.readRecords(executionId);
  if (records.length === 0) return { ok: false, error: { kind: 'UnknownExecution', executionId } };
  const verified = verifyRecords(executionId, records, options);
  const trusted = verified.ok
    ? verified.events
    : records.flatMap((record) => (isReadable(record) && record.seq < verified.firstBadSeq ? [record.stored] : []));
  const head = trusted[trusted.length - 1];
  if (!head) {
    const { ok: _failed, ...found } = verified as Extract<typeof verified, { ok: false }>;
    return { ok: false, error: { kind: 'NothingVerified', executionId, ...found } };
  }
  const verification = verified.ok
    ? { ok: true as const }
    : { ok: false as const, firstBadSeq: verified.firstBadSeq, problem: verified.problem, detail: verified.detail };
  return {
    ok: true,
    evidence: evidenceFromEvents(
      trusted.map((stored) => stored.event),
      { eventCount: records.length, headSeq: head.event.seq, headHash: head.hash, verification },
    ),
  };
};
