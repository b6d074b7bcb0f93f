import { awsValidationMessage, EMULATOR_MODEL_VIOLATION, restRequestInput, serviceModelChecks, type ServiceModel } from '../models';
import { shapeNamed } from '../models/serviceModel';
import { invalidArgument, S3Error } from './errors';
import type { S3OperationName } from './operationNames';
import { type Members, readPayload, type RestXmlAnswer, writeOutput } from './restXml';

/** S3's model as the referee of this emulator (see ../models), and the source of its wire format (./restXml.ts). */
const checks = serviceModelChecks('s3');

export const s3Model = (): ServiceModel => checks.model;

/** The root element of outputs whose members travel in the body without a payload member. */
const ROOT_ELEMENTS: Partial<Record<S3OperationName, string>> = {
  ListObjectsV2: 'ListBucketResult',
  ListObjectVersions: 'ListVersionsResult',
  GetBucketVersioning: 'VersioningConfiguration',
};

const operationModel = (operation: S3OperationName) => {
  const found = checks.model.operations[operation];
  if (!found) throw new Error(`S3's model has no ${operation}`);
  return found;
};

/** The XML payload of an operation that takes a structure (CreateBucketConfiguration, VersioningConfiguration, ...), by its member name. */
export const readS3Payload = (operation: S3OperationName, body: Buffer): Members | undefined => {
  const input = operationModel(operation).input;
  if (!input) return undefined;
  const shape = shapeNamed(checks.model, input.shape);
  const member = shape.payload;
  const ref = member === undefined ? undefined : shape.members?.[member];
  if (member === undefined || ref === undefined || shapeNamed(checks.model, ref.shape).type !== 'structure') return undefined;
  const payload = readPayload(checks.model, ref.shape, ref.locationName ?? member, body);
  return payload === undefined ? undefined : { [member]: payload };
};

export interface S3WireRequest {
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Refuses a request whose members (URI, query, headers, XML payload) break S3's model: InvalidArgument,
 * 400, with AWS's wording of what is wrong.
 */
export const checkS3Request = (operation: S3OperationName, request: S3WireRequest, payload: Members | undefined): void => {
  const input = restRequestInput(checks.model, operationModel(operation), request);
  const shape = shapeNamed(checks.model, operationModel(operation).input?.shape ?? '');
  if (shape.payload !== undefined && shapeNamed(checks.model, shape.members?.[shape.payload]?.shape ?? '').type === 'structure') {
    if (payload?.[shape.payload] === undefined) delete input[shape.payload];
    else input[shape.payload] = payload[shape.payload];
  }
  const violations = checks.request(operation, input);
  if (violations.length > 0) throw invalidArgument(awsValidationMessage(violations));
};

/** The status the model gives a success (DeleteObject: 204). */
export const successStatus = (operation: S3OperationName): number => operationModel(operation).http.responseCode ?? 200;

/** The answer's wire form, after checking its members against the output shape (strict mode: an EmulatorModelViolation instead). */
export const checkedS3Answer = (operation: S3OperationName, status: number, output: Members): RestXmlAnswer => {
  const defined = Object.fromEntries(Object.entries(output).filter(([, value]) => value !== undefined));
  const verdict = checks.answer(operation, status, defined);
  if (verdict.replacement) throw new S3Error(EMULATOR_MODEL_VIOLATION, 500, verdict.replacement.message);
  return writeOutput(checks.model, operationModel(operation).output?.shape, defined, ROOT_ELEMENTS[operation]);
};

/** The error to send: `error`, or (strict mode) an EmulatorModelViolation when its code's modelled status differs. */
export const checkedS3Error = (operation: string, error: S3Error): S3Error => {
  const verdict = checks.error(operation, { code: error.code, status: error.status, members: {} });
  return verdict.replacement ? new S3Error(EMULATOR_MODEL_VIOLATION, 500, verdict.replacement.message) : error;
};
