/**
 * The plan owns its target account: a start acts where the plan says, a caller who names another account is
 * refused before anything is recorded, and the ExternalId that guards the target's role never reaches the ledger.
 */
import fc from 'fast-check';
import { DEFAULT_TARGET_ROLE_NAME, validatePlan } from '../../../src/domain/plan';
import { start } from '../../fixtures/commands';
import { samplePlan } from '../../fixtures/plan';
import { given } from '../../support/deciderSpec';

const TARGET = { accountId: '210987654321', region: 'eu-west-1', externalId: 'ext-plan-secret-1' };
const planWithTarget = { ...samplePlan, target: TARGET };
const ROLE = DEFAULT_TARGET_ROLE_NAME;
const named = { accountId: TARGET.accountId, region: TARGET.region, roleName: ROLE };

describe('a plan with a target account', () => {
  it('is a valid plan; its target must be an account, a region, and optionally a role and an ExternalId', () => {
    expect(validatePlan(planWithTarget)).toEqual({ ok: true, plan: planWithTarget });
    const issues = (target: unknown) => {
      const result = validatePlan({ ...samplePlan, target });
      return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
    };
    expect(issues({ ...TARGET, accountId: '99999' })).toEqual(['target.accountId: must be a 12-digit AWS account id']);
    expect(issues({ ...TARGET, region: 'Mars' })).toEqual(['target.region: must be an AWS region such as us-east-1']);
    expect(issues({ ...TARGET, roleName: 'a role' })).toEqual([expect.stringMatching(/^target.roleName: must be an IAM role name/)]);
    expect(issues({ ...TARGET, externalId: 'x' })).toEqual([expect.stringMatching(/^target.externalId: must be 2-1224 characters/)]);
    expect(issues({ ...TARGET, sessionPolicy: '*' })).toEqual(['target.sessionPolicy: unknown field']);
    expect(issues('210987654321')).toEqual(['target: must be an object']);
  });

  describe('when started without accountContext', () => {
    it("records the plan's target as the account context: the role made explicit, the ExternalId only by reference", () => {
      const { events } = given([])
        .when(start({ plan: planWithTarget }))
        .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]);
      expect(events[0]?.data).toMatchObject({
        accountContext: { ...named, externalIdFromPlan: samplePlan.planId },
        plan: { ...samplePlan, target: { accountId: TARGET.accountId, region: TARGET.region } },
      });
    });

    it('takes the deployment role when the target names none, and the target role when it does', () => {
      const deployment = given([])
        .when(start({ plan: planWithTarget, targetRoleName: 'DeploymentRole' }))
        .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]).state;
      expect(deployment).toMatchObject({ accountContext: { roleName: 'DeploymentRole' } });
      const own = given([])
        .when(start({ plan: { ...planWithTarget, target: { ...TARGET, roleName: 'PlanRole' } } }))
        .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]).state;
      expect(own).toMatchObject({ accountContext: { roleName: 'PlanRole' } });
    });
  });

  describe('when started with an accountContext', () => {
    it('accepts the target itself, and records the plan’s own', () => {
      const { state } = given([])
        .when(start({ plan: planWithTarget, accountContext: named }))
        .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]);
      expect(state).toMatchObject({ accountContext: { ...named, externalIdFromPlan: samplePlan.planId } });
    });

    it.each([
      ['another account (the attack: any plan, the caller’s account)', { ...named, accountId: '999999999999' }, 'is not the target'],
      ['another region', { ...named, region: 'us-east-1' }, 'is not the target'],
      ['another role', { ...named, roleName: 'AdminRole' }, 'is not the target'],
      [
        'an ExternalId, a wrong one (no oracle for guesses)',
        { ...named, externalId: 'anything' },
        'accountContext.externalId is not accepted',
      ],
      ['an ExternalId, even the right one', { ...named, externalId: TARGET.externalId }, 'accountContext.externalId is not accepted'],
    ])('refuses %s, and records nothing', (_case, accountContext, message) => {
      const rejection = given([])
        .when(start({ plan: planWithTarget, accountContext }))
        .thenRejects('InvalidCommand', 'NOT_STARTED');
      expect(rejection.message).toContain(message);
      // Nothing about the target is quoted back: not its ExternalId, not its account.
      expect(rejection.message).not.toContain(TARGET.externalId);
      expect(rejection.message).not.toContain(TARGET.accountId);
    });

    it('refuses any account for a plan that declares no target', () => {
      const rejection = given([])
        .when(start({ accountContext: named }))
        .thenRejects('InvalidCommand', 'NOT_STARTED');
      expect(rejection.message).toContain('declares no target account: to recover in another account, declare `target` in the plan');
    });
  });

  it('never records the ExternalId, whatever it is and however the start names the target', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w+=,.@:/-]{0,64}$/), fc.boolean(), (text, naming) => {
        const externalId = `xid-${text}`;
        const plan = { ...samplePlan, target: { ...TARGET, externalId } };
        const { events } = given([])
          .when(start({ plan, ...(naming ? { accountContext: named } : {}) }))
          .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]);
        const recorded = JSON.stringify(events);
        expect(recorded).not.toContain(externalId);
        expect(events[0]?.data).toMatchObject({ accountContext: { externalIdFromPlan: samplePlan.planId } });
      }),
    );
  });
});
