import { createHash, randomBytes } from 'node:crypto';

const hex = (length: number): string =>
  randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);

/** `drsjob-` and 17 characters, like DRS's job ids (pattern drsjob-[0-9a-zA-Z]{17}). */
export const newJobId = (): string => `drsjob-${hex(17)}`;

/** DRS recovery instance ids are the EC2 instance ids: `i-` and 17 hex digits. */
export const newRecoveryInstanceId = (): string => `i-${hex(17)}`;

/** A stable number in [0, 2^32) from a string: the same server always takes as long. */
export const stableHash = (value: string): number => createHash('sha256').update(value).digest().readUInt32BE(0);

export interface DrsArns {
  job(jobID: string): string;
  sourceServer(sourceServerID: string): string;
  recoveryInstance(recoveryInstanceID: string): string;
}

export const drsArns = (region: string, accountId: string): DrsArns => ({
  job: (jobID) => `arn:aws:drs:${region}:${accountId}:job/${jobID}`,
  sourceServer: (id) => `arn:aws:drs:${region}:${accountId}:source-server/${id}`,
  recoveryInstance: (id) => `arn:aws:drs:${region}:${accountId}:recovery-instance/${id}`,
});

/** `pit-` and 17 hex digits, the same for the same key: a schedule's snapshots keep their ids between calls. */
export const stableSnapshotId = (key: string): string => `pit-${createHash('sha256').update(key).digest('hex').slice(0, 17)}`;

/** A launch template id (`lt-` and 17 hex digits), stable per server. */
export const stableLaunchTemplateId = (sourceServerID: string): string =>
  `lt-${createHash('sha256').update(`launch-template/${sourceServerID}`).digest('hex').slice(0, 17)}`;
