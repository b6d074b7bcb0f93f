import type { ExecutionEvent } from '../../domain/execution';

/**
 * An event as the CLI prints it. Ledgers written before plans owned their targets recorded the ExternalId a
 * caller passed in ExecutionStarted's account context: the CLI never prints it. (An export keeps the ledger
 * as written, since its hash chain covers it: such an ExternalId is to be rotated, as the README says.)
 */
export const withoutRecordedExternalId = (event: ExecutionEvent): ExecutionEvent => {
  if (event.type !== 'ExecutionStarted' || event.data.accountContext?.externalId === undefined) return event;
  const { externalId: _secret, ...accountContext } = event.data.accountContext;
  return { ...event, data: { ...event.data, accountContext } };
};
