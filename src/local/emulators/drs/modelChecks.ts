import { awsValidationMessage, EMULATOR_MODEL_VIOLATION, restResponseMembers, serviceModelChecks } from '../models';
import type { Json, OperationResult } from './context';
import { DrsError, validationError } from './errors';

/** DRS's model as the referee of this emulator (see ../models). */
const checks = serviceModelChecks('drs');

/**
 * Refuses a request that breaks DRS's model as DRS does: ValidationException, reason
 * fieldValidationFailed, one fieldList entry per violation. The operations served here take every
 * member in the JSON body, so the parsed body is the whole input.
 */
export const checkDrsRequest = (operation: string, body: Json): void => {
  const violations = checks.request(operation, body);
  if (violations.length === 0) return;
  throw validationError(
    awsValidationMessage(violations),
    violations.map((violation) => ({ name: violation.memberPath, message: violation.constraint })),
  );
};

/** Throws, in strict mode, the EmulatorModelViolation to answer instead of a result that breaks the model. */
export const checkDrsAnswer = (operation: string, result: OperationResult): void => {
  const verdict = checks.answer(operation, result.status, result.body);
  if (verdict.replacement) throw new DrsError(EMULATOR_MODEL_VIOLATION, 500, verdict.replacement.message);
};

/** The error to send: `error`, or in strict mode an EmulatorModelViolation when its wire form breaks the model. */
export const checkedDrsError = (operation: string, error: DrsError): DrsError => {
  const wire = error.wire();
  const verdict = checks.error(operation, {
    code: error.errorType,
    status: wire.status,
    members: (shape) =>
      restResponseMembers(checks.model, shape, {
        status: wire.status,
        headers: wire.headers,
        body: Buffer.from(JSON.stringify(wire.body)),
      }),
  });
  return verdict.replacement ? new DrsError(EMULATOR_MODEL_VIOLATION, 500, verdict.replacement.message) : error;
};
