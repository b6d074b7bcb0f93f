import { RequestLog } from '../requestLog';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PREFIX, handleAdmin } from '../awsQuery/admin';
import { escapeXml } from '../awsQuery/xml';
import { type Clock, systemClock } from '../clock';
import { type LoopbackServer, listenLoopback } from '../http';
import { signingAccessKeyId } from '../sigv4';
import { decodeAwsChunked, type DecodedBody } from './awsChunked';
import { verifyIntegrity } from './checksums';
import type { S3Call, S3Context, S3Result } from './context';
import { notImplemented, S3Error } from './errors';
import { s3Faults, type S3Faults } from './faults';
import { checkedS3Answer, checkedS3Error, checkS3Request, readS3Payload, successStatus } from './modelChecks';
import type { S3OperationName } from './operationNames';
import {
  createBucket,
  getBucketVersioning,
  getObjectLockConfiguration,
  putBucketVersioning,
  putObjectLockConfiguration,
} from './operations/buckets';
import { deleteObject } from './operations/deleteObject';
import { getObject, headObject } from './operations/getObject';
import { listObjectsV2 } from './operations/listObjectsV2';
import { listObjectVersions } from './operations/listObjectVersions';
import { putObject } from './operations/putObject';
import { getObjectRetention, putObjectRetention } from './operations/retention';
import type { BucketRecord } from './records';
import { routeOf } from './routes';
import { S3Store } from './store';

export interface S3EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where to keep s3-emulator.json and the bodies (s3-emulator-objects/); without it, in memory only. */
  dataDir?: string;
  region?: string;
  /** Object Lock retention and Last-Modified are read from this clock (default the system's). */
  clock?: Clock;
}

/** One request as the emulator saw it. */
export interface S3RequestRecord {
  operation: string;
  at: string;
  /** The access key id it was signed with (the signature is not checked). */
  callerAccessKeyId?: string;
  bucket: string;
  key?: string;
  versionId?: string;
  /** 'OK', or the error code answered. */
  outcome: string;
}

export interface S3Emulator extends LoopbackServer {
  region: string;
  faults: S3Faults;
  /** Every request received, in order. */
  requests(): S3RequestRecord[];
  clearRequests(): void;
  /** The stored records of a bucket (versions, locks), for inspection. */
  bucket(name: string): BucketRecord | undefined;
  /** Where the records are saved, if anywhere. */
  stateFile: string | undefined;
}

type Operation = (context: S3Context, call: S3Call) => S3Result;

const OPERATIONS: Record<S3OperationName, Operation> = {
  CreateBucket: createBucket,
  PutBucketVersioning: putBucketVersioning,
  GetBucketVersioning: getBucketVersioning,
  PutObjectLockConfiguration: putObjectLockConfiguration,
  GetObjectLockConfiguration: getObjectLockConfiguration,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  ListObjectsV2: listObjectsV2,
  ListObjectVersions: listObjectVersions,
  PutObjectRetention: putObjectRetention,
  GetObjectRetention: getObjectRetention,
};

/** S3's limit on a key: 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

/** `/<bucket>[/<key>]`, path-style, each part percent-decoded (the SDK encodes every segment of a key). */
const parsePath = (rawPath: string): { bucket: string; key: string | undefined } => {
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  const bucket = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
  const key = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
  return { bucket, key: key === '' ? undefined : key };
};

/**
 * The payload as signed: a hex x-amz-content-sha256 must be the SHA-256 of the bytes received
 * (XAmzContentSHA256Mismatch otherwise, as S3); an aws-chunked upload is decoded with its trailers.
 */
