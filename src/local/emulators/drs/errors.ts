/**
 * A DRS error as it goes on the wire (REST-JSON): the status code, the `x-amzn-ErrorType` header that
 * @aws-sdk/client-drs reads first (then `code`, then `__type` in the body), and the body members the
 * SDK copies onto the exception. `retryAfterSeconds` is bound to the `Retry-After` header for
 * ThrottlingException (a string in the SDK) and InternalServerException (a number in the SDK).
 */
export class DrsError extends Error {
  constructor(
    readonly errorType: DrsErrorType,
    readonly status: number,
    message: string,
    readonly fields: Record<string, unknown> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = errorType;
  }

  wire(): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
    const headers: Record<string, string> = { 'x-amzn-ErrorType': this.errorType };
    const body: Record<string, unknown> = { message: this.message, ...this.fields };
    // Only as the header: DRS's model binds retryAfterSeconds to Retry-After, never to the body.
    if (this.retryAfterSeconds !== undefined) headers['Retry-After'] = String(this.retryAfterSeconds);
    return { status: this.status, headers, body };
  }
}

export type DrsErrorType =
  | 'ValidationException'
  | 'ConflictException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'ServiceQuotaExceededException'
  | 'ResourceNotFoundException'
  | 'UnknownOperationException'
  // Ours, not DRS's: an answer that broke DRS's model under DRS_LEDGER_MODEL_CHECK=strict (../models).
  | 'EmulatorModelViolation';

export interface FieldProblem {
  name: string;
  message: string;
}

export const validationError = (message: string, fieldList: FieldProblem[] = [], reason = 'fieldValidationFailed'): DrsError =>
  new DrsError('ValidationException', 400, message, { reason, ...(fieldList.length > 0 ? { fieldList } : {}) });

export const conflictError = (message: string, resourceId: string, resourceType = 'SOURCE_SERVER'): DrsError =>
  new DrsError('ConflictException', 409, message, { resourceId, resourceType });

export const throttlingError = (retryAfterSeconds: number): DrsError =>
  new DrsError('ThrottlingException', 429, 'Rate exceeded', { serviceCode: 'drs' }, retryAfterSeconds);

export const internalServerError = (retryAfterSeconds?: number): DrsError =>
  new DrsError('InternalServerException', 500, 'An internal error occurred', {}, retryAfterSeconds);

/** HTTP 402, as the DRS model's @httpError says; the members are the model's (quotas.ts says which values). */
export const quotaExceededError = (message: string, quotaCode: string, resourceType: string, resourceId: string): DrsError =>
  new DrsError('ServiceQuotaExceededException', 402, message, { serviceCode: 'drs', quotaCode, resourceType, resourceId });
