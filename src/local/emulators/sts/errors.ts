import { AwsQueryError } from '../awsQuery/awsQueryError';

/**
 * An STS error as the awsQuery protocol carries it: HTTP status and
 * ErrorResponse/Error/{Type, Code, Message}. @aws-sdk/client-sts makes Code the exception's name
 * (a modeled exception where the code has an awsQueryError trait, an STSServiceException otherwise,
 * as for AccessDenied) and copies the status into $metadata.httpStatusCode.
 */
export class StsError extends AwsQueryError {}

/** Status codes of the errors worth injecting (STS's documented common and AssumeRole errors). */
export const STS_ERROR_STATUS: Record<string, number> = {
  AccessDenied: 403,
  ExpiredToken: 403,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  Throttling: 400,
  RegionDisabledException: 403,
  MalformedPolicyDocument: 400,
  PackedPolicyTooLarge: 400,
  ValidationError: 400,
};

export const accessDenied = (message: string): StsError => new StsError('AccessDenied', 403, message);

/** STS's wording for a constraint violated by one parameter. */
export const validationError = (message: string): StsError => new StsError('ValidationError', 400, message);

export const constraintViolation = (member: string, value: string | null, constraint: string): StsError =>
  validationError(
    `1 validation error detected: Value ${value === null ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
