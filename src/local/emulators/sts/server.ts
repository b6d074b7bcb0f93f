import { handleFaultRoute } from '../faultRoutes';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Clock, systemClock } from '../clock';
import { LoopbackServer, requestPath, sendJson, startLoopbackServer } from '../http';
import { signingAccessKeyId } from '../sigv4';
import { IssuedCredentials, issueCredentials } from './credentials';
import { accessDenied, constraintViolation, StsError, validationError } from './errors';
import { StsFaults, StsFaultSpec } from './faults';
import { parseRoleArn, toTrustedRole, TrustedRole, TrustedRoleSpec } from './roles';
import { stsModelChecks } from './modelChecks';
import { errorXml, resultXml, XmlFields } from './xml';

export const STS_VERSION = '2011-06-15';

export interface StsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Issue and expire credentials by this clock (default the system's). */
  clock?: Clock;
  /** The account of callers that are not roles this emulator issued credentials for (default 000000000000). */
  accountId?: string;
  /** Roles trusted from the start (trustRole adds more). */
  roles?: TrustedRoleSpec[];
  /** Credentials expire this long after they are issued, whatever DurationSeconds asked (to test refresh). */
  credentialLifetimeSeconds?: number;
}

/** One request to the STS API, in the order received. */
export interface StsRequestRecord {
  action: string;
  /** By the emulator's clock, ISO 8601. */
  at: string;
  /** The access key id the request was signed with (Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/...). */
  callerAccessKeyId?: string;
  roleArn?: string;
  sessionName?: string;
  externalId?: string;
  durationSeconds?: number;
  /** 'OK', or the error code answered. */
  outcome: string;
  /** The temporary access key id handed out (AssumeRole that succeeded). */
  issuedAccessKeyId?: string;
}

export interface StsEmulator extends LoopbackServer {
  faults: { apply(spec: StsFaultSpec): void; reset(): void };
  /** Lets AssumeRole on the role succeed (with this ExternalId, when given). Replaces an earlier trust of the same ARN. */
  trustRole(spec: TrustedRoleSpec): TrustedRole;
  untrustRole(roleArn: string): void;
  roles(): TrustedRole[];
  /** Every request received, in order. */
  requests(): StsRequestRecord[];
  /** The AssumeRole requests among them. */
  assumeRoleRequests(): StsRequestRecord[];
  clearRequests(): void;
  /** Every set of credentials handed out, secrets included (for "never logged" checks). */
  issued(): IssuedCredentials[];
  credentialsFor(accessKeyId: string): IssuedCredentials | undefined;
  /** From now on, credentials expire this long after issue (undefined: DurationSeconds decides). */
  setCredentialLifetime(seconds: number | undefined): void;
}

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
/** Role chaining (a role's credentials assuming a role) is limited to one hour by STS. */
const CHAINED_MAX_SECONDS = 3600;

const sendXml = (response: ServerResponse, status: number, xml: string, requestId: string): void => {
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(xml)),
    'x-amzn-RequestId': requestId,
  });
  response.end(xml);
};

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
    throw constraintViolation('roleArn', roleArn, `Member must have length ${roleArn.length < 20 ? 'greater than or equal to 20' : 'less than or equal to 2048'}`);
  }
  if (!parseRoleArn(roleArn)) throw validationError(`${roleArn} is invalid`);
  const sessionName = params.get('RoleSessionName');
  if (sessionName === null) throw constraintViolation('roleSessionName', null, 'Member must not be null');
  if (sessionName.length < 2 || sessionName.length > 64) {
    throw constraintViolation('roleSessionName', sessionName, `Member must have length ${sessionName.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 64'}`);
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw constraintViolation('roleSessionName', sessionName, 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  }
  const rawDuration = params.get('DurationSeconds');
  const durationSeconds = rawDuration === null ? 3600 : Number(rawDuration);
  if (!Number.isInteger(durationSeconds)) throw validationError(`Value '${rawDuration}' for parameter DurationSeconds is invalid`);
  if (durationSeconds < 900) throw constraintViolation('durationSeconds', String(durationSeconds), 'Member must have value greater than or equal to 900');
  if (durationSeconds > 43200) throw constraintViolation('durationSeconds', String(durationSeconds), 'Member must have value less than or equal to 43200');
  const externalId = params.get('ExternalId');
  if (externalId !== null) {
    if (externalId.length < 2 || externalId.length > 1224) {
      throw constraintViolation('externalId', externalId, `Member must have length ${externalId.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 1224'}`);
    }
    if (!EXTERNAL_ID.test(externalId)) {
      throw constraintViolation('externalId', externalId, 'Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*');
    }
  }
  return { roleArn, sessionName, durationSeconds, ...(externalId !== null ? { externalId } : {}) };
};

