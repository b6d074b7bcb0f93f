import type { RecoveryPlan } from '../../src/domain/plan';
import type { ClaimResult, PlanClaim, PlanStore, StoredPlan } from '../../src/ports/planStore';

interface Gate {
  arrived: Promise<void>;
  arrive: () => void;
  opened: Promise<void>;
  open: () => void;
}

const gate = (): Gate => {
  let arrive = () => {};
  let open = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { arrived, arrive, opened, open };
};

/**
 * A plan store whose reads of the named plans wait until the test opens them: two requests that each begin by
 * reading their plan are both parked mid-request, then let go in the order the test chooses.
 */
export class HeldPlanReads implements PlanStore {
  private readonly gates = new Map<string, Gate>();

  constructor(
    private readonly inner: PlanStore,
    heldPlanIds: string[],
  ) {
    for (const planId of heldPlanIds) this.gates.set(planId, gate());
  }

  /** Settles once a read of the plan is waiting. */
  async parked(planId: string): Promise<void> {
    await this.gateOf(planId).arrived;
  }

  /** Lets the waiting read of the plan (and every later one) through. */
  open(planId: string): void {
    this.gateOf(planId).open();
  }

  async get(planId: string): Promise<StoredPlan | undefined> {
    const held = this.gates.get(planId);
    if (held) {
      held.arrive();
      await held.opened;
    }
    return this.inner.get(planId);
  }

  put(plan: RecoveryPlan): Promise<void> {
    return this.inner.put(plan);
  }

  list(): Promise<RecoveryPlan[]> {
    return this.inner.list();
  }

  claim(planId: string, claim: PlanClaim, replacing?: PlanClaim): Promise<ClaimResult> {
    return this.inner.claim(planId, claim, replacing);
  }

  release(planId: string, executionId: string): Promise<void> {
    return this.inner.release(planId, executionId);
  }

  private gateOf(planId: string): Gate {
    const held = this.gates.get(planId);
    if (!held) throw new Error(`Reads of ${planId} are not held`);
    return held;
  }
}
