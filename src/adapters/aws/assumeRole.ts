import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AccountContext } from '../../domain/execution';
import { AppConfig, clientOptions } from '../../config';

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
    }
    const fresh = this.assume(account);
    this.cache.set(key, fresh);
    return fresh;
  }

  private async assume(account: AccountContext): Promise<AwsCredentialIdentity> {
    this.sts ??= new STSClient(clientOptions(this.config, this.config.endpoints.sts));
    const output = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn(account),
        RoleSessionName: 'drs-ledger',
        DurationSeconds: 3600,
        ...(account.externalId ? { ExternalId: account.externalId } : {}),
      }),
    );
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`AssumeRole on ${roleArn(account)} returned no credentials`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  }
}
