import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectLockConfigurationCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { type AppConfig, clientOptions } from '../config';

export const LOCAL_DIGEST_BUCKET = 'drs-ledger-digests';
export const LOCAL_DIGEST_KEY_ALIAS = 'alias/drs-ledger-digests';

/**
 * The digest signing key, as serverless.yml declares it (ECC_NIST_P256 for SIGN_VERIFY), created once per data
 * folder: a restarted stack signs with the same key, so old digests still verify. Answers its ARN.
 */
export const ensureDigestKey = async (config: AppConfig): Promise<string> => {
  const kms = new KMSClient(clientOptions(config, config.endpoints.kms));
  try {
    try {
      const existing = await kms.send(new DescribeKeyCommand({ KeyId: LOCAL_DIGEST_KEY_ALIAS }));
      if (existing.KeyMetadata?.Arn) return existing.KeyMetadata.Arn;
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
    }
    const created = await kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'drs-ledger ledger digests' }),
    );
    const arn = created.KeyMetadata?.Arn;
    if (!arn) throw new Error('CreateKey returned no key ARN');
    await kms.send(new CreateAliasCommand({ AliasName: LOCAL_DIGEST_KEY_ALIAS, TargetKeyId: arn }));
    return arn;
  } finally {
    kms.destroy();
  }
};

/** The digest bucket, as serverless.yml declares it: versioning and Object Lock, COMPLIANCE by default. */
export const ensureDigestBucket = async (config: AppConfig, bucket: string, retentionDays: number): Promise<void> => {
  const s3 = new S3Client({ ...clientOptions(config, config.endpoints.s3), forcePathStyle: true });
  try {
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    } catch (error) {
      if (!(error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou')) throw error;
    }
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: retentionDays } } },
      }),
    );
  } finally {
    s3.destroy();
  }
};
