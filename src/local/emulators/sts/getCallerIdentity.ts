import type { AwsQueryAction } from '../awsQuery';
import { callerIdentity, signer } from './caller';
import type { StsContext } from './context';

/** GetCallerIdentity -> { Arn, UserId, Account } of whoever signed the request. */
export const getCallerIdentity: AwsQueryAction<StsContext> = ({ state }, call) => callerIdentity(state, signer(call));
