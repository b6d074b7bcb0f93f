import { SfnError } from './errors';
import { TaskError } from './taskError';

/** The Step Functions integration that starts an execution and answers at once (request-response). */
export const START_EXECUTION = 'arn:aws:states:::states:startExecution';

/** The emulator's own StartExecution: the started execution really runs, in this emulator. */
export type StartExecution = (
  stateMachineArn: string,
  name: string | undefined,
  input: string,
) => { executionArn: string; startDate: Date };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** As the integration names API errors: ExecutionAlreadyExists -> StepFunctions.ExecutionAlreadyExistsException. */
const integrationErrorName = (type: string): string => `StepFunctions.${type.endsWith('Exception') ? type : `${type}Exception`}`;

/**
 * arn:aws:states:::states:startExecution: Parameters carry StateMachineArn, optional Name, and Input (a JSON
 * object, which the integration serialises, or a string). The result is {ExecutionArn, StartDate}. API errors
 * (a name already used, an unknown machine) fail the task with the integration's error names, so Retry and
 * Catch can match them.
 */
export const startExecutionTask = async (start: StartExecution, parameters: unknown): Promise<unknown> => {
  if (!isObject(parameters) || typeof parameters.StateMachineArn !== 'string') {
    throw new TaskError('States.Runtime', 'states:startExecution needs Parameters.StateMachineArn (a string)', false);
  }
  if (parameters.Name !== undefined && typeof parameters.Name !== 'string') {
    throw new TaskError('States.Runtime', 'states:startExecution: Parameters.Name must be a string', false);
  }
  const input =
    parameters.Input === undefined ? '{}' : typeof parameters.Input === 'string' ? parameters.Input : JSON.stringify(parameters.Input);
  try {
    const started = start(parameters.StateMachineArn, parameters.Name, input);
    return { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString() };
  } catch (error) {
    if (error instanceof SfnError) throw new TaskError(integrationErrorName(error.type), error.message);
    throw error;
  }
};
