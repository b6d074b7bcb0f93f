import type { LedgerRecordReader } from '../ports/ledgerRecords';
import type { ChainVerification, VerifyOptions } from './chainVerification';
import { verifyRecords } from './verifyRecords';

/**
 * Reads an execution's ledger item by item and verifies its hash chain (see verifyRecords). Tampering is
 * reported as a result, never thrown; only I/O errors throw. Without `expectedHead`, a deleted tail or a
 * correctly chained append cannot be told from a shorter or longer genuine history.
 */
export const verifyChain = async (
  ledger: LedgerRecordReader,
  executionId: string,
  options: VerifyOptions = {},
): Promise<ChainVerification> => verifyRecords(executionId, await ledger.readRecords(executionId), options);
