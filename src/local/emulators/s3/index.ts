export { startS3Emulator } from './server';
export type { S3Emulator, S3EmulatorOptions, S3RequestRecord } from './server';
export type { S3FaultSpec } from './faults';
export { S3_OPERATIONS } from './operationNames';
export type { S3OperationName } from './operationNames';
export type { BucketRecord, Retention, RetentionMode, VersionRecord } from './records';
export { S3_BODIES_FOLDER, S3_STATE_FILE } from './store';
