import { userInfo } from 'node:os';

/** What a direct invocation's event is made of: the fields `drs-ledger invoke` takes, each optional. */
export interface HandlerEventOptions {
  executionId?: string;
  planId?: string;
  type?: string;
  initiatedBy?: string;
  reason?: string;
  comment?: string;
  ticket?: string;
  /** start_execution: recover every server as of this ISO-8601 instant. */
  recoverAsOf?: string;
  /** The failed wave a retry or a skip is for. */
  waveNumber?: number;
  /** retry_wave: the retry round the caller means to start (a stale repeat of an earlier one writes nothing). */
  retryRound?: number;
  /** start_execution despite BLOCKING preflight findings: why. */
  overrideReason?: string;
}

/** approve is resume with a comment, as the execution-handler takes it; the others are its own operations. */
const LAMBDA_OPERATION: Record<string, string> = { approve: 'resume' };

/** The event the CLI sends for an operation: only the fields given, as the contract names them. */
export const buildEvent = (operation: string, options: HandlerEventOptions): Record<string, unknown> => {
  const event: Record<string, unknown> = { operation: LAMBDA_OPERATION[operation] ?? operation };
  if (options.executionId) event.executionId = options.executionId;
  if (operation === 'get_execution_details') {
    if (options.planId) event.queryParams = { planId: options.planId };
  } else if (options.planId) event.planId = options.planId;
  if (options.type) event.executionType = options.type;
  if (operation === 'start_execution') event.initiatedBy = options.initiatedBy ?? `${userInfo().username}@drs-ledger-cli`;
  if (['pause', 'resume', 'cancel', 'approve', 'decline', 'retry_wave', 'skip_wave'].includes(operation))
    event.requestedBy = options.initiatedBy ?? `${userInfo().username}@drs-ledger-cli`;
  if (options.reason) event.reason = options.reason;
  if (options.comment) event.comment = options.comment;
  if (options.ticket) event.ticket = options.ticket;
  if ((operation === 'start_execution' || operation === 'preflight') && options.recoverAsOf) event.recoverAsOf = options.recoverAsOf;
  if (options.waveNumber !== undefined) event.waveNumber = options.waveNumber;
  if (operation === 'retry_wave' && options.retryRound !== undefined) event.retryRound = options.retryRound;
  if (operation === 'start_execution' && options.overrideReason !== undefined) event.override = { reason: options.overrideReason };
  return event;
};
