import type { PlanApproval, PlanTarget } from '../wire';

/** The reserved name only the local drill's simulated operator is recorded under (the domain's SIMULATED_OPERATOR). */
const SIMULATED_OPERATOR = 'simulated-operator';

/** Who started an execution, marked as the CLI marks it: verified by the operator API or only claimed. */
export const starterText = (initiatedBy: string, principal: string | undefined): string => {
  if (principal === undefined) {
    return initiatedBy === SIMULATED_OPERATOR ? 'simulated operator (no person acted)' : `${initiatedBy} (unverified)`;
  }
  return initiatedBy === principal ? `${principal} (verified)` : `${principal} (verified; "${initiatedBy}")`;
};

/** A plan wave's approval rule in a line: "starter excluded · waits 30 min, then cancelled". Approvers are listed apart. */
export const approvalRuleText = (rule: PlanApproval): string => {
  const starter = rule.excludeStarter === false ? 'the starter may approve' : 'starter excluded';
  const wait =
    rule.timeoutMinutes === undefined
      ? 'waits until someone decides'
      : `waits ${rule.timeoutMinutes} min, then ${rule.onTimeout === 'CONTINUE' ? 'starts unapproved' : 'cancelled'}`;
  return `${starter} · ${wait}`;
};

/** "123456789012 in eu-west-1 (role DRSRecovery)", or the function's own account without a target. */
export const targetText = (target: PlanTarget | undefined): string =>
  target === undefined
    ? "the function's own account"
    : `${target.accountId} in ${target.region}${target.roleName === undefined ? '' : ` (role ${target.roleName})`}`;

/** "3 waves · 25 servers". */
export const planSize = (waves: ReadonlyArray<{ sourceServerIds: readonly string[] }>): string => {
  const servers = waves.reduce((sum, wave) => sum + wave.sourceServerIds.length, 0);
  return `${waves.length} wave${waves.length === 1 ? '' : 's'} · ${servers} server${servers === 1 ? '' : 's'}`;
};
