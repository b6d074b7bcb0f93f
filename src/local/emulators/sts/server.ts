import { type AdminRoutes, type AwsQueryCall, startAwsQueryServer } from '../awsQuery';
import { type Clock, systemClock } from '../clock';
import type { LoopbackServer } from '../http';
import { STS_ACTIONS } from './actions';
import { assumeRoleRecord } from './assumeRole';
import { authenticate } from './caller';
import type { StsContext, StsRequestRecord, StsState } from './context';
import type { IssuedCredentials } from './credentials';
import { stsFaults, type StsFaultSpec } from './faults';
import { toTrustedRole, type TrustedRole, type TrustedRoleSpec } from './roles';

export const STS_VERSION = '2011-06-15';

export interface StsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Issue and expire credentials by this clock (default the system's). */
  clock?: Clock;
  /** The account of callers that are not roles this emulator issued credentials for (default 000000000000). */
  accountId?: string;
  /**
   * IAM users of the home account (the local stack's operators): GetCallerIdentity signed with one's access key
   * answers its ARN, as STS answers for an IAM user. Any other key is named as a user called by the key's id.
   */
  users?: ReadonlyArray<{ accessKeyId: string; principalArn: string }>;
  /** Roles trusted from the start (trustRole adds more). */
  roles?: TrustedRoleSpec[];
  /** Credentials expire this long after they are issued, whatever DurationSeconds asked (to test refresh). */
  credentialLifetimeSeconds?: number;
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

/** Logs the request before anything is checked, so refusals are in the log too. */
const logRequest = (state: StsState, call: AwsQueryCall): StsContext => {
  const record: StsRequestRecord = { action: call.action, at: new Date(state.clock()).toISOString(), outcome: 'OK' };
  if (call.caller !== undefined) record.callerAccessKeyId = call.caller;
  if (call.action === 'AssumeRole') Object.assign(record, assumeRoleRecord(call.params));
  state.log.push(record);
  return { state, record };
};

/**
 * An HTTP server on 127.0.0.1 speaking STS's awsQuery protocol (../awsQuery) as @aws-sdk/client-sts
 * sends and reads it: the actions of ./actions, for requests of version 2011-06-15 signed by anyone
 * (MissingAuthenticationToken, 403, when unsigned; ExpiredToken, 403, with credentials it issued that
 * have expired). Signatures are not verified; the signing access key id is read and logged.
 * Control API: /__emulator/faults, requests, requests/reset, credentials, roles.
 */
export const startStsEmulator = async (options: StsEmulatorOptions = {}): Promise<StsEmulator> => {
  const state: StsState = {
    clock: options.clock ?? systemClock,
    homeAccountId: options.accountId ?? '000000000000',
    users: new Map((options.users ?? []).map((user) => [user.accessKeyId, user.principalArn])),
    faults: stsFaults(),
    trusted: new Map(),
    issued: new Map(),
    lifetimeSeconds: undefined,
    log: [],
  };
  const trustRole = (spec: TrustedRoleSpec): TrustedRole => {
    const role = toTrustedRole(spec);
    state.trusted.set(role.roleArn, role);
    return role;
  };
  for (const spec of options.roles ?? []) trustRole(spec);
  const setCredentialLifetime = (seconds: number | undefined): void => {
    if (seconds !== undefined && !(seconds > 0)) throw new Error('credential lifetime must be positive');
    state.lifetimeSeconds = seconds;
  };
  setCredentialLifetime(options.credentialLifetimeSeconds);

  const adminRoutes: AdminRoutes = {
    'GET requests': () => ({ requests: state.log }),
    'POST requests/reset': () => {
      state.log = [];
      return { requests: state.log };
    },
    'GET credentials': () => ({ credentials: [...state.issued.values()] }),
    'GET roles': () => ({ roles: [...state.trusted.values()] }),
    'POST roles': (payload) => trustRole(payload as unknown as TrustedRoleSpec),
    'DELETE roles': (payload) => {
      state.trusted.delete(String(payload.roleArn));
      return { roles: [...state.trusted.values()] };
    },
  };

  const server = await startAwsQueryServer(options.port ?? 0, {
    model: 'sts',
    namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    version: STS_VERSION,
    actions: STS_ACTIONS,
    unknownAction: (action, version) => `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
    internalError: { code: 'InternalFailure', label: 'STS' },
    begin: (call) => logRequest(state, call),
    authenticate,
    settled: ({ record }, outcome) => {
      record.outcome = outcome;
    },
    faults: state.faults,
    adminRoutes,
  });
  return {
    ...server,
    faults: state.faults,
    trustRole,
    untrustRole: (roleArn) => {
      state.trusted.delete(roleArn);
    },
    roles: () => [...state.trusted.values()].map((role) => ({ ...role })),
    requests: () => state.log.map((record) => ({ ...record })),
    assumeRoleRequests: () => state.log.filter((record) => record.action === 'AssumeRole').map((record) => ({ ...record })),
    clearRequests: () => {
      state.log = [];
    },
    issued: () => [...state.issued.values()].map((credentials) => ({ ...credentials })),
    credentialsFor: (accessKeyId) => {
      const credentials = state.issued.get(accessKeyId);
      return credentials ? { ...credentials } : undefined;
    },
    setCredentialLifetime,
  };
};
