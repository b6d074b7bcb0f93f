import { type S3Call, type S3Context, type S3Result, headerOf } from '../context';
import { invalidArgument, malformedXml, notImplemented, S3Error } from '../errors';
import { bucketNamed } from '../lookup';
import { isRetentionMode } from '../objectLock';
import type { DefaultRetention } from '../records';
import type { Members } from '../restXml';

/** S3's rules for general purpose bucket names (the dotted IP-address form aside). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const invalidBucketState = (message: string): S3Error => new S3Error('InvalidBucketState', 409, message);

/**
 * CreateBucket: with `x-amz-bucket-object-lock-enabled: true` the bucket has Object Lock (and so
 * versioning) from the start, as S3 does it. Creating a bucket one already owns answers 200 in
 * us-east-1 and BucketAlreadyOwnedByYou elsewhere, as S3 answers.
 */
export const createBucket = (context: S3Context, call: S3Call): S3Result => {
  const name = call.bucket;
  if (!BUCKET_NAME.test(name) || name.includes('..')) {
    throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: name });
  }
  const constraint = (call.payload?.CreateBucketConfiguration as Members | undefined)?.LocationConstraint;
  if (constraint !== undefined && (context.region === 'us-east-1' || constraint !== context.region)) {
    throw new S3Error('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid', {
      LocationConstraint: typeof constraint === 'string' ? constraint : '',
    });
  }
  if (context.store.buckets.has(name)) {
    if (context.region === 'us-east-1') return { output: { Location: `/${name}` } };
    throw new S3Error(
      'BucketAlreadyOwnedByYou',
      409,
      'Your previous request to create the named bucket succeeded and you already own it.',
      {
        BucketName: name,
      },
    );
  }
  const objectLock = headerOf(call, 'x-amz-bucket-object-lock-enabled')?.toLowerCase() === 'true';
  context.store.buckets.set(name, {
    name,
    createdAt: context.now(),
    ...(objectLock ? { versioning: 'Enabled' as const, objectLock: {} } : {}),
    objects: new Map(),
  });
  context.store.save();
  return { output: { Location: `/${name}` } };
};

/** PutBucketVersioning: Enabled or Suspended; an Object Lock bucket stays Enabled, as S3 insists. */
export const putBucketVersioning = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  const configuration = call.payload?.VersioningConfiguration as Members | undefined;
  if (!configuration) throw malformedXml();
  if (configuration.MFADelete === 'Enabled') throw notImplemented('The S3 emulator does not emulate MFA delete.');
  const status = configuration.Status;
  if (status === undefined) return { output: {} };
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  if (bucket.objectLock && status !== 'Enabled') {
    throw invalidBucketState('An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.');
  }
  bucket.versioning = status;
  context.store.save();
  return { output: {} };
};

export const getBucketVersioning = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  return { output: bucket.versioning === undefined ? {} : { Status: bucket.versioning } };
};

const retentionPeriod = (value: unknown, name: 'Days' | 'Years'): number | undefined => {
  if (value === undefined) return undefined;
  const period = Number(value);
  if (!Number.isInteger(period) || period <= 0) {
    throw invalidArgument('Default retention period must be a positive integer value.', name, typeof value === 'string' ? value : '');
  }
  return period;
};

const defaultRetention = (rule: Members | undefined): DefaultRetention | undefined => {
  if (rule === undefined) return undefined;
  const retention = rule.DefaultRetention as Members | undefined;
  if (!retention || !isRetentionMode(retention.Mode)) throw malformedXml();
  const days = retentionPeriod(retention.Days, 'Days');
  const years = retentionPeriod(retention.Years, 'Years');
  if ((days === undefined) === (years === undefined)) throw malformedXml();
  return { mode: retention.Mode, ...(days === undefined ? {} : { days }), ...(years === undefined ? {} : { years }) };
};

/**
 * PutObjectLockConfiguration: enables Object Lock on a versioned bucket (it cannot be disabled again)
 * and sets or clears its default retention (a mode and either Days or Years).
 */
export const putObjectLockConfiguration = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  const configuration = call.payload?.ObjectLockConfiguration as Members | undefined;
  if (!configuration || configuration.ObjectLockEnabled !== 'Enabled') throw malformedXml();
  if (bucket.versioning !== 'Enabled') {
    throw invalidBucketState("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
  }
  const rule = defaultRetention(configuration.Rule as Members | undefined);
  bucket.objectLock = rule === undefined ? {} : { defaultRetention: rule };
  context.store.save();
  return { output: {} };
};

export const getObjectLockConfiguration = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  if (!bucket.objectLock) {
    throw new S3Error('ObjectLockConfigurationNotFoundError', 404, 'Object Lock configuration does not exist for this bucket', {
      BucketName: bucket.name,
    });
  }
  const rule = bucket.objectLock.defaultRetention;
  return {
    output: {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        ...(rule
          ? {
              Rule: {
                DefaultRetention: {
                  Mode: rule.mode,
                  ...(rule.days === undefined ? {} : { Days: String(rule.days) }),
                  ...(rule.years === undefined ? {} : { Years: String(rule.years) }),
                },
              },
            }
          : {}),
      },
    },
  };
};
