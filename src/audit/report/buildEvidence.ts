import type { LedgerRecordReader } from '../../ports/ledgerRecords';
import type { TamperAlarmLog } from '../../ports/tamperAlarmLog';
import type { ChainBreak, VerifyOptions } from '../chainVerification';
import type { ImportedMark } from '../sealedImport';
import { isReadable } from '../chainLinks';
import { verifyRecords } from '../verifyRecords';
import { type DigestChainInput, digestEvidenceOf } from './digestStatus';
import type { Evidence } from './evidence';
import { evidenceFromEvents } from './evidenceFromEvents';
import { tamperAlarmEvidence } from './tamperAlarmEvidence';

export type EvidenceResult =
  | { ok: true; evidence: Evidence }
  | {
      ok: false;
      error: { kind: 'UnknownExecution'; executionId: string } | ({ kind: 'NothingVerified'; executionId: string } & ChainBreak);
    };

export interface EvidenceOptions extends VerifyOptions {
  imported?: ImportedMark;
  alarms?: TamperAlarmLog;
  digests?: DigestChainInput;
}

/**
 * The evidence of an execution from its ledger alone. The ledger is verified first; when it does not
 * verify, the evidence covers only the events before the first bad seq and says so in `ledger.verification`.
 * With `alarms`, it also lists the tamper alarms raised for the execution (kept outside the ledger); with
 * `digests`, what the signed digest chain says of the ledger as stored.
 */
export const buildEvidence = async (
  ledger: LedgerRecordReader,
  executionId: string,
  options: EvidenceOptions = {},
): Promise<EvidenceResult> => {
  const records = await ledger.readRecords(executionId);
  if (records.length === 0) return { ok: false, error: { kind: 'UnknownExecution', executionId } };
  const verified = verifyRecords(executionId, records, options.expectedHead ? { expectedHead: options.expectedHead } : {});
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
  const tamperAlarms = options.alarms ? (await options.alarms.list(executionId)).map(tamperAlarmEvidence) : undefined;
  const evidence = evidenceFromEvents(
    trusted.map((stored) => stored.event),
    { eventCount: records.length, headSeq: head.event.seq, headHash: head.hash, verification },
  );
  // An imported execution says so, with its seal, wherever its evidence is shown.
  const withAlarms = tamperAlarms ? { ...evidence, tamperAlarms } : evidence;
  const withDigests = options.digests ? { ...withAlarms, digests: digestEvidenceOf(executionId, records, options.digests) } : withAlarms;
  return { ok: true, evidence: options.imported ? { ...withDigests, imported: options.imported } : withDigests };
};
