import { awsValidationMessage, EMULATOR_MODEL_VIOLATION, serviceModelChecks } from '../models';
import { SfnError } from './errors';

/** Step Functions' model as the referee of this emulator (see ../models). */
const checks = serviceModelChecks('stepfunctions');

/** Refuses a request that breaks the model as Step Functions does: ValidationException, 400. */
export const checkSfnRequest = (operation: string, input: Record<string, unknown>): void => {
  const violations = checks.request(operation, input);
  if (violations.length > 0) throw new SfnError('ValidationException', awsValidationMessage(violations));
};

/** The output, or (strict mode) the EmulatorModelViolation thrown instead of an output that breaks the model. */
export const checkedSfnOutput = (operation: string, output: Record<string, unknown>): Record<string, unknown> => {
  const verdict = checks.answer(operation, 200, output);
  if (verdict.replacement) throw new SfnError(EMULATOR_MODEL_VIOLATION, verdict.replacement.message, 500);
  return output;
};

/** The error to send: `error`, or (strict mode) an EmulatorModelViolation when it breaks the model. */
export const checkedSfnError = (operation: string, error: SfnError): SfnError => {
  const verdict = checks.error(operation, { code: error.type, status: error.status, members: { message: error.message } });
  return verdict.replacement ? new SfnError(EMULATOR_MODEL_VIOLATION, verdict.replacement.message, 500) : error;
};
