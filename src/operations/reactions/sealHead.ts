import type { DigestReceipt } from '../../ports/evidenceDigests';
import type { LoadedExecution } from '../../ports/executionEventStore';
import type { OperationDeps } from '../deps';

/** How long an end waits for its seal: the digest writer answers in a second or two; a schedule seals it later. */
export const SEAL_WAIT_MS = 15_000;

/**
 * Asks the digest writer to seal the execution's ledger head in the signed digest chain, and answers the
 * digest that records it (undefined without a digest chain, or when sealing failed or took longer than
 * SEAL_WAIT_MS: an end is never held up long by its evidence, and the failure is logged for the operators).
 */
export const sealHead = async (deps: OperationDeps, loaded: LoadedExecution): Promise<DigestReceipt | undefined> => {
  const digests = await deps.digests();
  if (!digests) return undefined;
  try {
    const result = await digests.seal([loaded.executionId], 'ExecutionEnded', { signal: AbortSignal.timeout(SEAL_WAIT_MS) });
    const receipt = result.receipts.find((each) => each.executionId === loaded.executionId);
    return receipt && receipt.seq === loaded.state.version && receipt.hash === loaded.headHash ? receipt : undefined;
  } catch (error) {
    deps.log.error('Sealing the ledger head in a digest failed', { executionId: loaded.executionId, error: String(error).slice(0, 1000) });
    return undefined;
  }
};

/** The notification's line naming the digest, and how to check it. */
export const digestLine = (receipt: DigestReceipt | undefined): string =>
  receipt === undefined
    ? ''
    : `\nSigned digest: #${receipt.digestSeq} at ${receipt.location}` +
      `\n(drs-ledger digests verify, then drs-ledger verify ${receipt.executionId})`;
