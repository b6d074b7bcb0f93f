import type { XmlFields } from '../awsQuery';

/** A stack as the emulator holds it: what `serverless deploy` would have left in CloudFormation. */
export interface StackSpec {
  stackName: string;
  /** The stack's outputs, by key (OutputKey -> OutputValue). */
  outputs: Record<string, string>;
  description?: string;
  /** Default CREATE_COMPLETE; another of CloudFormation's StackStatus values (ROLLBACK_COMPLETE, ...) to test how callers read it. */
  status?: string;
}

export interface EmulatedStack extends StackSpec {
  stackId: string;
  creationTime: string;
}

/** CloudFormation's rule for a stack name: a letter, then letters, digits and hyphens, 128 characters at most. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

const OUTPUT_KEY = /^[A-Za-z0-9]{1,255}$/;

const STATUS =
  /^(CREATE|ROLLBACK|DELETE|UPDATE|UPDATE_ROLLBACK|IMPORT|IMPORT_ROLLBACK)_(IN_PROGRESS|FAILED|COMPLETE)$|^REVIEW_IN_PROGRESS$|^(UPDATE|UPDATE_ROLLBACK)_COMPLETE_CLEANUP_IN_PROGRESS$/;

/** Checks a spec as CloudFormation would have refused the template that made it; throws with the reason. */
export const checkedStackSpec = (spec: StackSpec): StackSpec => {
  if (typeof spec.stackName !== 'string' || !STACK_NAME.test(spec.stackName))
    throw new Error(`stackName must start with a letter and hold only letters, digits and hyphens (128 at most)`);
  if (typeof spec.outputs !== 'object' || spec.outputs === null || Array.isArray(spec.outputs))
    throw new Error('outputs must be an object of OutputKey to OutputValue');
  if (spec.status !== undefined && !STATUS.test(spec.status)) throw new Error(`status ${JSON.stringify(spec.status)} is not a StackStatus`);
  for (const [key, value] of Object.entries(spec.outputs)) {
    if (!OUTPUT_KEY.test(key)) throw new Error(`output key ${JSON.stringify(key)} must be 1 to 255 letters and digits`);
    if (typeof value !== 'string') throw new Error(`output ${key} must be a string`);
  }
  return spec;
};

/** The Stack structure of a DescribeStacks answer, members in the model's order. */
export const stackFields = (stack: EmulatedStack): XmlFields => ({
  StackId: stack.stackId,
  StackName: stack.stackName,
  ...(stack.description === undefined ? {} : { Description: stack.description }),
  CreationTime: stack.creationTime,
  StackStatus: stack.status ?? 'CREATE_COMPLETE',
  Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
});
