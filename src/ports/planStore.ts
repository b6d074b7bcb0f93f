import type { RecoveryPlan } from '../domain/plan';

/** Who holds a plan's single active-execution slot. */
export interface PlanClaim {
  executionId: string;
  claimedAt: string;
}

export type ClaimResult = { ok: true } | { ok: false; reason: 'PlanNotFound' } | { ok: false; reason: 'PlanBusy'; holder: PlanClaim };

export interface StoredPlan {
  plan: RecoveryPlan;
  claim?: PlanClaim;
}

export interface PlanStore {
  get(planId: string): Promise<StoredPlan | undefined>;
  put(plan: RecoveryPlan): Promise<void>;
  list(): Promise<RecoveryPlan[]>;
  /** Takes the plan's slot with a conditional write if free, or if `replacing` is still its holder. */
  claim(planId: string, claim: PlanClaim, replacing?: PlanClaim): Promise<ClaimResult>;
  /** Frees the slot only if `executionId` still holds it; a no-op otherwise. */
  release(planId: string, executionId: string): Promise<void>;
}
