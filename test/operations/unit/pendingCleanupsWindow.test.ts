/**
 * A find drives at most MAX_CLEANUPS_PER_FIND drill cleanups, however many drills ended together (200 at once kept
 * find past its invocation's timeout), and the window moves on each minute so that every cleanup is reached.
 */
import { drivePendingCleanups, MAX_CLEANUPS_PER_FIND } from '../../../src/operations/pendingCleanups';
import type { ExecutionViewStore } from '../../../src/ports/executionViewStore';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const PENDING = Array.from({ length: 45 }, (_, index) => ({
  executionId: `exec-${String(index + 1).padStart(4, '0')}`,
  planId: `plan-${index + 1}`,
}));

describe('drill cleanups driven by one find', () => {
  it('given 45 pending cleanups, each find drives at most 20, and three finds a minute apart reach every one', async () => {
    const world = new MemoryWorld();
    const views: ExecutionViewStore = Object.assign(Object.create(world.views) as ExecutionViewStore, {
      listCleanupPending: async () => ({ executions: PENDING }),
    });
    const deps = { ...world.deps, views };
    const reached = new Set<string>();
    for (let find = 0; find < 3; find += 1) {
      const visited = await drivePendingCleanups(deps);
      expect(visited.length).toBeLessThanOrEqual(MAX_CLEANUPS_PER_FIND);
      for (const visit of visited) reached.add(visit.executionId);
      world.clock.advance(60);
    }
    expect(reached.size).toBe(PENDING.length);
  });

  it('given fewer than the window, one find drives them all', async () => {
    const world = new MemoryWorld();
    const few = PENDING.slice(0, 7);
    const views: ExecutionViewStore = Object.assign(Object.create(world.views) as ExecutionViewStore, {
      listCleanupPending: async () => ({ executions: few }),
    });
    const visited = await drivePendingCleanups({ ...world.deps, views });
    expect(visited.map((visit) => visit.executionId).sort()).toEqual(few.map((target) => target.executionId));
  });
});
