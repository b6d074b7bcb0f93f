import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { awsModelsDirectory } from './modelFiles';

/**
 * AWS's API model of one service as botocore publishes it (service-2.json): operations with their
 * HTTP binding and input/output/error shapes, and the shapes with their constraints. Only what the
 * checks read is typed.
 */
export type ModelServiceName = 'cloudformation' | 'drs' | 'kms' | 'lambda' | 's3' | 'sns' | 'stepfunctions' | 'sts';

export type MemberLocation = 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';

export interface MemberRef {
  shape: string;
  location?: MemberLocation;
  locationName?: string;
  flattened?: boolean;
}

export type ShapeType =
  'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob';

export interface Shape {
  type: ShapeType;
  required?: string[];
  members?: Record<string, MemberRef>;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  /** Length (strings, in characters; blobs, in bytes), item count (lists, maps) or value (numbers). */
  min?: number;
  max?: number;
  /** A Java regular expression the whole string must match. */
  pattern?: string;
  enum?: string[];
  union?: boolean;
  exception?: boolean;
  sensitive?: boolean;
  flattened?: boolean;
  /** The member that is the whole HTTP body (REST protocols). */
  payload?: string;
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: Array<{ shape: string }>;
}

export interface ServiceModel {
  service: ModelServiceName;
  metadata: { protocol: string; apiVersion: string; serviceId: string };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

interface SourceFile {
  models: Record<ModelServiceName, { file: string }>;
}

const loaded = new Map<ModelServiceName, ServiceModel>();

/** The service's model from aws-models/ (parsed once per process: about 10 ms each). */
export const loadServiceModel = (service: ModelServiceName): ServiceModel => {
  const cached = loaded.get(service);
  if (cached) return cached;
  const directory = awsModelsDirectory();
  const source = JSON.parse(readFileSync(join(directory, 'SOURCE.json'), 'utf8')) as SourceFile;
  const entry = source.models[service];
  if (!entry) throw new Error(`aws-models/SOURCE.json names no model for ${service}`);
  const json = JSON.parse(gunzipSync(readFileSync(join(directory, entry.file))).toString('utf8')) as Omit<ServiceModel, 'service'>;
  const model: ServiceModel = { service, ...json };
  loaded.set(service, model);
  return model;
};

export const shapeNamed = (model: ServiceModel, name: string): Shape => {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`${model.service} model has no shape ${name}`);
  return shape;
};

export const operationNamed = (model: ServiceModel, name: string): OperationModel | undefined => model.operations[name];

/**
 * The exception shape an error code stands for: awsQuery services name it by its `error.code`
 * (InvalidParameter -> InvalidParameterException), JSON services by the shape's name.
 */
export const errorShapeFor = (model: ServiceModel, code: string): { name: string; shape: Shape } | undefined => {
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (shape.exception && (shape.error?.code ?? name) === code) return { name, shape };
  }
  const byName = model.shapes[code];
  return byName?.exception ? { name: code, shape: byName } : undefined;
};