/**
 * An HTTP server on 127.0.0.1 speaking STS's awsQuery protocol as @aws-sdk/client-sts sends and
 * reads it: form-encoded POST / with Action=AssumeRole&Version=2011-06-15&RoleArn=...&RoleSessionName=...
 * &DurationSeconds=...[&ExternalId=...], answered with AssumeRoleResponse/AssumeRoleResult/
 * {Credentials{AccessKeyId, SecretAccessKey, SessionToken, Expiration}, AssumedRoleUser{AssumedRoleId, Arn}},
 * and errors as ErrorResponse/Error/{Type, Code, Message} (AccessDenied, 403, for a role that is not
 * trusted or an ExternalId that does not match). GetCallerIdentity answers who signed the request.
 * Signatures are not verified; the signing access key id is read and logged.
 */
export const startStsEmulator = async (options: StsEmulatorOptions = {}): Promise<StsEmulator> => {
  const clock = options.clock ?? systemClock;
  const homeAccountId = options.accountId ?? '000000000000';
  const faults = new StsFaults();
  const trusted = new Map<string, TrustedRole>();
  const issued = new Map<string, IssuedCredentials>();
  let log: StsRequestRecord[] = [];
  let lifetimeSeconds = options.credentialLifetimeSeconds;

  const trustRole = (spec: TrustedRoleSpec): TrustedRole => {
    const role = toTrustedRole(spec);
    trusted.set(role.roleArn, role);
    return role;
  };
  for (const spec of options.roles ?? []) trustRole(spec);

  const setCredentialLifetime = (seconds: number | undefined): void => {
    if (seconds !== undefined && !(seconds > 0)) throw new Error('credential lifetime must be positive');
    lifetimeSeconds = seconds;
  };
  setCredentialLifetime(lifetimeSeconds);

  /** Who the caller is, as STS names it in AccessDenied and GetCallerIdentity. */
  const callerIdentity = (accessKeyId: string): { Arn: string; UserId: string; Account: string } => {
    const assumed = issued.get(accessKeyId);
    if (assumed) return { Arn: assumed.assumedRoleArn, UserId: assumed.assumedRoleId, Account: assumed.accountId };
    return { Arn: `arn:aws:iam::${homeAccountId}:user/${accessKeyId}`, UserId: accessKeyId, Account: homeAccountId };
  };

  const assumeRole = (params: URLSearchParams, caller: string, record: StsRequestRecord): XmlFields => {
    const request = readAssumeRole(params);
    const fault = faults.takeAssumeRoleFault();
    if (fault) throw fault;
    const role = trusted.get(request.roleArn);
    // STS answers an untrusted role and a wrong ExternalId alike, so as not to say which it was.
    if (!role || (role.externalId !== undefined && role.externalId !== request.externalId)) {
      throw accessDenied(`User: ${callerIdentity(caller).Arn} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`);
    }
    if (issued.has(caller) && request.durationSeconds > CHAINED_MAX_SECONDS) {
      throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (request.durationSeconds > role.maxSessionDurationSeconds) {
      throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const credentials = issueCredentials(role, request.sessionName, clock(), lifetimeSeconds ?? request.durationSeconds);
    issued.set(credentials.accessKeyId, credentials);
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

  const act = (action: string, params: URLSearchParams, record: StsRequestRecord): XmlFields => {
    const version = params.get('Version');
    if (action === '') throw new StsError('MissingAction', 400, 'Missing Action');
    if (!['AssumeRole', 'GetCallerIdentity'].includes(action) || version !== STS_VERSION) {
      throw new StsError('InvalidAction', 400, `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
    }
    const caller = record.callerAccessKeyId;
    if (caller === undefined) throw new StsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
    const assumed = issued.get(caller);
    if (assumed && Date.parse(assumed.expiration) <= clock()) {
      throw new StsError('ExpiredToken', 403, 'The security token included in the request is expired');
    }
    // After authentication, as STS validates only requests it has accepted the signer of.
    stsModelChecks.checkRequest(action, params);
    return action === 'AssumeRole' ? assumeRole(params, caller, record) : callerIdentity(caller);
  };

  const handleAdmin = (request: IncomingMessage, path: string, body: string, response: ServerResponse): void => {
    const route = `${request.method ?? 'GET'} ${path.slice('/__emulator/'.length)}`;
    let payload: Record<string, unknown>;
    try {
      payload = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
    } catch {
      sendJson(response, 400, { message: 'Body is not valid JSON' });
      return;
    }
    try {
      if (handleFaultRoute<StsFaultSpec>(route, payload, faults, response)) return;
      switch (route) {
        case 'GET requests':
          sendJson(response, 200, { requests: log });
          return;
        case 'POST requests/reset':
          log = [];
          sendJson(response, 200, { requests: log });
          return;
        case 'GET credentials':
          sendJson(response, 200, { credentials: [...issued.values()] });
          return;
        case 'GET roles':
          sendJson(response, 200, { roles: [...trusted.values()] });
          return;
        case 'POST roles':
          sendJson(response, 200, trustRole(payload as unknown as TrustedRoleSpec));
          return;
        case 'DELETE roles':
          trusted.delete(String(payload.roleArn));
          sendJson(response, 200, { roles: [...trusted.values()] });
          return;
        default:
          sendJson(response, 404, { message: `No emulator route ${route}` });
      }
    } catch (error) {
      sendJson(response, 400, { message: error instanceof Error ? error.message : String(error) });
    }
  };

  const handle = (request: IncomingMessage, body: string, response: ServerResponse): void => {
    const path = requestPath(request);
    if (path.startsWith('/__emulator/')) {
      handleAdmin(request, path, body, response);
      return;
    }
    const requestId = randomUUID();
    const params = new URLSearchParams(request.method === 'POST' ? body : (request.url ?? '').split('?')[1] ?? '');
    const action = params.get('Action') ?? '';
    const caller = signingAccessKeyId(request);
    const record: StsRequestRecord = { action, at: new Date(clock()).toISOString(), outcome: 'OK' };
    if (caller !== undefined) record.callerAccessKeyId = caller;
    if (action === 'AssumeRole') {
      const optional = (name: string): string | undefined => params.get(name) ?? undefined;
      const roleArn = optional('RoleArn');
      const sessionName = optional('RoleSessionName');
      const externalId = optional('ExternalId');
      const duration = optional('DurationSeconds');
      if (roleArn !== undefined) record.roleArn = roleArn;
      if (sessionName !== undefined) record.sessionName = sessionName;
      if (externalId !== undefined) record.externalId = externalId;
      if (duration !== undefined) record.durationSeconds = Number(duration);
    }
    log.push(record);
    try {
      const fields = act(action, params, record);
      stsModelChecks.checkAnswer(action, fields);
      sendXml(response, 200, resultXml(action, fields, requestId), requestId);
    } catch (error) {
      const stsError = stsModelChecks.checkedError(
        action,
        error instanceof StsError ? error : new StsError('InternalFailure', 500, `STS emulator failure: ${String(error)}`),
      );
      record.outcome = stsError.code;
      sendXml(response, stsError.status, errorXml(stsError.type, stsError.code, stsError.message, requestId), requestId);
    }
  };

  const server = await startLoopbackServer(options.port ?? 0, handle);
  return {
    ...server,
    faults,
    trustRole,
    untrustRole: (roleArn) => {
      trusted.delete(roleArn);
    },
    roles: () => [...trusted.values()].map((role) => ({ ...role })),
    requests: () => log.map((record) => ({ ...record })),
    assumeRoleRequests: () => log.filter((record) => record.action === 'AssumeRole').map((record) => ({ ...record })),
    clearRequests: () => {
      log = [];
    },
    issued: () => [...issued.values()].map((credentials) => ({ ...credentials })),
    credentialsFor: (accessKeyId) => {
      const credentials = issued.get(accessKeyId);
      return credentials ? { ...credentials } : undefined;
    },
    setCredentialLifetime,
  };
};
