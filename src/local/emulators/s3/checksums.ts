import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { invalidRequest, notImplemented, S3Error } from './errors';

/** CRC-32C (Castagnoli), reflected, as S3's x-amz-checksum-crc32c: node:zlib has only CRC-32. */
const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

const crc32c = (bytes: Uint8Array): number => {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC32C_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const uint32 = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
};

/** The checksums S3 takes, by algorithm as x-amz-checksum-<algorithm> names it: each the base64 of its bytes. */
const ALGORITHMS: Record<string, (body: Buffer) => Buffer> = {
  crc32: (body) => uint32(crc32(body)),
  crc32c: (body) => uint32(crc32c(body)),
  sha1: (body) => createHash('sha1').update(body).digest(),
  sha256: (body) => createHash('sha256').update(body).digest(),
};

export const crc32Base64 = (body: Buffer): string => uint32(crc32(body)).toString('base64');

/** What is known of the checksums a request carries: header, aws-chunked trailer, and what the SDK said it sent. */
export interface ChecksumSources {
  headers: Record<string, string | string[] | undefined>;
  trailers: Record<string, string>;
}

/** x-amz-checksum-* headers that carry no checksum. */
const NOT_CHECKSUMS = new Set(['mode', 'type', 'algorithm']);

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * Checks every integrity value the request carries against the body S3 received, as S3 does:
 * Content-MD5 and each x-amz-checksum-* (in a header or an aws-chunked trailer). A mismatch is
 * BadDigest (400); x-amz-sdk-checksum-algorithm without its checksum is InvalidRequest; an algorithm the
 * emulator cannot compute (CRC64NVME, XXHASH*) is NotImplemented, never silently accepted. Returns
 * whether the body carried any integrity value at all (Object Lock requires one).
 */
export const verifyIntegrity = (body: Buffer, { headers, trailers }: ChecksumSources): boolean => {
  let carried = false;
  const md5 = single(headers['content-md5']);
  if (md5 !== undefined) {
    carried = true;
    if (createHash('md5').update(body).digest('base64') !== md5) {
      throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.');
    }
  }
  const named = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const algorithm = /^x-amz-checksum-(.+)$/.exec(name)?.[1];
    const given = single(value);
    if (algorithm && !NOT_CHECKSUMS.has(algorithm) && given !== undefined) named.set(algorithm, given);
  }
  for (const [name, value] of Object.entries(trailers)) {
    const algorithm = /^x-amz-checksum-(.+)$/.exec(name)?.[1];
    if (algorithm) named.set(algorithm, value);
  }
  for (const [algorithm, given] of named) {
    const compute = ALGORITHMS[algorithm];
    if (!compute) throw notImplemented(`The S3 emulator does not verify ${algorithm.toUpperCase()} checksums.`);
    carried = true;
    if (compute(body).toString('base64') !== given) {
      throw new S3Error('BadDigest', 400, `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
  }
  const declared = single(headers['x-amz-sdk-checksum-algorithm'])?.toLowerCase();
  if (declared !== undefined && !named.has(declared)) {
    throw invalidRequest(
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    );
  }
  return carried;
};
