/** A Step Functions API error: {__type, message} with its HTTP status (400 for every modelled error). */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }

  /** The __type as the service writes it; clients keep the part after '#'. */
  get wireType(): string {
    return MODEL_ERRORS.has(this.type) ? `com.amazonaws.swf.service.v2.model#${this.type}` : this.type;
  }
}

const MODEL_ERRORS = new Set([
  'ExecutionAlreadyExists',
  'ExecutionDoesNotExist',
  'InvalidArn',
  'InvalidDefinition',
  'InvalidExecutionInput',
  'InvalidName',
  'InvalidOutput',
  'InvalidToken',
  'StateMachineAlreadyExists',
  'StateMachineDoesNotExist',
  'TaskDoesNotExist',
  'TaskTimedOut',
]);

export const invalidArn = (arn: string): SfnError => new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);

export const missingParameter = (name: string): SfnError =>
  new SfnError(
    'ValidationException',
    `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
  );
