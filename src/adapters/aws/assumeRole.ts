import { PER_EXECUTION_CAPACITY, rememberBounded } from './boundedMap';
import { createHmac, randomBytes } from 'node:crypto';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AccountContext } from '../../domain/execution';
import { type AppConfig, clientOptions } from '../../config';
import type { PlanStore } from '../../ports/planStore';
import type { DrsAccount } from '../../ports/recoveryJobs';

/** The SDK's credential identity shape (declared here to avoid depending on a transitive types package). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export const roleArn = (account: AccountContext): string => `arn:aws:iam::${account.accountId}:role/${account.roleName}`;

/**
 * The RoleSessionName of calls made on behalf of an execution (or of find's batched reads): the target
 * account's CloudTrail records it on every call the session makes. STS allows 2-64 characters of
 * [\w+=,.@-]: any other character becomes '-', and the name is cut to 64.
 */
export const sessionName = (onBehalfOf: string): string => `drs-ledger-${onBehalfOf}`.replace(/[^\w+=,.@-]/gu, '-').slice(0, 64);

/**
 * Reads the ExternalId that a plan's target declares for the account's role: undefined when the plan is gone,
 * declares none, or now targets another account, region or role.
 */
export type ExternalIdResolver = (planId: string, account: AccountContext) => Promise<string | undefined>;

/**
 * The ExternalId resolver on the plan store: the plan's own target, only while it still names the account,
 * region and role the execution recorded (a plan retargeted since gives its new target's ExternalId to no
 * other account's role). `defaultRoleName` is the deployment's CROSS_ACCOUNT_ROLE_NAME.
 */
export const externalIdFromPlans =
  (plans: Pick<PlanStore, 'get'>, defaultRoleName: string): ExternalIdResolver =>
  async (planId, account) => {
    const target = (await plans.get(planId))?.plan.target;
    if (!target) return undefined;
    const sameTarget =
      target.accountId === account.accountId &&
      target.region === account.region &&
      (target.roleName ?? defaultRoleName) === account.roleName;
    return sameTarget ? target.externalId : undefined;
  };

/** Keyed per process, so a key names which ExternalId without being a guessable digest of it. */
const KEY_SECRET = randomBytes(32);

/**
 * Where the ExternalId of an account's AssumeRole comes from, for cache keys: the plan that declares it, or
 * (older ledgers, which recorded the ExternalId itself) a keyed digest of it; never the ExternalId.
 */
export const externalIdSource = (account: AccountContext): string => {
  if (account.externalId) return `given:${createHmac('sha256', KEY_SECRET).update(account.externalId).digest('base64url')}`;
  if (account.externalIdFromPlan !== undefined) return `plan:${account.externalIdFromPlan}`;
  return 'none';
};

/** Renew this long before expiry, so a call never starts with credentials about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** STS answers worth another attempt later: its throttling, and no answer at all. */
const TRANSIENT = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'IDPCommunicationError',
  'TimeoutError',
  'RequestTimeout',
]);
/** Node's socket errors; matched in the message too, as the SDK may wrap a socket error into a plain Error. */
const NETWORK = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)\b/;

/**
 * AssumeRole failed: `code` is STS's (AccessDenied, Throttling...), the message names the role.
 * Nothing was sent to the other account's service yet, so a transient failure is safe to retry;
 * AccessDenied (role not trusted, ExternalId wrong) and the like are not worth retrying.
 */
export class AssumeRoleError extends Error {
  constructor(
    readonly code: string,
    readonly roleArn: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'AssumeRoleError';
  }

