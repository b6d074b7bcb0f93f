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
}

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
  if (sessionName.length < 2 || sessionName.length > 64) {
    throw constraintViolation(
      'roleSessionName',
      sessionName,
      `Member must have length ${sessionName.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 64'}`,
    );
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw constraintViolation('roleSessionName', sessionName, 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  }
  const rawDuration = params.get('DurationSeconds');
  const durationSeconds = rawDuration === null ? 3600 : Number(rawDuration);
  if (!Number.isInteger(durationSeconds)) throw validationError(`Value '${rawDuration}' for parameter DurationSeconds is invalid`);
  if (durationSeconds < 900)
    throw constraintViolation('durationSeconds', String(durationSeconds), 'Member must have value greater than or equal to 900');
  if (durationSeconds > 43200)
    throw constraintViolation('durationSeconds', String(durationSeconds), 'Member must have value less than or equal to 43200');
  const externalId = params.get('ExternalId');
  if (externalId !== null) {
    if (externalId.length < 2 || externalId.length > 1224) {
      throw constraintViolation(
        'externalId',
        externalId,
        `Member must have length ${externalId.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 1224'}`,
      );
    }
    if (!EXTERNAL_ID.test(externalId)) {
      throw constraintViolation('externalId', externalId, 'Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*');
    }
  }
  return { roleArn, sessionName, durationSeconds, ...(externalId !== null ? { externalId } : {}) };
};

/** What the request log keeps of an AssumeRole, as sent (before any check). */
export const assumeRoleRecord = (
  params: URLSearchParams,
): Pick<StsRequestRecord, 'roleArn' | 'sessionName' | 'externalId' | 'durationSeconds'> => {
  const record: Pick<StsRequestRecord, 'roleArn' | 'sessionName' | 'externalId' | 'durationSeconds'> = {};
  const optional = (name: string): string | undefined => params.get(name) ?? undefined;
  const roleArn = optional('RoleArn');
  const sessionName = optional('RoleSessionName');
  const externalId = optional('ExternalId');
  const duration = optional('DurationSeconds');
  if (roleArn !== undefined) record.roleArn = roleArn;
  if (sessionName !== undefined) record.sessionName = sessionName;
  if (externalId !== undefined) record.externalId = externalId;
  if (duration !== undefined) record.durationSeconds = Number(duration);
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
