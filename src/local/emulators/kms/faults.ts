import { FailNextFaults, type FailNextSpec } from '../awsQuery';
import { KMS_ERROR_STATUS } from './errors';
import { KMS_OPERATIONS, type KmsOperationName } from './operationNames';

/**
 * "Fail the next N requests of this operation", by operation name: `{ "Sign": { "count": 2 } }` fails
 * the next two Sign requests with KMSInternalException (500); `code` picks another error. The same JSON
 * in process (`emulator.faults.apply`) and over HTTP (POST /__emulator/faults).
 */
export type KmsFaultSpec = { [operation in KmsOperationName]?: FailNextSpec } & { reset?: boolean };

export type KmsFaults = FailNextFaults<KmsOperationName>;

export const kmsFaults = (): KmsFaults => {
  const defaults = {
    code: 'KMSInternalException',
    statusOf: KMS_ERROR_STATUS,
    message: (code: string) => `Injected ${code} by the KMS emulator`,
  };
  return new FailNextFaults(
    Object.fromEntries(KMS_OPERATIONS.map((operation) => [operation, defaults])) as Record<KmsOperationName, typeof defaults>,
  );
};
