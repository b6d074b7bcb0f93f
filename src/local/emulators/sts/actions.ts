import type { AwsQueryActions } from '../awsQuery';
import { assumeRole } from './assumeRole';
import type { StsContext } from './context';
import { getCallerIdentity } from './getCallerIdentity';

/** The STS actions the emulator serves, by the name that comes as Action=. */
export const STS_ACTIONS: AwsQueryActions<StsContext> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};
