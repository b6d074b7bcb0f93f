/**
 * ListObjectVersions on the S3 emulator, through the real S3Client: what an auditor lists to see a digest hidden
 * behind a delete marker or written over, since Object Lock keeps every version. Answers are checked against
 * S3's model (test/support/modelCheckGuard.ts).
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { manualClock } from '../../../src/local/emulators/clock';
import { type S3Emulator, startS3Emulator } from '../../../src/local/emulators/s3';
import { rejectionOf } from './support';

const BUCKET = 'drs-ledger-digests';
const START = Date.UTC(2026, 10, 30, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

describe('S3 emulator: ListObjectVersions', () => {
  let emulator: S3Emulator;
  let client: S3Client;

  beforeEach(async () => {
    emulator = await startS3Emulator({ clock: manualClock(START).now });
    client = new S3Client({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
  });

  afterEach(async () => {
    client.destroy();
    await emulator.close();
  });

  const lockedPut = (key: string, body: string) =>
    client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: body,
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(START + 30 * DAY),
      }),
    );

  /** Three digests, the second written over, the third deleted (a delete marker on it), and a key outside the prefix. */
  const tamperedBucket = async () => {
    const first = await lockedPut('digests/000000000001.json', 'one');
    const second = await lockedPut('digests/000000000002.json', 'two');
    const over = await lockedPut('digests/000000000002.json', 'forged two');
    const third = await lockedPut('digests/000000000003.json', 'three');
    const marker = await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/000000000003.json' }));
    await lockedPut('other/x', 'x');
    return { first, second, over, third, marker };
  };

  it('given a digest written over and one deleted, when listed, then every version and the delete marker show, newest first', async () => {
    const { first, second, over, third, marker } = await tamperedBucket();

    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'digests/' }));

    expect(listed.IsTruncated).toBe(false);
    expect(listed.Versions?.map(({ Key, VersionId, IsLatest, Size }) => ({ Key, VersionId, IsLatest, Size }))).toEqual([
      { Key: 'digests/000000000001.json', VersionId: first.VersionId, IsLatest: true, Size: 3 },
      { Key: 'digests/000000000002.json', VersionId: over.VersionId, IsLatest: true, Size: 10 },
      { Key: 'digests/000000000002.json', VersionId: second.VersionId, IsLatest: false, Size: 3 },
      { Key: 'digests/000000000003.json', VersionId: third.VersionId, IsLatest: false, Size: 5 },
    ]);
    expect(listed.DeleteMarkers).toEqual([
      { Key: 'digests/000000000003.json', VersionId: marker.VersionId, IsLatest: true, LastModified: new Date(START) },
    ]);
  });

  it('given more entries than max-keys, when paged with the next markers, then the pages hold each entry once, in order', async () => {
    await tamperedBucket();
    const whole = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'digests/' }));
    const entries = (page: ListObjectVersionsCommandOutput) =>
      [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((entry) => `${entry.Key}@${entry.VersionId}`);

    const paged: string[] = [];
    let page: ListObjectVersionsCommandOutput | undefined;
    do {
      page = await client.send(
        new ListObjectVersionsCommand({
          Bucket: BUCKET,
          Prefix: 'digests/',
          MaxKeys: 2,
          ...(page?.NextKeyMarker ? { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker } : {}),
        }),
      );
      expect(entries(page).length).toBeLessThanOrEqual(2);
      paged.push(...entries(page));
    } while (page.IsTruncated);

    expect([...paged].sort()).toEqual(entries(whole).sort());
    expect(new Set(paged).size).toBe(5);
  });

  it('given a version-id marker without a key marker, when listed, then it is refused as S3 refuses it', async () => {
    const refused = await rejectionOf(client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, VersionIdMarker: 'x' })));
    expect(refused.name).toBe('InvalidArgument');
  });
});
