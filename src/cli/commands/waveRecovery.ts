import { UsageError } from '../exitCodes';
import { openLedger } from '../ledgerAccess';
import { runInvoke } from './invoke';

export interface WaveRecoveryOptions {
  wave: number;
  /** retry: the round meant (the wave's last round + 1); a repeat of an earlier round's command starts nothing. */
  round?: number;
  /** A skip's reason: recorded in the ledger as the deviation's justification. */
  reason?: string;
  /** The execution's plan; read from the ledger when not given. */
  planId?: string;
  initiatedBy?: string;
  as?: string;
  api?: boolean;
  endpoint?: string;
}

/** The plan an execution belongs to, as its ledger says (the handler checks the pair). */
const planOf = async (dataDir: string, executionId: string): Promise<string> => {
  const ledger = await openLedger(dataDir);
  try {
    const { state } = await ledger.store.load(executionId);
    if (state.status === 'NOT_STARTED') throw new UsageError(`No execution ${executionId} in the ledger`);
    return state.planId;
  } finally {
    await ledger.close();
  }
};

/**
 * `drs-ledger retry <executionId> --wave N` and `drs-ledger skip <executionId> --wave N --reason "..."`: an
 * execution paused on wave N's failure relaunches that wave's failed servers, or skips it (a deviation). As
 * `invoke` does: the local stack's Lambda endpoint, the signed operator API with --as, a deployed stack with
 * --stage (and --api to have your principal recorded).
 */
export const runWaveRecovery = async (
  operation: 'retry_wave' | 'skip_wave',
  dataDir: string,
  executionId: string,
  options: WaveRecoveryOptions,
  out: NodeJS.WritableStream,
): Promise<number> => {
  if (operation === 'skip_wave' && (options.reason === undefined || options.reason.trim() === '')) {
    throw new UsageError('skip needs --reason "...": a skipped wave is a deviation, recorded with its reason');
  }
  // The operator API finds the plan itself; a direct invocation names it.
  const signed = options.as !== undefined || options.api === true;
  const planId = options.planId ?? (signed ? undefined : await planOf(dataDir, executionId));
  return runInvoke(
    operation,
    {
      dataDir,
      executionId,
      waveNumber: options.wave,
      ...(operation === 'retry_wave' && options.round !== undefined ? { retryRound: options.round } : {}),
      ...(planId === undefined ? {} : { planId }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.initiatedBy === undefined ? {} : { initiatedBy: options.initiatedBy }),
      ...(options.as === undefined ? {} : { as: options.as }),
      ...(options.api === undefined ? {} : { api: options.api }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    },
    out,
  );
};
