import { S3Error } from './errors';

export interface DecodedBody {
  body: Buffer;
  /** Trailing headers (x-amz-checksum-crc32 and the like), by lower-case name. */
  trailers: Record<string, string>;
}

const incomplete = (): S3Error =>
  new S3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header');

const CRLF = Buffer.from('\r\n');

/**
 * The body of an `aws-chunked` upload, as the SDK sends a stream with a trailing checksum:
 * `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n` ... `0\r\n<name>:<value>\r\n...\r\n`. The decoded
 * length must be x-amz-decoded-content-length.
 */
export const decodeAwsChunked = (raw: Buffer, decodedLength: number | undefined): DecodedBody => {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf(CRLF, at);
    if (lineEnd < 0) throw incomplete();
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw incomplete();
    at = lineEnd + 2;
    if (size === 0) break;
    if (at + size + 2 > raw.length) throw incomplete();
    parts.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(at).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = Buffer.concat(parts);
  if (decodedLength !== undefined && body.length !== decodedLength) throw incomplete();
  return { body, trailers };
};
