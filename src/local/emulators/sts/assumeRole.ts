import type { AwsQueryAction } from '../awsQuery';
import { callerIdentity, signer } from './caller';
import type { StsContext, StsRequestRecord } from './context';
import { issueCredentials } from './credentials';
import { accessDenied, constraintViolation, validationError } from './errors';
import { parseRoleArn } from './roles';

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
/** Role chaining (a role's credentials assuming a role) is limited to one hour by STS. */
const CHAINED_MAX_SECONDS = 3600;

interface AssumeRoleParams {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  externalId?: string;
  sourceIdentity?: string;
}

/** A string member as STS checks it: 2 to `max` characters matching `pattern` (the model's constraints and words). */
const checkMember = (member: string, value: string, max: number, pattern: RegExp, patternText: string): void => {
  if (value.length < 2 || value.length > max) {
    throw constraintViolation(
      member,
      value,
      `Member must have length ${value.length < 2 ? 'greater than or equal to 2' : `less than or equal to ${max}`}`,
    );
  }
  if (!pattern.test(value)) throw constraintViolation(member, value, `Member must satisfy regular expression pattern: ${patternText}`);
};

/** The AssumeRole parameters, checked as STS checks them (constraints from the STS model). */
const readAssumeRole = (params: URLSearchParams): AssumeRoleParams => {
  const roleArn = params.get('RoleArn');
  if (roleArn === null) throw constraintViolation('roleArn', null, 'Member must not be null');
  if (roleArn.length < 20 || roleArn.length > 2048) {
    throw constraintViolation(
      'roleArn',
      roleArn,
      `Member must have length ${roleArn.length < 20 ? 'greater than or equal to 20' : 'less than or equal to 2048'}`,
    );
  }
  if (!parseRoleArn(roleArn)) throw validationError(`${roleArn} is invalid`);
  const sessionName = params.get('RoleSessionName');
  if (sessionName === null) throw constraintViolation('roleSessionName', null, 'Member must not be null');
  checkMember('roleSessionName', sessionName, 64, SESSION_NAME, '[\\w+=,.@-]*');
  const rawDuration = params.get('DurationSeconds');
  const durationSeconds = rawDuration === null ? 3600 : Number(rawDuration);
  if (!Number.isInteger(durationSeconds)) throw validationError(`Value '${rawDuration}' for parameter DurationSeconds is invalid`);
  if (durationSeconds < 900)
    throw constraintViolation('durationSeconds', String(durationSeconds), 'Member must have value greater than or equal to 900');
  if (durationSeconds > 43200)
    throw constraintViolation('durationSeconds', String(durationSeconds), 'Member must have value less than or equal to 43200');
  const externalId = params.get('ExternalId');
  if (externalId !== null) checkMember('externalId', externalId, 1224, EXTERNAL_ID, '[\\w+=,.@:\\/-]*');
  const sourceIdentity = params.get('SourceIdentity');
  if (sourceIdentity !== null) checkMember('sourceIdentity', sourceIdentity, 64, SESSION_NAME, '[\\w+=,.@-]*');
  return {
    roleArn,
    sessionName,
    durationSeconds,
    ...(externalId !== null ? { externalId } : {}),
    ...(sourceIdentity !== null ? { sourceIdentity } : {}),
  };
};

/** What the request log keeps of an AssumeRole, as sent (before any check). */
export const assumeRoleRecord = (
  params: URLSearchParams,
): Pick<StsRequestRecord, 'roleArn' | 'sessionName' | 'externalId' | 'durationSeconds' | 'sourceIdentity'> => {
  const record: Pick<StsRequestRecord, 'roleArn' | 'sessionName' | 'externalId' | 'durationSeconds' | 'sourceIdentity'> = {};
  const optional = (name: string): string | undefined => params.get(name) ?? undefined;
  const roleArn = optional('RoleArn');
  const sessionName = optional('RoleSessionName');
  const externalId = optional('ExternalId');
  const duration = optional('DurationSeconds');
  if (roleArn !== undefined) record.roleArn = roleArn;
  if (sessionName !== undefined) record.sessionName = sessionName;
  if (externalId !== undefined) record.externalId = externalId;
  if (duration !== undefined) record.durationSeconds = Number(duration);
  const sourceIdentity = optional('SourceIdentity');
  if (sourceIdentity !== undefined) record.sourceIdentity = sourceIdentity;
  return record;
};

/**
 * AssumeRole -> { Credentials{AccessKeyId, SecretAccessKey, SessionToken, Expiration},
 * AssumedRoleUser{AssumedRoleId, Arn} }; AccessDenied (403) for a role that is not trusted or an
 * ExternalId that does not match. An injected fault (failAssumeRole) answers once the parameters are read.
 */
export const assumeRole: AwsQueryAction<StsContext> = ({ state, record }, call) => {
  const caller = signer(call);
  const request = readAssumeRole(call.params);
  const fault = state.faults.take('failAssumeRole');
  if (fault) throw fault;
  const role = state.trusted.get(request.roleArn);
  // STS answers an untrusted role and a wrong ExternalId alike, so as not to say which it was.
  if (!role || (role.externalId !== undefined && role.externalId !== request.externalId)) {
    throw accessDenied(
      `User: ${callerIdentity(state, caller).Arn} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`,
    );
  }
  if (state.issued.has(caller) && request.durationSeconds > CHAINED_MAX_SECONDS) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (request.durationSeconds > role.maxSessionDurationSeconds) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const credentials = issueCredentials(role, request.sessionName, state.clock(), state.lifetimeSeconds ?? request.durationSeconds);
  state.issued.set(credentials.accessKeyId, credentials);
  record.issuedAccessKeyId = credentials.accessKeyId;
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration,
    },
    AssumedRoleUser: { AssumedRoleId: credentials.assumedRoleId, Arn: credentials.assumedRoleArn },
  };
};
