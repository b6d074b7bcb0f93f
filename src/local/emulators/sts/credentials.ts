import { randomBytes } from 'node:crypto';
import { idChars, type TrustedRole } from './roles';

/** Temporary credentials this emulator handed out, with what they stand for. */
export interface IssuedCredentials {
  /** ASIA and 16 characters, as STS's temporary access key ids. */
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601, as on the wire (whole seconds). */
  expiration: string;
  issuedAt: string;
  roleArn: string;
  roleSessionName: string;
  /** arn:aws:sts::<account>:assumed-role/<role name>/<session name> */
  assumedRoleArn: string;
  /** <role id>:<session name> */
  assumedRoleId: string;
  accountId: string;
}

/** An ISO timestamp without milliseconds, as STS writes Expiration. */
export const wireTimestamp = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export const issueCredentials = (role: TrustedRole, roleSessionName: string, nowMs: number, lifetimeSeconds: number): IssuedCredentials => {
  const partition = role.roleArn.split(':')[1] ?? 'aws';
  return {
    accessKeyId: `ASIA${idChars(randomBytes(16), 16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString('base64')}`,
    expiration: wireTimestamp(nowMs + lifetimeSeconds * 1000),
    issuedAt: wireTimestamp(nowMs),
    roleArn: role.roleArn,
    roleSessionName,
    assumedRoleArn: `arn:${partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${roleSessionName}`,
    assumedRoleId: `${role.roleId}:${roleSessionName}`,
    accountId: role.accountId,
  };
};
