import { randomUUID } from 'node:crypto';
import { type AdminRoutes, type AwsQueryActions, type AwsQueryCall, AwsQueryError, startAwsQueryServer } from '../awsQuery';
import { type Clock, systemClock } from '../clock';
import type { LoopbackServer } from '../http';
import type { CloudFormationContext, CloudFormationRequestRecord, CloudFormationState } from './context';
import { describeStacks } from './describeStacks';
import { cloudFormationFaults, type CloudFormationFaultSpec } from './faults';
import { checkedStackSpec, type EmulatedStack, type StackSpec } from './stacks';

export const CLOUDFORMATION_VERSION = '2010-05-15';

/** The actions served, by the name that comes as Action=. */
export const CLOUDFORMATION_ACTIONS: AwsQueryActions<CloudFormationContext> = { DescribeStacks: describeStacks };

export interface CloudFormationEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  clock?: Clock;
  /** The region and account in each StackId (default us-east-1, 000000000000: the local stack's). */
  region?: string;
  accountId?: string;
  /** Stacks present from the start (putStack adds more). */
  stacks?: StackSpec[];
}

export interface CloudFormationEmulator extends LoopbackServer {
  faults: { apply(spec: CloudFormationFaultSpec): void; reset(): void };
  /** Creates the stack, or replaces its outputs as an update would (its StackId and creation time kept). */
  putStack(spec: StackSpec): EmulatedStack;
  deleteStack(stackName: string): void;
  stacks(): EmulatedStack[];
  /** Every request received, in order. */
  requests(): CloudFormationRequestRecord[];
}

/**
 * An HTTP server on 127.0.0.1 speaking CloudFormation's awsQuery protocol as @aws-sdk/client-cloudformation
 * sends and reads it, for what the CLI asks of a deployed stack: DescribeStacks (its outputs name the tables,
 * functions, API, bucket and key). Requests must be signed (the signature is not verified); answers and
 * requests are checked against botocore's CloudFormation model. Control API: /__emulator/faults, stacks, requests.
 */
export const startCloudFormationEmulator = async (options: CloudFormationEmulatorOptions = {}): Promise<CloudFormationEmulator> => {
  const clock = options.clock ?? systemClock;
  const state: CloudFormationState = {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    stacks: new Map(),
    faults: cloudFormationFaults(),
    log: [],
  };
  const putStack = (spec: StackSpec): EmulatedStack => {
    const checked = checkedStackSpec(spec);
    const existing = state.stacks.get(checked.stackName);
    const stack: EmulatedStack = {
      ...checked,
      stackId: existing?.stackId ?? `arn:aws:cloudformation:${state.region}:${state.accountId}:stack/${checked.stackName}/${randomUUID()}`,
      creationTime: existing?.creationTime ?? new Date(clock()).toISOString(),
    };
    state.stacks.set(stack.stackName, stack);
    return stack;
  };
  for (const spec of options.stacks ?? []) putStack(spec);
  const listed = () => [...state.stacks.values()].map((stack) => ({ ...stack, outputs: { ...stack.outputs } }));

  const adminRoutes: AdminRoutes = {
    'GET stacks': () => ({ stacks: listed() }),
    'POST stacks': (payload) => putStack(payload as unknown as StackSpec),
    'DELETE stacks': (payload) => {
      state.stacks.delete(String(payload.stackName));
      return { stacks: listed() };
    },
    'GET requests': () => ({ requests: state.log }),
  };

  const begin = (call: AwsQueryCall): CloudFormationContext => {
    const record: CloudFormationRequestRecord = { action: call.action, at: new Date(clock()).toISOString(), outcome: 'OK' };
    const stackName = call.params.get('StackName');
    if (stackName !== null) record.stackName = stackName;
    if (call.caller !== undefined) record.callerAccessKeyId = call.caller;
    state.log.push(record);
    return { state, record };
  };

  const server = await startAwsQueryServer(options.port ?? 0, {
    model: 'cloudformation',
    namespace: `http://cloudformation.amazonaws.com/doc/${CLOUDFORMATION_VERSION}/`,
    version: CLOUDFORMATION_VERSION,
    actions: CLOUDFORMATION_ACTIONS,
    unknownAction: (action) => `Unrecognized action: ${action}`,
    internalError: { code: 'InternalFailure', label: 'CloudFormation' },
    begin,
    authenticate: (_context, call) => {
      if (call.caller === undefined) throw new AwsQueryError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
    },
    settled: ({ record }, outcome) => {
      record.outcome = outcome;
    },
    faults: state.faults,
    adminRoutes,
  });
  return {
    ...server,
    faults: state.faults,
    putStack,
    deleteStack: (stackName) => {
      state.stacks.delete(stackName);
    },
    stacks: listed,
    requests: () => state.log.map((record) => ({ ...record })),
  };
};
