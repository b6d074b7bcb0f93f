export { CLOUDFORMATION_ACTIONS, CLOUDFORMATION_VERSION, startCloudFormationEmulator } from './server';
export type { CloudFormationEmulator, CloudFormationEmulatorOptions } from './server';
export type { CloudFormationFaultSpec } from './faults';
export type { CloudFormationRequestRecord } from './context';
export type { EmulatedStack, StackSpec } from './stacks';
