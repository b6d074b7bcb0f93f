import { FailNextFaults, type FailNextSpec } from '../awsQuery';

/** Same JSON in process (`emulator.faults.apply`) and over HTTP (POST /__emulator/faults). */
export interface CloudFormationFaultSpec {
  /** Fail the next `count` DescribeStacks requests with `code` (default Throttling, 400). */
  failDescribeStacks?: FailNextSpec;
  reset?: boolean;
}

const STATUS: Record<string, number> = { Throttling: 400, ValidationError: 400, AccessDenied: 403, InternalFailure: 500 };

export const cloudFormationFaults = (): FailNextFaults<'failDescribeStacks'> =>
  new FailNextFaults({
    failDescribeStacks: {
      code: 'Throttling',
      statusOf: STATUS,
      message: (code) => (code === 'Throttling' ? 'Rate exceeded' : `Injected ${code} by the CloudFormation emulator`),
    },
  });
