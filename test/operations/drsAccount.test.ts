import { drsAccountOf } from '../../src/operations/drsAccount';

const target = { accountId: '345678901234', region: 'eu-central-1', roleName: 'DRSOrchestrationRole' };

describe("an execution's DRS account", () => {
  it('is its target, on behalf of the execution, carrying the verified starter as SourceIdentity', () => {
    expect(
      drsAccountOf({ executionId: 'exec-1', accountContext: target, initiatedByPrincipal: 'arn:aws:iam::123456789012:user/alice' }),
    ).toEqual({ ...target, onBehalfOf: 'exec-1', sourceIdentity: 'alice' });
  });

  it('carries no SourceIdentity for a start nobody verified, and is the home account without a target', () => {
    expect(drsAccountOf({ executionId: 'exec-1', accountContext: target })).toEqual({ ...target, onBehalfOf: 'exec-1' });
    expect(drsAccountOf({ executionId: 'exec-1' })).toBeUndefined();
  });
});
