import type { AccountContext } from '../domain/execution';
import { accountContextProblem, type RecoveryPlan } from '../domain/plan';
import type { OperationDeps } from './deps';

/** Why a start (or a preflight) cannot act in the plan's target account, or undefined. */
export const targetProblem = (deps: OperationDeps, plan: RecoveryPlan, requested: AccountContext | undefined): string | undefined => {
  const { crossAccountRoleName, targetAccountIds, targetOrgId } = deps.config;
  const mismatch = accountContextProblem(plan, requested, crossAccountRoleName);
  if (mismatch || !plan.target) return mismatch;
  const { accountId, roleName = crossAccountRoleName } = plan.target;
  if (roleName !== crossAccountRoleName) {
    return `Recovery plan ${plan.planId} targets role ${roleName}, but this deployment may assume only ${crossAccountRoleName} (CROSS_ACCOUNT_ROLE_NAME)`;
  }
  // An organization's membership is IAM's to judge (aws:ResourceOrgID); a list is checked here, before any call.
  if (targetAccountIds && !targetOrgId && !targetAccountIds.includes(accountId)) {
    return targetAccountIds.length === 0
      ? `Recovery plan ${plan.planId} has a target account, but this deployment may assume a role in no account (set targetAccountIds or targetOrgId)`
      : `Recovery plan ${plan.planId} targets account ${accountId}, which is not one of this deployment's target accounts (targetAccountIds)`;
  }
  return undefined;
};
