export type { ExecutionRecord, ExecutionStatus } from './executions';
export { DEFAULT_HISTORY_EVENT_LIMIT } from './historyLimit';
export { MAX_TIMER_SECONDS } from './runtimeDefinition';
export type { TimeScales } from './runtimeDefinition';
export { startStepFunctionsEmulator } from './server';
export type { StepFunctionsEmulator, StepFunctionsEmulatorOptions } from './server';
export { applySubstitutions } from './substitutions';
export type { Substitutions } from './substitutions';
export type { ResourceHandler } from './taskHandlers';
