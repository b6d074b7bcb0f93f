import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AccountContext } from '../../domain/execution';
import { type AppConfig, clientOptions } from '../../config';

/** The SDK's credential identity shape (declared here to avoid depending on a transitive types package). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export const roleArn = (account: AccountContext): string => `arn:aws:iam::${account.accountId}:role/${account.roleName}`;

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

  static from(error: unknown, roleArn: string): AssumeRoleError {
    if (error instanceof AssumeRoleError) return error;
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode ?? 0;
    const unreachable = status === 0 && NETWORK.test(`${typeof code === 'string' ? code : ''} ${message}`);
    const retryable = TRANSIENT.has(name) || unreachable || status >= 500 || status === 429;
    return new AssumeRoleError(name, roleArn, `AssumeRole on ${roleArn} failed: ${message}`, retryable);
  }
}

/**
 * Credentials for acting in another account: STS AssumeRole on the account's role (with ExternalId
 * when given), cached per role until shortly before they expire.
 */
export class CrossAccountCredentials {
  private readonly cache = new Map<string, Promise<AwsCredentialIdentity>>();
  private sts?: STSClient;

  constructor(
    private readonly config: AppConfig,
    private readonly now: () => number = Date.now,
  ) {}

  provider(account: AccountContext): () => Promise<AwsCredentialIdentity> {
    return () => this.get(account);
  }

  private async get(account: AccountContext): Promise<AwsCredentialIdentity> {
    const key = `${roleArn(account)}|${account.externalId ?? ''}`;
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
    this.cache.set(key, fresh);
    return fresh;
  }

  private async assume(account: AccountContext): Promise<AwsCredentialIdentity> {
    this.sts ??= new STSClient(clientOptions(this.config, this.config.endpoints.sts));
    const arn = roleArn(account);
    let output;
    try {
      output = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: 'drs-ledger',
          DurationSeconds: 3600,
          ...(account.externalId ? { ExternalId: account.externalId } : {}),
        }),
      );
    } catch (error) {
      throw AssumeRoleError.from(error, arn);
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
