/** The DRS operations the emulator serves, by the path the SDK posts to (POST /<name>). */
export const DRS_OPERATIONS = [
  'StartRecovery',
  'DescribeJobs',
  'DescribeJobLogItems',
  'DescribeSourceServers',
  'DescribeRecoveryInstances',
  'TerminateRecoveryInstances',
  'DescribeRecoverySnapshots',
  'GetLaunchConfiguration',
] as const;

export type DrsOperationName = (typeof DRS_OPERATIONS)[number];

export const isDrsOperation = (name: string): name is DrsOperationName => (DRS_OPERATIONS as readonly string[]).includes(name);
