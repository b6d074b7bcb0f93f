/** Local stand-ins for AWS services that the real SDK v3 clients talk to (only `endpoint` differs). */
export * from './cloudformation';
export * from './drs';
export * from './kms';
export * from './s3';
export * from './sns';
export { manualClock, systemClock } from './clock';
export type { Clock, ManualClock } from './clock';
export * from './sts';
