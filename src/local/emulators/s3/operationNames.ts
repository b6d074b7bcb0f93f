/** The S3 operations the emulator serves (./routes.ts maps method, path and query to them). */
export const S3_OPERATIONS = [
  'CreateBucket',
  'PutBucketVersioning',
  'GetBucketVersioning',
  'PutObjectLockConfiguration',
  'GetObjectLockConfiguration',
  'PutObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
  'ListObjectsV2',
  'ListObjectVersions',
  'PutObjectRetention',
  'GetObjectRetention',
] as const;

export type S3OperationName = (typeof S3_OPERATIONS)[number];
