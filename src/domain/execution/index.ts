export * from './vocabulary';
export * from './identity';
export * from './events';
export * from './commands';
export * from './state';
export * from './rejections';
export * from './evolve';
export * from './decide';
export * from './clocks';
export { MAX_CAPACITY_WAIT_MS, MAX_REASON_BYTES, MAX_WAVE_START_ATTEMPTS } from './waveBoundary';
export * from './summary';
export * from './snapshot';
export * from './approval';
export * from './recoveryPoint';
export { MAX_WAVE_RETRIES } from './waveFailurePolicy';
export { MAX_SKIP_REASON_LENGTH, serversToRetry } from './waveRecovery';
export {
  CLEANUP_CONFIRM_WITHIN_MS,
  CLEANUP_STREAK_PAUSE_MS,
  cleanupActionable,
  cleanupDueAt,
  cleanupRetryDelayMs,
  confirmationOverdue,
  MAX_INSTANCES_PER_CLEANUP_EVENT,
} from './cleanup';
export { MAX_CLEANUP_FAILURES_PER_STREAK, MAX_CLEANUP_STREAKS } from './cleanupFold';
export * from './cleanupLedger';
