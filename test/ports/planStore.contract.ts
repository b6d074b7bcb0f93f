/**
 * The PlanStore contract, run against every implementation (in memory in a unit test, DynamoDB on dynalite
 * in an integration test): plans, and each plan's single active-execution slot taken and freed with
 * conditional writes.
 */
import type { RecoveryPlan } from '../../src/domain/plan';
import type { PlanClaim, PlanStore } from '../../src/ports/planStore';
import { at } from '../fixtures/commands';
import { serverId } from '../fixtures/plan';

export interface PlanStoreUnderTest {
  store: PlanStore;
  cleanup: () => Promise<void>;
}

const planNamed = (planId: string, planName = `Plan ${planId}`): RecoveryPlan => ({
  planId,
  planName,
  rtoTargetMinutes: 60,
  waves: [
    { waveName: 'databases', sourceServerIds: [serverId('db', 1)] },
    { waveName: 'web', sourceServerIds: [serverId('web', 1)], pauseBeforeWave: true },
  ],
});

const claimOf = (executionId: string, minute = 0): PlanClaim => ({ executionId, claimedAt: at(minute) });

export const describePlanStoreContract = (name: string, makeStore: () => Promise<PlanStoreUnderTest>): void => {
  describe(`PlanStore contract: ${name}`, () => {
    let underTest: PlanStoreUnderTest;
    let store: PlanStore;

    beforeAll(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });
    afterAll(() => underTest?.cleanup());

    /** A plan of its own for one test, stored with its slot free. */
    const givenPlan = async (planId: string): Promise<RecoveryPlan> => {
      const plan = planNamed(planId);
      await store.put(plan);
      return plan;
    };

    describe('plans', () => {
      it('given no plan, get answers undefined', async () => {
        expect(await store.get('rp-missing')).toBeUndefined();
      });

      it('a plan put is got back exactly, with its slot free', async () => {
        const plan = await givenPlan('rp-roundtrip');
        expect(await store.get('rp-roundtrip')).toStrictEqual({ plan });
      });

      it('a second put replaces the plan', async () => {
        await givenPlan('rp-replaced');
        const renamed = planNamed('rp-replaced', 'Renamed');
        await store.put(renamed);
        expect((await store.get('rp-replaced'))?.plan).toStrictEqual(renamed);
      });

      it('list answers every plan, by planId', async () => {
        const own = await makeStore();
        try {
          for (const planId of ['rp-c', 'rp-a', 'rp-b']) await own.store.put(planNamed(planId));
          expect((await own.store.list()).map((plan) => plan.planId)).toEqual(['rp-a', 'rp-b', 'rp-c']);
          expect((await own.store.list())[0]).toStrictEqual(planNamed('rp-a'));
        } finally {
          await own.cleanup();
        }
      });

      it('what callers hold is a copy: changing a plan after its put, or what get answered, changes nothing stored', async () => {
        const plan = planNamed('rp-copies');
        await store.put(plan);
        plan.planName = 'forged';
        const got = await store.get('rp-copies');
        if (got) got.plan.waves.pop();
        expect(await store.get('rp-copies')).toStrictEqual({ plan: planNamed('rp-copies') });
      });
    });

    describe('claims', () => {
      it('a claim on a plan that does not exist is PlanNotFound', async () => {
        expect(await store.claim('rp-none', claimOf('exec-1'))).toEqual({ ok: false, reason: 'PlanNotFound' });
        expect(await store.get('rp-none')).toBeUndefined();
      });

      it('given a free slot, a claim takes it, and the plan shows its holder', async () => {
        const plan = await givenPlan('rp-free');
        expect(await store.claim('rp-free', claimOf('exec-1'))).toEqual({ ok: true });
        expect(await store.get('rp-free')).toStrictEqual({ plan, claim: claimOf('exec-1') });
      });

      it('given a held slot, another execution is refused with the holder; the holder claiming again is accepted unchanged', async () => {
        await givenPlan('rp-busy');
        await store.claim('rp-busy', claimOf('exec-1'));
        expect(await store.claim('rp-busy', claimOf('exec-2', 1))).toEqual({ ok: false, reason: 'PlanBusy', holder: claimOf('exec-1') });
        expect(await store.claim('rp-busy', claimOf('exec-1', 2))).toEqual({ ok: true });
        expect((await store.get('rp-busy'))?.claim).toEqual(claimOf('exec-1'));
      });

      it('a put of the plan leaves its slot as it is', async () => {
        await givenPlan('rp-put-held');
        await store.claim('rp-put-held', claimOf('exec-1'));
        await store.put(planNamed('rp-put-held', 'Renamed while running'));
        expect(await store.get('rp-put-held')).toStrictEqual({
          plan: planNamed('rp-put-held', 'Renamed while running'),
          claim: claimOf('exec-1'),
        });
      });

      it('release frees the slot only for its holder; a release by anyone else, or of a free slot, changes nothing', async () => {
        await givenPlan('rp-release');
        await store.claim('rp-release', claimOf('exec-1'));
        await store.release('rp-release', 'exec-2');
        expect((await store.get('rp-release'))?.claim).toEqual(claimOf('exec-1'));
        await store.release('rp-release', 'exec-1');
        expect((await store.get('rp-release'))?.claim).toBeUndefined();
        await store.release('rp-release', 'exec-1');
        await store.release('rp-none', 'exec-1');
        expect(await store.claim('rp-release', claimOf('exec-3'))).toEqual({ ok: true });
      });

      it('of two claims at once on a free slot, exactly one wins; the other is told who holds it', async () => {
        await givenPlan('rp-race');
        const results = await Promise.all([store.claim('rp-race', claimOf('exec-a')), store.claim('rp-race', claimOf('exec-b'))]);
        const winner = results[0]?.ok ? 'exec-a' : 'exec-b';
        expect(results.filter((result) => result.ok)).toHaveLength(1);
        expect(results.find((result) => !result.ok)).toEqual({ ok: false, reason: 'PlanBusy', holder: claimOf(winner) });
        expect((await store.get('rp-race'))?.claim).toEqual(claimOf(winner));
      });
    });

    describe('taking over a stale claim', () => {
      it('replacing the holder it names takes the slot', async () => {
        await givenPlan('rp-takeover');
        await store.claim('rp-takeover', claimOf('exec-dead'));
        expect(await store.claim('rp-takeover', claimOf('exec-new', 20), claimOf('exec-dead'))).toEqual({ ok: true });
        expect((await store.get('rp-takeover'))?.claim).toEqual(claimOf('exec-new', 20));
      });

      it('replacing a claim that no longer holds the slot is refused with the real holder (same execution, another time included)', async () => {
        await givenPlan('rp-moved-on');
        await store.claim('rp-moved-on', claimOf('exec-holder', 5));
        expect(await store.claim('rp-moved-on', claimOf('exec-new', 20), claimOf('exec-dead'))).toEqual({
          ok: false,
          reason: 'PlanBusy',
          holder: claimOf('exec-holder', 5),
        });
        expect(await store.claim('rp-moved-on', claimOf('exec-new', 20), claimOf('exec-holder', 4))).toEqual({
          ok: false,
          reason: 'PlanBusy',
          holder: claimOf('exec-holder', 5),
        });
        expect((await store.get('rp-moved-on'))?.claim).toEqual(claimOf('exec-holder', 5));
      });

      it('replacing a claim whose slot was freed meanwhile takes the free slot', async () => {
        await givenPlan('rp-freed');
        await store.claim('rp-freed', claimOf('exec-dead'));
        await store.release('rp-freed', 'exec-dead');
        expect(await store.claim('rp-freed', claimOf('exec-new', 20), claimOf('exec-dead'))).toEqual({ ok: true });
        expect((await store.get('rp-freed'))?.claim).toEqual(claimOf('exec-new', 20));
      });

      it('of two takeovers at once of the same stale claim, exactly one wins', async () => {
        await givenPlan('rp-takeover-race');
        await store.claim('rp-takeover-race', claimOf('exec-dead'));
        const results = await Promise.all([
          store.claim('rp-takeover-race', claimOf('exec-a', 20), claimOf('exec-dead')),
          store.claim('rp-takeover-race', claimOf('exec-b', 20), claimOf('exec-dead')),
        ]);
        expect(results.filter((result) => result.ok)).toHaveLength(1);
        const winner = results[0]?.ok ? 'exec-a' : 'exec-b';
        expect(results.find((result) => !result.ok)).toEqual({ ok: false, reason: 'PlanBusy', holder: claimOf(winner, 20) });
      });
    });
  });
};
