import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { type AccessKey, queryRecord, SIGNING_REGION, SIGNING_SERVICE, signerFor } from './signing';

/**
 * SigV4 verification as API Gateway does it, with the SDK's signer: the request is signed again with the
 * secret of the key it names, at the instant it claims, over exactly the headers it says it signed and the
 * body as received, and the two signatures are compared in constant time. Nothing here computes an HMAC.
 */

/** How far X-Amz-Date may be from now, either way (AWS's own window). */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

export type AuthErrorCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'SignatureExpired';

export interface ReceivedRequest {
  method: string;
  /** The path as received (not decoded). */
  path: string;
  /** The raw query string, without `?`. */
  rawQuery: string;
  /** Header names lower-case, repeated values joined (as Node gives them). */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export type SignatureVerdict<U> =
  { ok: true; user: U; signature: string; signedAtMs: number } | { ok: false; code: AuthErrorCode; message: string };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const refused = (code: AuthErrorCode, message: string) => ({ ok: false as const, code, message });

const parseAmzDate = (value: string | undefined): number | undefined => {
  const match = value === undefined ? null : AMZ_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(ms) ? undefined : ms;
};

const sha256Hex = async (body: Buffer): Promise<string> => {
  const hash = new Hash('sha256');
  hash.update(body);
  return Buffer.from(await hash.digest()).toString('hex');
};

const sameSignature = (expected: string, given: string): boolean => {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The signature of the request as `key` would have signed it, over `signedHeaders`, at `signedAtMs`. */
const expectedSignature = async (key: AccessKey, request: ReceivedRequest, signedHeaders: string[], signedAtMs: number) => {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = request.headers[name] ?? '';
  // The payload hash is always the received body's: a client's x-amz-content-sha256 (UNSIGNED-PAYLOAD, or
  // the hash of another body) never stands in for it.
  if ('x-amz-content-sha256' in headers) headers['x-amz-content-sha256'] = await sha256Hex(request.body);
  const host = request.headers.host ?? '';
  const signed = await signerFor(key, { applyChecksum: false }).sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: host.replace(/:\d+$/, ''),
      path: request.path,
      query: queryRecord(new URLSearchParams(request.rawQuery)),
      headers,
      body: request.body,
    },
    { signingDate: new Date(signedAtMs), signableHeaders: new Set(signedHeaders) },
  );
  return /Signature=([0-9a-f]{64})$/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
};

/**
 * Checks a request's SigV4 signature against the users' keys. `userOf` finds the user of an access key id;
 * `nowMs` is the verifier's clock. Replays are not this function's concern: see ReplayGuard.
 */
export const verifySignature = async <U extends AccessKey>(
  request: ReceivedRequest,
  userOf: (accessKeyId: string) => U | undefined,
  nowMs: number,
): Promise<SignatureVerdict<U>> => {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '') {
    return refused('MissingAuthenticationToken', 'Missing Authentication Token: sign the request with SigV4 (service execute-api)');
  }
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match) {
    return refused(
      'IncompleteSignatureException',
      'Authorization header must be AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...',
    );
  }
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const user = userOf(accessKeyId);
  if (!user) return refused('UnrecognizedClientException', 'The security token included in the request is invalid: unknown access key');
  const signedHeaders = signedHeaderList.split(';');
  // Without host and x-amz-date under the signature, a request could be sent elsewhere or at another time.
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return refused('IncompleteSignatureException', 'SignedHeaders must include host and x-amz-date');
  }
  const amzDate = request.headers['x-amz-date'];
  const signedAtMs = parseAmzDate(amzDate);
  if (signedAtMs === undefined)
    return refused('IncompleteSignatureException', 'X-Amz-Date must be an ISO 8601 basic date-time (20260101T120000Z)');
  if (region !== SIGNING_REGION || service !== SIGNING_SERVICE || scopeDate !== amzDate?.slice(0, 8)) {
    return refused(
      'InvalidSignatureException',
      `Credential must be scoped to ${amzDate?.slice(0, 8)}/${SIGNING_REGION}/${SIGNING_SERVICE}`,
    );
  }
  if (Math.abs(nowMs - signedAtMs) > SIGNATURE_WINDOW_MS) {
    return refused(
      'SignatureExpired',
      `Signature expired: ${amzDate} is more than 5 minutes from the server's time ${new Date(nowMs).toISOString()}`,
    );
  }
  const expected = await expectedSignature(user, request, signedHeaders, signedAtMs);
  if (!sameSignature(expected, signature)) {
    return refused(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided: check the secret key and the signing method',
    );
  }
  return { ok: true, user, signature, signedAtMs };
};
