import { randomUUID } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** The operator API signs as API Gateway's does: service execute-api, in the local stack's region. */
export const SIGNING_SERVICE = 'execute-api';
export const SIGNING_REGION = 'us-east-1';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The SDK's own SigV4 signer (the one every AWS SDK v3 client signs with), for the operator API's scope. */
export const signerFor = (key: AccessKey, options: { applyChecksum?: boolean } = {}): SignatureV4 =>
  new SignatureV4({
    service: SIGNING_SERVICE,
    region: SIGNING_REGION,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    ...(options.applyChecksum === undefined ? {} : { applyChecksum: options.applyChecksum }),
  });

/**
 * A header of every request signed here, a fresh UUID each time, under the signature: X-Amz-Date has whole
 * seconds, so two identical requests within one second would otherwise carry one signature, and the operator
 * API's replay guard would refuse the second as a replay. SigV4 signs any header named in SignedHeaders, and
 * API Gateway (like the local operator API) verifies over exactly those.
 */
export const REQUEST_ID_HEADER = 'x-drs-ledger-request-id';

/** A request ready to send: its URL, method, headers (Authorization included) and body. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The query string as the signer takes it: each name with its value, or its values when repeated. */
export const queryRecord = (params: URLSearchParams): Record<string, string | string[]> => {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
};

/** Signs a request to the operator API with a user's key, at `signingDate` (default now). */
export const signRequest = async (
  key: AccessKey,
  request: { method: string; url: string; body?: unknown },
  signingDate: Date = new Date(),
): Promise<SignedRequest> => {
  const url = new URL(request.url);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    host: url.host,
    [REQUEST_ID_HEADER]: randomUUID(),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const signed = await signerFor(key).sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers,
      ...(body === undefined ? {} : { body }),
    },
    { signingDate },
  );
  return { method: request.method, url: url.toString(), headers: signed.headers, ...(body === undefined ? {} : { body }) };
};

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Sends a request (signed, or not: the tests' attacks) and reads its JSON answer; `signal` aborts it. */
export const sendRequest = async (
  request: Omit<SignedRequest, 'headers'> & { headers?: Record<string, string> },
  signal?: AbortSignal,
): Promise<ApiAnswer> => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers ?? {},
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(signal ? { signal } : {}),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: 'NOT_JSON', message: text.slice(0, 512) };
  }
  return { status: response.status, body };
};
