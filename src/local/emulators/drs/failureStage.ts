/**
 * The stages of one server's launch at which DRS can fail it, as DescribeJobLogItems logs them: a snapshot
 * of its disks, their conversion to boot on EC2, then the instance's launch.
 */
export const FAILURE_STAGES = ['SNAPSHOT', 'CONVERSION', 'LAUNCH'] as const;
export type FailureStage = (typeof FAILURE_STAGES)[number];

export const isFailureStage = (value: unknown): value is FailureStage => (FAILURE_STAGES as readonly unknown[]).includes(value);
