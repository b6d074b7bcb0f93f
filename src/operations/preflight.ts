import { type ExecutionType, recoverAsOfProblem } from '../domain/execution';
import { isBlocked } from '../domain/readiness';
import type { OperationDeps } from './deps';
import { assessPlan, listedFindings } from './readiness';
import { failure, ok, type OperationResponse } from './responses';

export interface PreflightInput {
  planId: string;
  executionType: ExecutionType;
  recoverAsOf?: string;
}

/**
 * preflight: what stands between a plan and its start, read from DRS in the plan's target account as a start
 * reads it. Writes nothing; start_execution runs the same assessment and refuses on a BLOCKING finding.
 */
export const preflight = async (deps: OperationDeps, input: PreflightInput): Promise<OperationResponse> => {
  // The same moment start_execution would refuse is refused here: a plan is never "ready" for a start that cannot be.
  const asOfProblem = input.recoverAsOf === undefined ? undefined : recoverAsOfProblem(input.recoverAsOf, deps.now());
  if (asOfProblem) return failure(400, 'INVALID_RECOVER_AS_OF', asOfProblem);
  const stored = await deps.plans.get(input.planId);
  if (!stored) return failure(404, 'PLAN_NOT_FOUND', `Recovery plan not found: ${input.planId}`);
  const readiness = await assessPlan(deps, {
    plan: stored.plan,
    executionType: input.executionType,
    ...(input.recoverAsOf === undefined ? {} : { recoverAsOf: input.recoverAsOf }),
    onBehalfOf: `preflight-${input.planId}`,
  });
  return ok({
    planId: input.planId,
    executionType: input.executionType,
    ...(input.recoverAsOf === undefined ? {} : { recoverAsOf: input.recoverAsOf }),
    ready: !isBlocked(readiness.findings),
    checkedAt: readiness.checkedAt,
    ...listedFindings(readiness.findings),
    totals: readiness.totals,
  });
};
