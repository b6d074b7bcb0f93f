import type { DigestChainCheck } from '../../domain/digest';
import type { LedgerRecord } from '../../ports/ledgerRecords';
import { digestVerdict } from '../digestEvidence';
import type { DigestEvidence } from './evidence';

/** The digest chain as read (and where each digest is), or why there is none to check against. */
export type DigestChainInput = { chain: DigestChainCheck; location: (key: string) => string } | { unavailable: string };

/** What the digest chain says of the execution's ledger as stored, or why it was not asked. */
export const digestEvidenceOf = (executionId: string, records: LedgerRecord[], input: DigestChainInput): DigestEvidence =>
  'unavailable' in input
    ? { status: 'not-checked', ok: true, reason: input.unavailable }
    : digestVerdict(executionId, records, input.chain, input.location);
