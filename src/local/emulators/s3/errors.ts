/**
 * An S3 error as the REST-XML protocol carries it: a status and
 * <Error><Code/><Message/>(details)<RequestId/><HostId/></Error>. @aws-sdk/client-s3 makes Code the
 * exception's name (for HEAD, which has no body, it goes by the status alone).
 */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** More elements of <Error>, as S3 adds them (BucketName, Key, VersionId, ArgumentName, ...). */
    readonly details: Record<string, string> = {},
    /** Headers S3 sends with this error (x-amz-delete-marker, x-amz-version-id). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const noSuchBucket = (bucket: string): S3Error =>
  new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchKey = (key: string, headers: Record<string, string> = {}): S3Error =>
  new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }, headers);

export const noSuchVersion = (key: string, versionId: string): S3Error =>
  new S3Error('NoSuchVersion', 404, 'The specified version does not exist.', { Key: key, VersionId: versionId });

/** What S3 answers to deleting, shortening or loosening a version Object Lock protects. */
export const protectedByObjectLock = (): S3Error =>
  new S3Error('AccessDenied', 403, 'Access Denied because object protected by object lock.');

export const invalidArgument = (message: string, name?: string, value?: string): S3Error =>
  new S3Error('InvalidArgument', 400, message, {
    ...(name === undefined ? {} : { ArgumentName: name }),
    ...(value === undefined ? {} : { ArgumentValue: value }),
  });

export const invalidRequest = (message: string): S3Error => new S3Error('InvalidRequest', 400, message);

export const malformedXml = (): S3Error =>
  new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');

export const missingObjectLockConfiguration = (): S3Error => invalidRequest('Bucket is missing Object Lock Configuration');

export const notImplemented = (message: string): S3Error => new S3Error('NotImplemented', 501, message);

/** A delete marker named by its version id: S3 refuses to GET or HEAD it so, and says it is one. */
export const methodNotAllowed = (headers: Record<string, string> = {}): S3Error =>
  new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {}, headers);