  /** `externalId`, when one was sent, is taken out of STS's message (a ValidationError quotes the value it refused). */
  static from(error: unknown, roleArn: string, externalId?: string): AssumeRoleError {
    if (error instanceof AssumeRoleError) return error;
    const name = error instanceof Error ? error.name : 'Error';
    const told = error instanceof Error ? error.message : String(error);
    const message = externalId ? told.split(externalId).join('<ExternalId>') : told;
    const code = (error as { code?: unknown } | undefined)?.code;
    const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode ?? 0;
    const unreachable = status === 0 && NETWORK.test(`${typeof code === 'string' ? code : ''} ${message}`);
    const retryable = TRANSIENT.has(name) || unreachable || status >= 500 || status === 429;
    return new AssumeRoleError(name, roleArn, `AssumeRole on ${roleArn} failed: ${message}`, retryable);
  }
}

/**
 * Credentials for acting in another account: STS AssumeRole on the account's role, in a session named for
 * whom the calls are made, with the account's ExternalId when it has one: the one an older ledger recorded,
 * or the one its plan declares, read through `externalIdOf` when the role is actually assumed. Cached per
 * role, ExternalId source and session until shortly before they expire.
 */
export class CrossAccountCredentials {
  private readonly cache = new Map<string, Promise<AwsCredentialIdentity>>();
  private sts?: STSClient;

  constructor(
    private readonly config: AppConfig,
    private readonly externalIdOf: ExternalIdResolver,
    private readonly now: () => number = Date.now,
  ) {}

  provider(account: DrsAccount): () => Promise<AwsCredentialIdentity> {
    return () => this.get(account);
  }

  private async get(account: DrsAccount): Promise<AwsCredentialIdentity> {
    const key = `${roleArn(account)}|${externalIdSource(account)}|${sessionName(account.onBehalfOf)}|${account.sourceIdentity ?? ''}`;
    const cached = this.cache.get(key);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      const expires = credentials?.expiration?.getTime() ?? 0;
      if (credentials && expires - REFRESH_MARGIN_MS > this.now()) return credentials;
      // Another caller started a refresh while this one waited: share it rather than assume again.
      const current = this.cache.get(key);
      if (current && current !== cached) return current;
    }
    const fresh = this.assume(account);
    rememberBounded(this.cache, key, fresh, PER_EXECUTION_CAPACITY);
    return fresh;
  }

  /**
   * The ExternalId to send: an older ledger's own, else the one the plan declares. A plan that no longer
   * declares one for this target stops here, before STS: its messages name the plan and role, never an ExternalId.
   */
  private async externalIdFor(account: DrsAccount, arn: string): Promise<string | undefined> {
    if (account.externalId) return account.externalId;
    const planId = account.externalIdFromPlan;
    if (planId === undefined) return undefined;
    let externalId: string | undefined;
    try {
      externalId = await this.externalIdOf(planId, account);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AssumeRoleError(
        'ExternalIdLookupFailed',
        arn,
        `Reading recovery plan ${planId} for the ExternalId of ${arn} failed (${reason}): AssumeRole not attempted`,
        true,
      );
    }
    if (!externalId) {
      throw new AssumeRoleError(
        'ExternalIdUnavailable',
        arn,
        `Recovery plan ${planId} no longer declares an ExternalId for ${arn} (the plan is gone, declares none, or targets ` +
          'another account, region or role): AssumeRole not attempted',
        false,
      );
    }
    return externalId;
  }

  private async assume(account: DrsAccount): Promise<AwsCredentialIdentity> {
    const arn = roleArn(account);
    const externalId = await this.externalIdFor(account, arn);
    this.sts ??= new STSClient(clientOptions(this.config, this.config.endpoints.sts));
    let output;
    try {
      output = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: sessionName(account.onBehalfOf),
          DurationSeconds: 3600,
          ...(externalId ? { ExternalId: externalId } : {}),
          // Needs sts:SetSourceIdentity in the target role's trust policy (README, Target accounts).
          ...(account.sourceIdentity ? { SourceIdentity: account.sourceIdentity } : {}),
        }),
      );
    } catch (error) {
      throw AssumeRoleError.from(error, arn, externalId);
    }
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new AssumeRoleError('MalformedResponse', arn, `AssumeRole on ${arn} returned no credentials`, false);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  }
}
