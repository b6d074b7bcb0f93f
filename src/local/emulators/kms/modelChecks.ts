import { awsValidationMessage, EMULATOR_MODEL_VIOLATION, serviceModelChecks } from '../models';
import type { Json } from './context';
import { KmsError } from './errors';

/** KMS's model as the referee of this emulator (see ../models). */
const checks = serviceModelChecks('kms');

/** Refuses a request that breaks the model as KMS does: ValidationException, 400 (a RAW Message over 4,096 bytes among them). */
export const checkKmsRequest = (operation: string, input: Json): void => {
  const violations = checks.request(operation, input);
  if (violations.length > 0) throw new KmsError('ValidationException', awsValidationMessage(violations));
};

/** The output, or (strict mode) the EmulatorModelViolation thrown instead of an output that breaks the model. */
export const checkedKmsOutput = (operation: string, output: Json): Json => {
  const verdict = checks.answer(operation, 200, output);
  if (verdict.replacement) throw new KmsError(EMULATOR_MODEL_VIOLATION, verdict.replacement.message, 500);
  return output;
};

/** The error to send: `error`, or (strict mode) an EmulatorModelViolation when it breaks the model. */
export const checkedKmsError = (operation: string, error: KmsError): KmsError => {
  const verdict = checks.error(operation, { code: error.type, status: error.status, members: { message: error.message } });
  return verdict.replacement ? new KmsError(EMULATOR_MODEL_VIOLATION, verdict.replacement.message, 500) : error;
};
