/**
 * An error a Task state fails with: `name` is the States error name Retry and Catch match (Error), `message`
 * becomes the Cause. The engine reads isRetryable/isCatchable (true unless said otherwise).
 */
export class TaskError extends Error {
  constructor(
    name: string,
    cause: string,
    private readonly recoverable = true,
  ) {
    super(cause);
    this.name = name;
  }

  get isRetryable(): boolean {
    return this.recoverable;
  }

  get isCatchable(): boolean {
    return this.recoverable;
  }
}
