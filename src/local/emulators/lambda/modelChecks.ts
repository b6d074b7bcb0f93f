import { awsValidationMessage, EMULATOR_MODEL_VIOLATION, restRequestInput, restResponseMembers, serviceModelChecks } from '../models';
import type { RestRequest, RestResponse } from '../models/restMessage';
import { LambdaApiError } from './errors';

/** Lambda's model as the referee of this emulator (see ../models). */
const checks = serviceModelChecks('lambda');

/**
 * The refusal of a request whose URI, query string, headers or payload break the operation's input
 * shape: ValidationException, 400, as Lambda answers ("Value 'my fn' at 'functionName' failed to
 * satisfy constraint: Member must satisfy regular expression pattern: ...").
 */
export const lambdaRequestRefusal = (operation: string, request: RestRequest): LambdaApiError | undefined => {
  const op = checks.model.operations[operation];
  if (!op) return undefined;
  const violations = checks.request(operation, restRequestInput(checks.model, op, request));
  return violations.length > 0 ? new LambdaApiError(400, 'ValidationException', { message: awsValidationMessage(violations) }) : undefined;
};

const headerNamed = (headers: RestResponse['headers'], name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/**
 * The response to send: `response`, or (strict mode) an EmulatorModelViolation when it breaks the
 * model. An error is told by its x-amzn-ErrorType; its members are read from the body and headers.
 */
export const checkedLambdaResponse = (operation: string, response: RestResponse): RestResponse => {
  const errorType = headerNamed(response.headers, 'x-amzn-ErrorType');
  const output = checks.model.operations[operation]?.output?.shape;
  const verdict = errorType
    ? checks.error(operation, {
        code: errorType,
        status: response.status,
        members: (shape) => restResponseMembers(checks.model, shape, response),
      })
    : checks.answer(operation, response.status, output ? restResponseMembers(checks.model, output, response) : {});
  if (!verdict.replacement) return response;
  return {
    status: verdict.replacement.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-ErrorType': EMULATOR_MODEL_VIOLATION,
      'x-amzn-RequestId': headerNamed(response.headers, 'x-amzn-RequestId'),
    },
    body: Buffer.from(JSON.stringify({ message: verdict.replacement.message })),
  };
};
