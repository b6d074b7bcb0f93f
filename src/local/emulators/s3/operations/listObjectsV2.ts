import type { S3Call, S3Context, S3Result } from '../context';
import { invalidArgument } from '../errors';
import { bucketNamed, isoDate } from '../lookup';
import type { Members } from '../restXml';
import { byUtf8, maxKeysOf } from './listing';

/** Where a page ends: after a key, or after every key under a common prefix. Opaque to callers. */
interface Resume {
  after: string;
  prefix?: true;
}

const token = (resume: Resume): string => Buffer.from(JSON.stringify(resume), 'utf8').toString('base64url');

const resumeFrom = (text: string): Resume => {
  try {
    const resume = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Resume;
    if (typeof resume.after === 'string') return resume;
  } catch {
    // answered below
  }
  throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', text);
};

/**
 * ListObjectsV2: the keys whose current version is an object (not a delete marker), in UTF-8 order,
 * after start-after or the continuation token, under prefix, grouped by delimiter into CommonPrefixes,
 * at most max-keys (1,000) a page. encoding-type=url encodes keys and prefixes, as S3 does.
 */
export const listObjectsV2 = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  const prefix = call.query.get('prefix') ?? '';
  const delimiter = call.query.get('delimiter') ?? '';
  const startAfter = call.query.get('start-after');
  const continuation = call.query.get('continuation-token');
  const maxKeys = maxKeysOf(call.query.get('max-keys'));
  const encode =
    call.query.get('encoding-type') === 'url' ? (text: string) => encodeURIComponent(text).replace(/%2F/g, '/') : (text: string) => text;
  const resume: Resume | undefined =
    continuation !== null ? resumeFrom(continuation) : startAfter !== null ? { after: startAfter } : undefined;

  const keys = [...bucket.objects.entries()]
    .filter(([key, versions]) => key.startsWith(prefix) && versions.at(-1)?.object !== undefined)
    .map(([key]) => key)
    .sort(byUtf8)
    .filter(
      (key) => !resume || (resume.prefix ? !key.startsWith(resume.after) && byUtf8(key, resume.after) > 0 : byUtf8(key, resume.after) > 0),
    );

  const contents: Members[] = [];
  const commonPrefixes: string[] = [];
  let last: Resume | undefined;
  let truncated = false;
  for (const key of keys) {
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const common = cut < 0 ? undefined : key.slice(0, cut + delimiter.length);
    if (common !== undefined && common === commonPrefixes.at(-1)) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      commonPrefixes.push(common);
      last = { after: common, prefix: true };
      continue;
    }
    const object = bucket.objects.get(key)?.at(-1);
    contents.push({
      Key: encode(key),
      LastModified: isoDate(object?.lastModified ?? 0),
      ETag: object?.object?.etag,
      ChecksumAlgorithm: ['CRC32'],
      ChecksumType: 'FULL_OBJECT',
      Size: String(object?.object?.size ?? 0),
      StorageClass: 'STANDARD',
    });
    last = { after: key };
  }
  return {
    output: {
      IsTruncated: String(truncated),
      ...(contents.length > 0 ? { Contents: contents } : {}),
      Name: bucket.name,
      Prefix: encode(prefix),
      ...(delimiter === '' ? {} : { Delimiter: encode(delimiter) }),
      MaxKeys: String(maxKeys),
      ...(commonPrefixes.length > 0 ? { CommonPrefixes: commonPrefixes.map((common) => ({ Prefix: encode(common) })) } : {}),
      ...(call.query.get('encoding-type') === 'url' ? { EncodingType: 'url' } : {}),
      KeyCount: String(contents.length + commonPrefixes.length),
      ...(continuation === null ? {} : { ContinuationToken: continuation }),
      ...(truncated && last ? { NextContinuationToken: token(last) } : {}),
      ...(startAfter === null ? {} : { StartAfter: encode(startAfter) }),
    },
  };
};
