import type { RecoveryPlan } from '../../domain/plan';
import type { ClaimResult, PlanClaim, PlanStore, StoredPlan } from '../../ports/planStore';
import { detached, nextTurn } from './copy';

/**
 * Plans in memory, each with its active-execution slot, with the DynamoDB store's semantics: a claim takes
 * the slot only if the plan exists and the slot is free, or still held by exactly `replacing` (its execution
 * and its time); the execution already holding it claims it again without change; a release frees it only
 * for its holder; `put` leaves the slot alone. Each is checked and written in one step: the first writer wins.
 */
export class InMemoryPlanStore implements PlanStore {
  private readonly plans = new Map<string, StoredPlan>();

  async get(planId: string): Promise<StoredPlan | undefined> {
    await nextTurn();
    const stored = this.plans.get(planId);
    return stored && detached(stored);
  }

  async put(plan: RecoveryPlan): Promise<void> {
    const copy = detached(plan);
    await nextTurn();
    const claim = this.plans.get(plan.planId)?.claim;
    this.plans.set(plan.planId, claim ? { plan: copy, claim } : { plan: copy });
  }

  async list(): Promise<RecoveryPlan[]> {
    await nextTurn();
    return [...this.plans.values()].map((stored) => detached(stored.plan)).sort((a, b) => a.planId.localeCompare(b.planId));
  }

  async claim(planId: string, claim: PlanClaim, replacing?: PlanClaim): Promise<ClaimResult> {
    const wanted = detached(claim);
    await nextTurn();
    const stored = this.plans.get(planId);
    if (!stored) return { ok: false, reason: 'PlanNotFound' };
    const holder = stored.claim;
    const replaces = replacing !== undefined && holder?.executionId === replacing.executionId && holder.claimedAt === replacing.claimedAt;
    // A slot freed meanwhile is taken as the DynamoDB store takes it: by trying again without `replacing`.
    if (!holder || replaces) {
      stored.claim = wanted;
      return { ok: true };
    }
    if (holder.executionId === claim.executionId) return { ok: true };
    return { ok: false, reason: 'PlanBusy', holder: detached(holder) };
  }

  async release(planId: string, executionId: string): Promise<void> {
    await nextTurn();
    const stored = this.plans.get(planId);
    if (stored?.claim?.executionId === executionId) delete stored.claim;
  }
}
