/**
 * `DRS_LEDGER_MODEL_CHECK=strict` (every jest run sets it, and the `serve` processes tests spawn inherit
 * it): an emulator answer that breaks AWS's model is a bug of ours, answered as HTTP 500
 * `EmulatorModelViolation` so the test that provoked it fails where it happened. Otherwise (`serve` and
 * `drill` for people) the answer goes out as it is and the violation is only recorded. Requests that
 * break the model are refused in both modes: that is what AWS does.
 */
export const MODEL_CHECK_ENV = 'DRS_LEDGER_MODEL_CHECK';

export const EMULATOR_MODEL_VIOLATION = 'EmulatorModelViolation';

/** Read at each answer, so a test can switch modes without restarting an emulator. */
export const strictModelChecks = (): boolean => process.env[MODEL_CHECK_ENV] === 'strict';
