import type { S3OperationName } from './operationNames';

/** Query parameters that are an operation's members or the signature's, never a subresource. */
const PARAMETERS = new Set([
  'x-id',
  'versionId',
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'partNumber',
  'key-marker',
  'version-id-marker',
]);

const isParameter = (name: string): boolean => PARAMETERS.has(name) || name.startsWith('response-') || name.startsWith('X-Amz-');

const BUCKET_ROUTES: Record<string, S3OperationName> = {
  'PUT ': 'CreateBucket',
  'PUT versioning': 'PutBucketVersioning',
  'GET versioning': 'GetBucketVersioning',
  'PUT object-lock': 'PutObjectLockConfiguration',
  'GET object-lock': 'GetObjectLockConfiguration',
  'GET versions': 'ListObjectVersions',
};

const OBJECT_ROUTES: Record<string, S3OperationName> = {
  'PUT ': 'PutObject',
  'GET ': 'GetObject',
  'HEAD ': 'HeadObject',
  'DELETE ': 'DeleteObject',
  'PUT retention': 'PutObjectRetention',
  'GET retention': 'GetObjectRetention',
};

/**
 * The operation a path-style request asks for (`/<bucket>` or `/<bucket>/<key>`, by method and
 * subresource, as S3 routes them), or undefined for one the emulator does not serve.
 */
export const routeOf = (method: string, key: string | undefined, query: URLSearchParams): S3OperationName | undefined => {
  const subresources = [...new Set(query.keys())].filter((name) => !isParameter(name));
  if (subresources.length > 1) return undefined;
  const route = `${method} ${subresources[0] ?? ''}`;
  if (key !== undefined) return Object.hasOwn(OBJECT_ROUTES, route) ? OBJECT_ROUTES[route] : undefined;
  if (route === 'GET ') return query.get('list-type') === '2' ? 'ListObjectsV2' : undefined;
  return Object.hasOwn(BUCKET_ROUTES, route) ? BUCKET_ROUTES[route] : undefined;
};
