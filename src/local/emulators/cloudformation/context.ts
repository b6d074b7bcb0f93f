import type { FailNextFaults } from '../awsQuery';
import type { EmulatedStack } from './stacks';

/** One request to the CloudFormation API, in the order received. */
export interface CloudFormationRequestRecord {
  action: string;
  at: string;
  /** The StackName asked for, when one was. */
  stackName?: string;
  /** The access key id the request was signed with (the signature itself is not checked). */
  callerAccessKeyId?: string;
  /** 'OK', or the error code answered. */
  outcome: string;
}

export interface CloudFormationState {
  region: string;
  accountId: string;
  stacks: Map<string, EmulatedStack>;
  faults: FailNextFaults<'failDescribeStacks'>;
  log: CloudFormationRequestRecord[];
}

export interface CloudFormationContext {
  state: CloudFormationState;
  record: CloudFormationRequestRecord;
}
