import { mayApprove, principalMatches, validatePlan } from '../../../src/domain/plan';
import { samplePlan } from '../../fixtures/plan';

const withApproval = (approval: unknown) => ({
  ...samplePlan,
  waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, approval } : wave)),
});

const issuesOf = (plan: unknown) => {
  const result = validatePlan(plan);
  return result.ok ? [] : result.issues;
};

describe('approval rules in a plan', () => {
  it('accepts approvers, excludeStarter, a timeout and what happens then', () => {
    const approval = {
      approvers: ['arn:aws:sts::123456789012:assumed-role/DRApprover/*', 'arn:aws:iam::*:user/alice'],
      excludeStarter: false,
      timeoutMinutes: 60,
      onTimeout: 'CONTINUE',
    };
    expect(validatePlan(withApproval(approval))).toMatchObject({ ok: true, plan: { waves: [{}, { approval }, {}] } });
  });

  it.each([
    [{ approvers: [] }, 'waves.1.approval.approvers', /at least one approver/],
    [{ approvers: ['alice'] }, 'waves.1.approval.approvers.0', /principal ARN pattern/],
    [{ approvers: ['arn:aws:s3:::bucket/*'] }, 'waves.1.approval.approvers.0', /principal ARN pattern/],
    [{ approvers: [`arn:aws:iam::123456789012:user/${'a'.repeat(300)}`] }, 'waves.1.approval.approvers.0', /at most 256/],
    [
      { approvers: Array.from({ length: 21 }, (_, n) => `arn:aws:iam::123456789012:user/u${n}`) },
      'waves.1.approval.approvers',
      /at most 20/,
    ],
    [{ approvers: ['arn:aws:iam::123456789012:user/*'], timeoutMinutes: 0 }, 'waves.1.approval.timeoutMinutes', /./],
    [{ approvers: ['arn:aws:iam::123456789012:user/*'], timeoutMinutes: 20_000 }, 'waves.1.approval.timeoutMinutes', /7 days/],
    [{ approvers: ['arn:aws:iam::123456789012:user/*'], onTimeout: 'APPROVE' }, 'waves.1.approval.onTimeout', /CANCEL or CONTINUE/],
    [{ approvers: ['arn:aws:iam::123456789012:user/*'], approvedBy: 'me' }, 'waves.1.approval.approvedBy', /unknown field/],
    [{ approvers: ['arn:aws:iam::123456789012:user/x\ny'] }, 'waves.1.approval.approvers.0', /principal ARN pattern/],
  ])('refuses %j at %s', (approval, path, message) => {
    expect(issuesOf(withApproval(approval))).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
  });

  it('refuses an onTimeout without a timeout: it could never apply', () => {
    expect(issuesOf(withApproval({ approvers: ['arn:aws:iam::123456789012:user/*'], onTimeout: 'CONTINUE' }))).toEqual([
      { path: 'waves.1.approval.onTimeout', message: expect.stringMatching(/timeoutMinutes/) },
    ]);
  });
});

describe('principal patterns', () => {
  it('match whole ARNs, * standing for any run of characters and nothing else being special', () => {
    expect(
      principalMatches('arn:aws:sts::123456789012:assumed-role/DRApprover/*', 'arn:aws:sts::123456789012:assumed-role/DRApprover/bob'),
    ).toBe(true);
    expect(
      principalMatches('arn:aws:sts::123456789012:assumed-role/DRApprover/*', 'arn:aws:sts::123456789012:assumed-role/DRApproverX/bob'),
    ).toBe(false);
    expect(principalMatches('arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:user/alice2')).toBe(false);
    expect(principalMatches('arn:aws:iam::123456789012:user/a.ice', 'arn:aws:iam::123456789012:user/alice')).toBe(false);
    expect(principalMatches('arn:aws:iam::*:user/alice', 'arn:aws:iam::999999999999:user/alice')).toBe(true);
  });

  it('an approver is anyone one pattern admits', () => {
    const rule = { approvers: ['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:role/*'] };
    expect(mayApprove(rule, 'arn:aws:iam::123456789012:user/alice')).toBe(true);
    expect(mayApprove(rule, 'arn:aws:iam::123456789012:user/bob')).toBe(false);
  });
});
