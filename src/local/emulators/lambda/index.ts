export type { DeadLetter } from './asyncInvocations';
export type { FunctionCounts, InvocationCount } from './counters';
export { LambdaApiError } from './errors';
export type { FaultKind, FaultSpec, InvocationType } from './faults';
export { LambdaService, MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES } from './lambdaService';
export type { InvokeRequest, InvokeResult, LambdaServiceOptions } from './lambdaService';
export type { FunctionOptions, LambdaFunction } from './registry';
export { startLambdaEmulator } from './server';
export type { LambdaEmulator, LambdaEmulatorOptions } from './server';
