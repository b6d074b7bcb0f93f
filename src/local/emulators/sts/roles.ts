import { createHash } from 'node:crypto';

/** What a role's trust policy allows here: any caller, with this ExternalId when one is set. */
export interface TrustedRoleSpec {
  roleArn: string;
  /** When set, AssumeRole must carry exactly this ExternalId (the sts:ExternalId condition). */
  externalId?: string;
  /** The role's MaxSessionDuration (default 3600, as IAM's). */
  maxSessionDurationSeconds?: number;
}

export interface TrustedRole {
  roleArn: string;
  externalId?: string;
  maxSessionDurationSeconds: number;
  accountId: string;
  roleName: string;
  /** AROA and 17 characters, stable for the ARN (as IAM's unique role id). */
  roleId: string;
}

export const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `length` characters of IAM's id alphabet (upper-case base32) from `bytes`. */
export const idChars = (bytes: Buffer, length: number): string =>
  Array.from({ length }, (_, index) => BASE32[(bytes[index % bytes.length] ?? 0) % 32]).join('');

export const parseRoleArn = (roleArn: string): { accountId: string; roleName: string } | undefined => {
  const match = ROLE_ARN.exec(roleArn);
  return match ? { accountId: match[1] as string, roleName: match[2] as string } : undefined;
};

export const toTrustedRole = (spec: TrustedRoleSpec): TrustedRole => {
  const parsed = parseRoleArn(spec.roleArn);
  if (!parsed) throw new Error(`${spec.roleArn} is not a role ARN (arn:aws:iam::<12 digits>:role/<name>)`);
  const max = spec.maxSessionDurationSeconds ?? 3600;
  if (!Number.isInteger(max) || max < 3600 || max > 43200) {
    throw new Error(`maxSessionDurationSeconds must be an integer from 3600 to 43200, got ${max}`);
  }
  if (spec.externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(spec.externalId)) {
    throw new Error(`externalId must be 2-1224 characters of [\\w+=,.@:/-], got "${spec.externalId}"`);
  }
  return {
    roleArn: spec.roleArn,
    ...(spec.externalId !== undefined ? { externalId: spec.externalId } : {}),
    maxSessionDurationSeconds: max,
    ...parsed,
    roleId: `AROA${idChars(createHash('sha256').update(spec.roleArn).digest(), 17)}`,
  };
};
