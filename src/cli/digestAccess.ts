import { DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { GetBucketVersioningCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { KmsDigestKey } from '../adapters/aws/kmsDigestSigner';
import { S3DigestArchive } from '../adapters/aws/s3DigestArchive';
import { type DigestChainInput, type DigestSources, readDigestChain } from '../audit';
import { type AppConfig, clientOptions, configFromEnv } from '../config';
import { LOCAL_DIGEST_BUCKET, LOCAL_DIGEST_KEY_ALIAS } from '../local/digestInfrastructure';
import { startKmsEmulator, startS3Emulator } from '../local/emulators';
import type { ServeEndpoints } from './dataDir';
import type { DeployedStack } from './deployedStack';

/** The signed digest chain a command reads: its bucket, the signing key's public half, and where it lives. */
export interface DigestChainAccess extends DigestSources {
  available: true;
  archive: S3DigestArchive;
  /** The signing key: its ARN (what every digest must name) and its public half. */
  publicKey: KmsDigestKey;
  /** `s3://bucket/prefix`, as the command names the chain. */
  where: string;
}

/** The chain, or why there is none to read (no key or bucket in this data folder, none configured). */
export type DigestAccess = DigestChainAccess | { available: false; reason: string };

export interface OpenedDigests {
  access: DigestAccess;
  close(): Promise<void>;
}

const noChain = (reason: string, close: () => Promise<void> = async () => {}): OpenedDigests => ({
  access: { available: false, reason },
  close,
});

const chainAccess = (config: AppConfig, keyArn: string, closeMore: () => Promise<void> = async () => {}): OpenedDigests => {
  const digests = config.digests;
  if (!digests) throw new Error('chainAccess needs a digest configuration');
  const archive = new S3DigestArchive(config, digests.bucket, digests.prefix);
  const publicKey = new KmsDigestKey(config, keyArn);
  return {
    access: { available: true, archive, publicKey, where: archive.location(digests.prefix) },
    close: async () => {
      archive.destroy();
      publicKey.destroy();
      await closeMore();
    },
  };
};

/** The local signing key's ARN, by its alias; undefined when no stack ever created it here. Creates nothing. */
const localKeyArn = async (config: AppConfig): Promise<string | undefined> => {
  const kms = new KMSClient(clientOptions(config, config.endpoints.kms));
  try {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: LOCAL_DIGEST_KEY_ALIAS }));
    return described.KeyMetadata?.Arn;
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw error;
  } finally {
    kms.destroy();
  }
};

/** Whether the local digest bucket exists (a stack killed between creating the key and the bucket leaves none). */
const localBucketExists = async (config: AppConfig): Promise<boolean> => {
  const s3 = new S3Client({ ...clientOptions(config, config.endpoints.s3), forcePathStyle: true });
  try {
    await s3.send(new GetBucketVersioningCommand({ Bucket: LOCAL_DIGEST_BUCKET }));
    return true;
  } catch (error) {
    if (error instanceof S3ServiceException && error.name === 'NoSuchBucket') return false;
    throw error;
  } finally {
    s3.destroy();
  }
};

/** The KMS and S3 endpoints of a stack running on the folder (a `serve`, or the drill's own), when one is. */
export type RunningDigestEndpoints = Pick<ServeEndpoints, 'kms' | 's3'> | undefined;

/**
 * The KMS and S3 endpoints holding the folder's digest chain: a running stack's, or emulators started on the
 * folder for the length of the command (they only read here: nothing a command does writes their state).
 */
const localEndpoints = async (dataDir: string, running: RunningDigestEndpoints) => {
  if (running?.kms && running.s3) return { kms: running.kms, s3: running.s3, close: async () => {} };
  const kms = await startKmsEmulator({ dataDir });
  const s3 = await startS3Emulator({ dataDir }).catch(async (error: unknown) => {
    await kms.close();
    throw error;
  });
  return {
    kms: kms.endpoint,
    s3: s3.endpoint,
    close: async () => {
      await kms.close();
      await s3.close();
    },
  };
};

