/** An error answer of the Lambda API: status, x-amzn-ErrorType, and the JSON body the SDK reads. */
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    const message = body.message ?? body.Message;
    super(typeof message === 'string' ? message : type);
    this.name = type;
  }
}

/** `Message`, capitalised: Lambda's model names this exception's member so (others have `message`). */
export const resourceNotFound = (arn: string): LambdaApiError =>
  new LambdaApiError(404, 'ResourceNotFoundException', { Type: 'User', Message: `Function not found: ${arn}` });

/** Lambda answers an oversize request with this code (the SDK's modelled RequestTooLargeException is not used). */
export const requestTooLarge = (message: string): LambdaApiError =>
  new LambdaApiError(413, 'RequestEntityTooLargeException', { Type: 'User', message });

export const invalidRequestContent = (detail: string): LambdaApiError =>
  new LambdaApiError(400, 'InvalidRequestContentException', {
    Type: 'User',
    message: `Could not parse request body into json: ${detail}`,
  });

export const invalidParameterValue = (message: string): LambdaApiError =>
  new LambdaApiError(400, 'InvalidParameterValueException', { Type: 'User', message });

export const serviceException = (): LambdaApiError =>
  new LambdaApiError(500, 'ServiceException', { Type: 'Service', Message: 'An internal service error occurred (injected fault).' });

export const tooManyRequests = (retryAfterSeconds: number): LambdaApiError =>
  new LambdaApiError(
    429,
    'TooManyRequestsException',
    { Type: 'User', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', message: 'Rate Exceeded.' },
    { 'Retry-After': String(retryAfterSeconds) },
  );
