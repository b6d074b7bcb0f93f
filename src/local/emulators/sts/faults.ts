import { FailNextFaults, type FailNextSpec } from '../awsQuery';
import { STS_ERROR_STATUS } from './errors';

/** Same JSON in process (`emulator.faults.apply`) and over HTTP (POST /__emulator/faults). */
export interface StsFaultSpec {
  /** Fail the next `count` AssumeRole requests with `code` (default Throttling, 400). */
  failAssumeRole?: FailNextSpec;
  reset?: boolean;
}

export type StsFaults = FailNextFaults<'failAssumeRole'>;

export const stsFaults = (): StsFaults =>
  new FailNextFaults({
    failAssumeRole: {
      code: 'Throttling',
      statusOf: STS_ERROR_STATUS,
      message: (code) => (code === 'Throttling' ? 'Rate exceeded' : `Injected ${code} by the STS emulator`),
    },
  });
