export { startKmsEmulator } from './server';
export type { KmsEmulator, KmsEmulatorOptions, KmsRequestRecord } from './server';
export type { KmsFaultSpec } from './faults';
export { KMS_OPERATIONS } from './operationNames';
export type { KmsOperationName } from './operationNames';
export { KMS_STATE_FILE } from './store';
