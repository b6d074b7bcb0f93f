import { AwsQueryError } from '../awsQuery/awsQueryError';

/**
 * An SNS error as the awsQuery protocol carries it: HTTP status, ErrorResponse/Error/{Type, Code,
 * Message}. The SDK maps Code through each error's awsQueryError trait (AuthorizationError ->
 * AuthorizationErrorException, InternalError -> InternalErrorException, NotFound -> NotFoundException...).
 */
export class SnsError extends AwsQueryError {}

/** Status codes of the errors worth injecting (from the SNS model's awsQueryError traits). */
export const SNS_ERROR_STATUS: Record<string, number> = {
  InternalError: 500,
  AuthorizationError: 403,
  Throttled: 429,
  InvalidParameter: 400,
  ParameterValueInvalid: 400,
  NotFound: 404,
  KMSThrottling: 400,
};

export const invalidParameter = (message: string): SnsError => new SnsError('InvalidParameter', 400, message);
export const invalidParameterValue = (message: string): SnsError => new SnsError('ParameterValueInvalid', 400, message);
export const notFound = (message: string): SnsError => new SnsError('NotFound', 404, message);
