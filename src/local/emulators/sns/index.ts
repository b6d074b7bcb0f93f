export { startSnsEmulator } from './server';
export type { SnsEmulator, SnsEmulatorOptions, SnsStats } from './server';
export type { SnsFaultSpec } from './faults';
export type { PublishedMessage } from './outbox';
export type { MessageAttributeValue } from './publishRequest';