/**
 * The digest chain of the local ledger in `dataDir`, as the local stack keeps it: the key by its alias
 * (resolved to its ARN with DescribeKey), the bucket by its name. Read-only: a folder where no stack created
 * the key or the bucket has no chain, and says so.
 */
export const openLocalDigests = async (dataDir: string, running: RunningDigestEndpoints): Promise<OpenedDigests> => {
  const endpoints = await localEndpoints(dataDir, running);
  try {
    const environment = {
      ...process.env,
      DRS_LEDGER_LOCAL: 'true',
      AWS_REGION: 'us-east-1',
      KMS_ENDPOINT: endpoints.kms,
      S3_ENDPOINT: endpoints.s3,
    };
    const keyArn = await localKeyArn(configFromEnv({ ...environment, DIGEST_BUCKET: '', DIGEST_KEY_ID: '' }));
    if (!keyArn)
      return noChain(`no digest signing key (${LOCAL_DIGEST_KEY_ALIAS}) in ${dataDir}: no stack has sealed a digest here`, endpoints.close);
    const config = configFromEnv({ ...environment, DIGEST_BUCKET: LOCAL_DIGEST_BUCKET, DIGEST_KEY_ID: keyArn });
    if (!(await localBucketExists(config)))
      return noChain(`no digest bucket (${LOCAL_DIGEST_BUCKET}) in ${dataDir}: no stack has sealed a digest here`, endpoints.close);
    return chainAccess(config, keyArn, endpoints.close);
  } catch (error) {
    await endpoints.close();
    throw error;
  }
};

/**
 * The deployed stack's digest chain: DIGEST_BUCKET (and DIGEST_PREFIX) and DIGEST_KEY_ID (an ARN, id or alias,
 * resolved to the ARN every digest names) from the environment, with the default AWS credentials.
 */
export const openDeployedDigests = async (env: NodeJS.ProcessEnv = process.env): Promise<OpenedDigests> => {
  const config = configFromEnv(env);
  if (!config.digests) return noChain('DIGEST_BUCKET and DIGEST_KEY_ID are not set: no deployed digest chain to read');
  const configured = new KmsDigestKey(config, config.digests.keyId);
  try {
    return chainAccess(config, await configured.keyArn());
  } finally {
    configured.destroy();
  }
};

/**
 * The configuration of a deployed stack's names (--stage), as its functions get them. No endpoint: the SDK's own
 * settings apply, except that a custom S3 endpoint (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, an emulator) is
 * named too, so that its bucket is reached by path: a bucket's virtual host exists only on S3 itself.
 */
export const stackConfigEnv = (stack: DeployedStack, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => {
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim();
  return {
    AWS_REGION: stack.region,
    EVENTS_TABLE: stack.eventsTable,
    EXECUTIONS_TABLE: stack.executionViewsTable,
    PLANS_TABLE: stack.plansTable,
    RESUME_TOKENS_TABLE: stack.resumeTokensTable,
    EXECUTION_HANDLER_NAME: stack.executionHandlerName,
    DIGEST_BUCKET: stack.digestBucket,
    DIGEST_KEY_ID: stack.digestKeyId,
    DIGEST_PREFIX: stack.digestPrefix,
    ...(stack.notificationTopicArn ? { NOTIFICATION_TOPIC_ARN: stack.notificationTopicArn } : {}),
    ...(s3Endpoint ? { S3_ENDPOINT: s3Endpoint } : {}),
  };
};

/** Why imported evidence is checked against no digest: it was sealed by its import, not by this stack's digests. */
export const IMPORTED_NOT_IN_DIGESTS =
  "imported evidence is not in this stack's digest chain: its import's seal and its hash chain vouch for it";

/** The whole chain read and checked, with where each digest is; or why there is none. */
export const readChainInput = async (access: DigestAccess): Promise<DigestChainInput> => {
  if (!access.available) return { unavailable: access.reason };
  const chain = await readDigestChain(access);
  return { chain, location: (key) => access.archive.location(key) };
};
