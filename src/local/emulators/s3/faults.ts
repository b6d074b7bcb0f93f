import { FailNextFaults, type FailNextSpec } from '../awsQuery';
import { S3_OPERATIONS, type S3OperationName } from './operationNames';

/**
 * "Fail the next N requests of this operation", by operation name: `{ "PutObject": { "count": 1 } }`
 * fails the next PutObject with InternalError (500); `code` and `status` pick another error. The same
 * JSON in process (`emulator.faults.apply`) and over HTTP (POST /__emulator/faults).
 */
export type S3FaultSpec = { [operation in S3OperationName]?: FailNextSpec } & { reset?: boolean };

export type S3Faults = FailNextFaults<S3OperationName>;

const STATUS: Record<string, number> = { InternalError: 500, ServiceUnavailable: 503, SlowDown: 503 };

export const s3Faults = (): S3Faults => {
  const defaults = { code: 'InternalError', statusOf: STATUS, message: (code: string) => `Injected ${code} by the S3 emulator` };
  return new FailNextFaults(
    Object.fromEntries(S3_OPERATIONS.map((operation) => [operation, defaults])) as Record<S3OperationName, typeof defaults>,
  );
};
