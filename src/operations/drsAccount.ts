import { type AccountContext, sourceIdentityOf } from '../domain/execution';
import type { DrsAccount } from '../ports/recoveryJobs';

/** The DRS account of an execution's calls, made on its behalf (undefined: the function's own account). */
export const drsAccountOf = (state: {
  executionId: string;
  accountContext?: AccountContext;
  initiatedByPrincipal?: string;
}): DrsAccount | undefined =>
  state.accountContext
    ? {
        ...state.accountContext,
        onBehalfOf: state.executionId,
        ...(state.initiatedByPrincipal ? { sourceIdentity: sourceIdentityOf(state.initiatedByPrincipal) } : {}),
      }
    : undefined;

/** Who find's batched DRS reads are made on behalf of: many executions at once. */
export const FIND_CALLER = 'find';

/** Who the polls' shared DescribeJobs (sharedJobReads.ts) are made on behalf of: the executions polled in one container. */
export const POLLS_CALLER = 'polls';

/** Calls that may share credentials: the same role, with the same ExternalId (or the same plan's). */
export const accountKey = (account: AccountContext | undefined): string =>
  account
    ? `${account.accountId}|${account.region}|${account.roleName}|${account.externalId ?? ''}|${account.externalIdFromPlan ?? ''}`
    : 'home';