const receivedBody = (request: IncomingMessage, raw: Buffer): DecodedBody => {
  const declared = request.headers['x-amz-content-sha256'];
  if (typeof declared === 'string' && /^[0-9a-f]{64}$/.test(declared) && createHash('sha256').update(raw).digest('hex') !== declared) {
    throw new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const encoding = request.headers['content-encoding'] ?? '';
  if (!encoding.split(',').some((part) => part.trim() === 'aws-chunked')) return { body: raw, trailers: {} };
  const decodedLength = request.headers['x-amz-decoded-content-length'];
  return decodeAwsChunked(raw, typeof decodedLength === 'string' ? Number(decodedLength) : undefined);
};

const errorXml = (error: S3Error, requestId: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
  Object.entries(error.details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('') +
  `<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;

const lowerCaseKeys = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/**
 * An HTTP server on 127.0.0.1 speaking S3's REST-XML protocol, path-style (`/<bucket>/<key>`), as
 * @aws-sdk/client-s3 sends and reads it with `forcePathStyle: true`: buckets with versioning and Object
 * Lock, objects by version, retention, listing. In order: an unsigned request is AccessDenied (the
 * signature itself is not checked); a route not served is NotImplemented; the payload must match
 * x-amz-content-sha256, and Content-MD5 and every x-amz-checksum-* (header or aws-chunked trailer);
 * then injected faults, S3's model on the request, the operation, S3's model on the answer, which is
 * written by that model's bindings (./restXml.ts). Control API: /__emulator/faults, requests, requests/reset.
 */
export const startS3Emulator = async (options: S3EmulatorOptions = {}): Promise<S3Emulator> => {
  const store = new S3Store(options.dataDir);
  const now = options.clock ?? systemClock;
  const context: S3Context = { store, now, region: options.region ?? 'us-east-1' };
  const faults = s3Faults();
  const log = new RequestLog<S3RequestRecord>();

  const answer = (request: IncomingMessage, raw: Buffer, record: S3RequestRecord, rawPath: string, query: URLSearchParams) => {
    const { bucket, key } = parsePath(rawPath);
    if (record.callerAccessKeyId === undefined) throw new S3Error('AccessDenied', 403, 'Access Denied');
    if (bucket === '') throw notImplemented('The S3 emulator does not serve ListBuckets.');
    const operation = routeOf(request.method ?? 'GET', key, query);
    if (!operation) throw notImplemented(`The S3 emulator does not serve ${request.method ?? 'GET'} ${rawPath}?${query.toString()}`);
    record.operation = operation;
    if (key !== undefined && Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
      throw new S3Error('KeyTooLongError', 400, 'Your key is too long', {
        MaxSizeAllowed: String(MAX_KEY_BYTES),
        Size: String(Buffer.byteLength(key)),
      });
    }
    const { body, trailers } = receivedBody(request, raw);
    const integrity = verifyIntegrity(body, { headers: request.headers, trailers });
    const payload = readS3Payload(operation, body);
    const fault = faults.take(operation);
    if (fault) throw new S3Error(fault.code, fault.status, fault.message);
    // The SDK sends bucket-level requests to `/<bucket>/`; the model's URI is `/{Bucket}`.
    const modelPath = key === undefined ? rawPath.replace(/\/$/, '') : rawPath;
    checkS3Request(operation, { path: modelPath, query, headers: request.headers, body }, payload);
    const call: S3Call = { bucket, key, query, headers: request.headers, body, integrity, payload };
    const result = OPERATIONS[operation](context, call);
    const status = result.status ?? successStatus(operation);
    return { operation, status, wire: checkedS3Answer(operation, status, result.output) };
  };

  const respond = (request: IncomingMessage, raw: Buffer, response: ServerResponse): void => {
    const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split('?', 2);
    const query = new URLSearchParams(rawQuery);
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const caller = signingAccessKeyId(request);
    const { bucket, key } = (() => {
      try {
        return parsePath(rawPath);
      } catch {
        return { bucket: rawPath, key: undefined };
      }
    })();
    const record: S3RequestRecord = {
      operation: `${request.method ?? 'GET'} ${rawPath}`,
      at: new Date(now()).toISOString(),
      ...(caller === undefined ? {} : { callerAccessKeyId: caller }),
      bucket,
      ...(key === undefined ? {} : { key }),
      ...(query.get('versionId') === null ? {} : { versionId: query.get('versionId') as string }),
      outcome: 'OK',
    };
    log.add(record);
    const common = { 'x-amz-request-id': requestId, 'x-amz-id-2': randomUUID() };
    try {
      const { status, wire } = answer(request, raw, record, rawPath, query);
      const headers = lowerCaseKeys(wire.headers);
      if (wire.body.length > 0 && headers['content-type'] === undefined) headers['content-type'] = 'application/xml';
      headers['content-length'] ??= String(wire.body.length);
      response.writeHead(status, { ...common, ...headers });
      response.end(request.method === 'HEAD' ? undefined : wire.body);
    } catch (thrown) {
      const error = checkedS3Error(
        record.operation,
        thrown instanceof S3Error
          ? thrown
          : new S3Error('InternalError', 500, `S3 emulator failure: ${thrown instanceof Error ? thrown.message : String(thrown)}`),
      );
      record.outcome = error.code;
      const xml = request.method === 'HEAD' ? '' : errorXml(error, requestId);
      response.writeHead(error.status, {
        ...common,
        ...error.headers,
        ...(xml ? { 'content-type': 'application/xml' } : {}),
        'content-length': String(Buffer.byteLength(xml)),
      });
      response.end(xml || undefined);
    }
  };

  const server = await listenLoopback(options.port ?? 0, (request, body, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith(ADMIN_PREFIX)) {
      handleAdmin(
        faults,
        {
          ...log.routes(),
        },
        request,
        path,
        body.toString('utf8'),
        response,
      );
      return;
    }
    respond(request, body, response);
  });

  return {
    ...server,
    region: context.region,
    faults,
    requests: () => log.all(),
    clearRequests: () => log.clear(),
    bucket: (name) => store.buckets.get(name),
    stateFile: store.path,
  };
};
