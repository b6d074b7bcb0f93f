import type { AwsQueryCall } from '../awsQuery';
import type { StsContext, StsState } from './context';
import { StsError } from './errors';

/** The access key id the request was signed with; STS refuses an unsigned request (403). */
export const signer = (call: AwsQueryCall): string => {
  if (call.caller === undefined) throw new StsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
  return call.caller;
};

/** STS accepts a signer before it looks at the parameters: signed, and not with credentials that expired. */
export const authenticate = ({ state }: StsContext, call: AwsQueryCall): void => {
  const assumed = state.issued.get(signer(call));
  if (assumed && Date.parse(assumed.expiration) <= state.clock()) {
    throw new StsError('ExpiredToken', 403, 'The security token included in the request is expired');
  }
};

/** Who the caller is, as STS names it in AccessDenied and GetCallerIdentity. */
export const callerIdentity = (state: StsState, accessKeyId: string): { Arn: string; UserId: string; Account: string } => {
  const assumed = state.issued.get(accessKeyId);
  if (assumed) return { Arn: assumed.assumedRoleArn, UserId: assumed.assumedRoleId, Account: assumed.accountId };
  // An IAM user's unique id starts AIDA, as its long-term access key's id starts AKIA.
  const userArn = state.users.get(accessKeyId);
  if (userArn) return { Arn: userArn, UserId: `AIDA${accessKeyId.slice(4)}`, Account: state.homeAccountId };
  return { Arn: `arn:aws:iam::${state.homeAccountId}:user/${accessKeyId}`, UserId: accessKeyId, Account: state.homeAccountId };
};
