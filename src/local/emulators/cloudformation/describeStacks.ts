import { type AwsQueryAction, AwsQueryError } from '../awsQuery';
import type { CloudFormationContext } from './context';
import { stackFields } from './stacks';

/**
 * DescribeStacks: the stack named by StackName (its name or its StackId), or every stack when none is named. A
 * stack that does not exist is CloudFormation's ValidationError, 400, "Stack with id <name> does not exist".
 */
export const describeStacks: AwsQueryAction<CloudFormationContext> = ({ state }, call) => {
  const injected = state.faults.take('failDescribeStacks');
  if (injected) throw injected;
  const asked = call.params.get('StackName');
  if (asked === null) return { Stacks: [...state.stacks.values()].map(stackFields) };
  const found = [...state.stacks.values()].find((stack) => stack.stackName === asked || stack.stackId === asked);
  if (!found) throw new AwsQueryError('ValidationError', 400, `Stack with id ${asked} does not exist`);
  return { Stacks: [stackFields(found)] };
};
