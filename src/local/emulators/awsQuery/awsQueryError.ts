/**
 * An error as the awsQuery protocol (SNS, STS) carries it: an HTTP status and
 * ErrorResponse/Error/{Type, Code, Message}. The SDKs make Code the exception's name and copy the status
 * into $metadata.httpStatusCode.
 */
export class AwsQueryError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}
