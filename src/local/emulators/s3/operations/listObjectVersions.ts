import type { S3Call, S3Context, S3Result } from '../context';
import { invalidArgument, notImplemented } from '../errors';
import { bucketNamed, isoDate } from '../lookup';
import type { VersionRecord } from '../records';
import type { Members } from '../restXml';
import { byUtf8, maxKeysOf } from './listing';

interface Entry {
  key: string;
  version: VersionRecord;
  isLatest: boolean;
}

/** Every version and delete marker under the prefix: keys in UTF-8 order, each key's newest first, as S3 lists them. */
const entriesOf = (objects: Map<string, VersionRecord[]>, prefix: string): Entry[] =>
  [...objects.entries()]
    .filter(([key]) => key.startsWith(prefix))
    .sort(([a], [b]) => byUtf8(a, b))
    .flatMap(([key, versions]) => versions.map((version, index) => ({ key, version, isLatest: index === versions.length - 1 })).reverse());

/** Where a page starts: after the marked version of the key-marker's key, or after every version of that key. */
const startOf = (entries: Entry[], keyMarker: string | null, versionIdMarker: string | null): number => {
  if (keyMarker === null) {
    if (versionIdMarker !== null)
      throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionIdMarker);
    return 0;
  }
  if (versionIdMarker !== null && versionIdMarker !== '') {
    const marked = entries.findIndex((entry) => entry.key === keyMarker && entry.version.versionId === versionIdMarker);
    if (marked < 0) throw invalidArgument('Invalid version id specified', 'version-id-marker', versionIdMarker);
    return marked + 1;
  }
  const after = entries.findIndex((entry) => byUtf8(entry.key, keyMarker) > 0);
  return after < 0 ? entries.length : after;
};

const versionMembers = ({ key, version, isLatest }: Entry, encode: (text: string) => string): Members => ({
  ETag: version.object?.etag,
  ChecksumAlgorithm: ['CRC32'],
  ChecksumType: 'FULL_OBJECT',
  Size: String(version.object?.size ?? 0),
  StorageClass: 'STANDARD',
  Key: encode(key),
  VersionId: version.versionId,
  IsLatest: String(isLatest),
  LastModified: isoDate(version.lastModified),
});

const markerMembers = ({ key, version, isLatest }: Entry, encode: (text: string) => string): Members => ({
  Key: encode(key),
  VersionId: version.versionId,
  IsLatest: String(isLatest),
  LastModified: isoDate(version.lastModified),
});

/**
 * ListObjectVersions: every version of every key under prefix, and every delete marker, keys in UTF-8 order and
 * each key's versions newest first, after key-marker (and version-id-marker), at most max-keys (1,000) a page.
 * What an auditor lists to see a digest hidden behind a delete marker, or written over. A delimiter is not
 * served (NotImplemented): nothing here groups versions.
 */
export const listObjectVersions = (context: S3Context, call: S3Call): S3Result => {
  const bucket = bucketNamed(context, call);
  const prefix = call.query.get('prefix') ?? '';
  if (call.query.get('delimiter')) throw notImplemented('The S3 emulator lists object versions without a delimiter only.');
  const keyMarker = call.query.get('key-marker');
  const versionIdMarker = call.query.get('version-id-marker');
  const maxKeys = maxKeysOf(call.query.get('max-keys'));
  const encode =
    call.query.get('encoding-type') === 'url' ? (text: string) => encodeURIComponent(text).replace(/%2F/g, '/') : (text: string) => text;

  const entries = entriesOf(bucket.objects, prefix);
  const start = startOf(entries, keyMarker, versionIdMarker);
  const page = entries.slice(start, start + maxKeys);
  const truncated = start + maxKeys < entries.length;
  const last = page.at(-1);
  const versions = page.filter((entry) => !entry.version.deleteMarker).map((entry) => versionMembers(entry, encode));
  const markers = page.filter((entry) => entry.version.deleteMarker).map((entry) => markerMembers(entry, encode));
  return {
    output: {
      IsTruncated: String(truncated),
      KeyMarker: encode(keyMarker ?? ''),
      VersionIdMarker: versionIdMarker ?? '',
      ...(truncated && last ? { NextKeyMarker: encode(last.key), NextVersionIdMarker: last.version.versionId } : {}),
      ...(versions.length > 0 ? { Versions: versions } : {}),
      ...(markers.length > 0 ? { DeleteMarkers: markers } : {}),
      Name: bucket.name,
      Prefix: encode(prefix),
      MaxKeys: String(maxKeys),
      ...(call.query.get('encoding-type') === 'url' ? { EncodingType: 'url' } : {}),
    },
  };
};
