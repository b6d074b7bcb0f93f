import type { ApprovalRule, PlanTarget, RecoveryPlan } from '../domain/plan';
import type { PlanStore } from '../ports/planStore';
import { ok, type OperationResponse } from './responses';

/** A plan as an operator lists it: its shape and who may approve its waves, never its target's ExternalId. */
export interface ListedPlan {
  planId: string;
  planName: string;
  rtoTargetMinutes?: number;
  target?: Omit<PlanTarget, 'externalId'>;
  waves: Array<{ waveNumber: number; waveName: string; serverCount: number; pauseBeforeWave: boolean; approval?: ApprovalRule }>;
}

/** The target's public part, picked field by field: whatever else a stored target holds is never copied out. */
const shownTarget = ({ accountId, region, roleName }: PlanTarget): Omit<PlanTarget, 'externalId'> => ({
  accountId,
  region,
  ...(roleName === undefined ? {} : { roleName }),
});

const listed = (plan: RecoveryPlan): ListedPlan => {
  return {
    planId: plan.planId,
    planName: plan.planName,
    ...(plan.rtoTargetMinutes === undefined ? {} : { rtoTargetMinutes: plan.rtoTargetMinutes }),
    ...(plan.target ? { target: shownTarget(plan.target) } : {}),
    waves: plan.waves.map((wave, index) => ({
      waveNumber: index + 1,
      waveName: wave.waveName,
      serverCount: wave.sourceServerIds.length,
      pauseBeforeWave: wave.pauseBeforeWave === true,
      ...(wave.approval ? { approval: wave.approval } : {}),
    })),
  };
};

/** list_plans: every stored plan, by id, with its waves' server counts and approval rules. */
export const listPlans = async (deps: { plans: Pick<PlanStore, 'list'> }): Promise<OperationResponse> => {
  const plans = (await deps.plans.list()).map(listed).sort((a, b) => (a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0));
  return ok({ plans });
};
