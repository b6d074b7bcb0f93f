import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock';
import type { Members } from './restXml';
import type { S3Store } from './store';

/** What every operation reads. */
export interface S3Context {
  store: S3Store;
  now: Clock;
  region: string;
}

/** One request, as the front end read it. */
export interface S3Call {
  bucket: string;
  /** The object key (decoded); undefined for a bucket-level request. */
  key: string | undefined;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body as S3 stores it (an aws-chunked upload decoded). */
  body: Buffer;
  /** Whether the body came with Content-MD5 or an x-amz-checksum-* (all verified). */
  integrity: boolean;
  /** The XML payload read as its shape's members, for operations whose payload is a structure. */
  payload: Members | undefined;
}

/** An operation's answer: its output members by the model's names (text values), and a status when not the model's. */
export interface S3Result {
  output: Members;
  status?: number;
}

export const headerOf = (call: S3Call, name: string): string | undefined => {
  const value = call.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};
