import { AwsQueryError } from './awsQueryError';
import { awsQueryInput, awsValidationMessage, EMULATOR_MODEL_VIOLATION, type ModelServiceName, serviceModelChecks } from '../models';

/**
 * The model checks of an awsQuery service (SNS, STS). A request that breaks the model gets
 * `ValidationError`, 400, as those services answer it ("1 validation error detected: Value null at
 * 'message' failed to satisfy constraint: Member must not be null").
 */
export const awsQueryModelChecks = (service: ModelServiceName) => {
  const checks = serviceModelChecks(service);
  return {
    /** Throws ValidationError for a request whose parameters break the action's input shape. */
    checkRequest(action: string, params: URLSearchParams): void {
      const input = checks.model.operations[action]?.input;
      if (!input) return;
      const violations = checks.request(action, awsQueryInput(checks.model, input.shape, params));
      if (violations.length > 0) throw new AwsQueryError('ValidationError', 400, awsValidationMessage(violations));
    },
    /** Throws, in strict mode, the EmulatorModelViolation to answer instead of a result (the <ActionResult> fields) that breaks the model. */
    checkAnswer(action: string, fields: unknown): void {
      const verdict = checks.answer(action, 200, fields);
      if (verdict.replacement) throw new AwsQueryError(EMULATOR_MODEL_VIOLATION, 500, verdict.replacement.message);
    },
    /** The error to send: `error`, or (strict mode) an EmulatorModelViolation when its code, status or Type breaks the model. */
    checkedError(action: string, error: AwsQueryError): AwsQueryError {
      const verdict = checks.error(action, {
        code: error.code,
        status: error.status,
        members: { message: error.message },
        faultType: error.type,
      });
      return verdict.replacement ? new AwsQueryError(EMULATOR_MODEL_VIOLATION, 500, verdict.replacement.message) : error;
    },
  };
};
