import type { IncomingMessage } from 'node:http';

const AUTHORIZATION = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\//;

/**
 * The access key id a SigV4 request was signed with: `Authorization: AWS4-HMAC-SHA256
 * Credential=<AKID>/<date>/<region>/<service>/aws4_request, ...`, or `X-Amz-Credential` for a
 * presigned URL. Undefined for an unsigned request. The signature itself is not checked.
 */
export const signingAccessKeyId = (request: IncomingMessage): string | undefined => {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? AUTHORIZATION.exec(header) : null;
  if (match) return match[1];
  const query = (request.url ?? '').split('?')[1];
  const credential = query ? new URLSearchParams(query).get('X-Amz-Credential') : null;
  const accessKeyId = credential?.split('/')[0];
  return accessKeyId ? accessKeyId : undefined;
};
