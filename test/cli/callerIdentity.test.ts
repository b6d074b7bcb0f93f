import { principalName } from '../../src/cli/callerIdentity';

describe('principalName: the name the deployed console lists its caller by', () => {
  it.each([
    ['arn:aws:iam::111111111111:user/alice', 'alice'],
    ['arn:aws:iam::111111111111:user/division/ops/alice', 'alice'],
    // IAM Identity Center and role sessions: the session name is the person.
    ['arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_DrOperator_0123456789abcdef/alice@example.com', 'alice@example.com'],
    ['arn:aws:sts::111111111111:federated-user/bob', 'bob'],
    ['arn:aws:iam::111111111111:root', 'root'],
  ])('%s is %s', (arn, name) => {
    expect(principalName(arn)).toBe(name);
  });
});
