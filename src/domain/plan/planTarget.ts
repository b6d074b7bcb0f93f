/**
 * Where a plan's servers are recovered: the account and region, the role the function assumes there (the
 * deployment's own role name when left out) and, when that role's trust policy asks for one, its ExternalId.
 * A plan without a target recovers in the function's own account. The plan owns its target: a caller can
 * neither choose nor see another (start_execution's accountContext must agree with it, and the ExternalId is
 * kept in the plan store alone: never in the ledger, a view, a response, a report or an export).
 */
export interface PlanTarget {
  accountId: string;
  region: string;
  roleName?: string;
  externalId?: string;
}

/** An account context as an execution records it (the execution's RecordedTarget, declared here to keep plans below executions). */
export interface RecordedTarget {
  accountId: string;
  region: string;
  roleName: string;
  externalId?: string;
  externalIdFromPlan?: string;
}

/** The role a target assumes when it names none (the deployment's CROSS_ACCOUNT_ROLE_NAME may set another). */
export const DEFAULT_TARGET_ROLE_NAME = 'DRSOrchestrationRole';

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/** The account context an execution of the plan records: its target, with the role made explicit, and never the ExternalId. */
export const recordedTarget = (plan: { planId: string; target?: PlanTarget }, defaultRoleName: string): RecordedTarget | undefined => {
  const { target } = plan;
  if (!target) return undefined;
  return {
    accountId: target.accountId,
    region: target.region,
    roleName: target.roleName ?? defaultRoleName,
    ...(target.externalId === undefined ? {} : { externalIdFromPlan: plan.planId }),
  };
};

/** The plan as the ledger records it: its target without the ExternalId. */
export const withoutExternalId = <P extends { target?: PlanTarget }>(plan: P): P => {
  if (plan.target?.externalId === undefined) return plan;
  const { externalId: _secret, ...target } = plan.target;
  return { ...plan, target };
};

/**
 * Why a start's accountContext cannot start this plan, or undefined: it must name the plan's own target (or be
 * left out). The answer never quotes the target (a caller learns nothing by guessing), and an ExternalId is
 * refused whatever its value: the plan declares it, so comparing a caller's would answer "right" or "wrong"
 * to guesses.
 */
export const accountContextProblem = (
  plan: { planId: string; target?: PlanTarget },
  requested: RecordedTarget | undefined,
  defaultRoleName: string,
): string | undefined => {
  if (!requested) return undefined;
  const { target } = plan;
  if (requested.externalId !== undefined) {
    return `accountContext.externalId is not accepted: recovery plan ${plan.planId} declares its target's ExternalId itself`;
  }
  if (!target) {
    return `Recovery plan ${plan.planId} declares no target account: to recover in another account, declare \`target\` in the plan`;
  }
  const expected = recordedTarget(plan, defaultRoleName) as RecordedTarget;
  if (requested.accountId !== expected.accountId || requested.region !== expected.region || requested.roleName !== expected.roleName) {
    return `accountContext is not the target of recovery plan ${plan.planId}: a plan recovers in its own target only`;
  }
  return undefined;
};
