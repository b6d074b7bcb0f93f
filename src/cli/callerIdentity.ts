import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** Who the caller's AWS credentials are, as STS names them (and as the operator API's IAM authorizer will). */
export interface CallerIdentity {
  /** arn:aws:iam::<account>:user/<name>, arn:aws:sts::<account>:assumed-role/<role>/<session>, ... */
  arn: string;
  account: string;
}

/**
 * The caller, by sts:GetCallerIdentity, which IAM never denies: any valid credentials may ask. The client gets no
 * endpoint of ours: AWS_ENDPOINT_URL_STS, the profile and the region apply as for any SDK call.
 */
export const callerIdentity = async (region: string): Promise<CallerIdentity> => {
  const sts = new STSClient({ region, maxAttempts: 3 });
  try {
    const { Arn, Account } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Arn) throw new Error('STS GetCallerIdentity answered no Arn');
    return { arn: Arn, account: Account ?? '' };
  } finally {
    sts.destroy();
  }
};

/**
 * The name a person goes by in a principal ARN: an IAM user's name (its path left out), an assumed role's session
 * name (IAM Identity Center puts the user there), a federated user's name; `root` for the account's root.
 */
export const principalName = (arn: string): string => {
  const resource = arn.split(':').slice(5).join(':');
  return resource.split('/').at(-1) || resource || arn;
};
