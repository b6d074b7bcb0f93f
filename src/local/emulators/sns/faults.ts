import { FailNextFaults, type FailNextSpec } from '../awsQuery';
import { SNS_ERROR_STATUS } from './errors';

/** Same JSON in process (`emulator.faults.apply`) and over HTTP (POST /__emulator/faults). */
export interface SnsFaultSpec {
  /** Fail the next `count` publishes with `code` (default InternalError, 500). */
  failPublishes?: FailNextSpec;
  reset?: boolean;
}

export type SnsFaults = FailNextFaults<'failPublishes'>;

export const snsFaults = (): SnsFaults =>
  new FailNextFaults({
    failPublishes: { code: 'InternalError', statusOf: SNS_ERROR_STATUS, message: (code) => `Injected ${code} by the SNS emulator` },
  });
