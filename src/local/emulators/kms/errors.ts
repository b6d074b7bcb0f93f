/**
 * A KMS error as the awsJson1_1 protocol carries it: an HTTP status and `{ "__type": "...", "message": "..." }`.
 * @aws-sdk/client-kms makes __type the exception's name and copies the status into $metadata.httpStatusCode.
 */
export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = KMS_ERROR_STATUS[type] ?? 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** KMS answers every client error with 400; these are the others (the model gives JSON services no status). */
export const KMS_ERROR_STATUS: Record<string, number> = {
  KMSInternalException: 500,
  KeyUnavailableException: 500,
  DependencyTimeoutException: 503,
  DryRunOperationException: 412,
};

export const validationError = (message: string): KmsError => new KmsError('ValidationException', message);

export const notFound = (message: string): KmsError => new KmsError('NotFoundException', message);

export const invalidKeyUsage = (message: string): KmsError => new KmsError('InvalidKeyUsageException', message);

export const unsupportedOperation = (message: string): KmsError => new KmsError('UnsupportedOperationException', message);

/** What KMS answers to a request with DryRun: true that would have succeeded. */
export const dryRunSucceeded = (): KmsError =>
  new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
