export { startSnsEmulator } from './server';
export type { SnsEmulator, SnsEmulatorOptions } from './server';
export type { SnsStats } from './context';
export type { SnsFaultSpec } from './faults';
export type { PublishedMessage } from './outbox';
export type { MessageAttributeValue } from './publishRequest';
