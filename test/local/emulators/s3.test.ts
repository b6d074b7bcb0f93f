import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  paginateListObjectsV2,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { type S3Emulator, startS3Emulator } from '../../../src/local/emulators/s3';
import { postJson, rejectionOf } from './support';

const BUCKET = 'drs-ledger-digests';
const WRITER_KEY_ID = 'AKIADIGESTWRITER0001';
const ATTACKER_KEY_ID = 'AKIAINSIDER000000001';
const START = Date.UTC(2026, 10, 30, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

/** The real S3Client, path-style on the emulator's port; only the endpoint differs from AWS. */
const s3Client = (endpoint: string, accessKeyId = WRITER_KEY_ID): S3Client =>
  new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });

/** CRC32 as S3 writes it: the big-endian 4 bytes, base64. */
const crc32Base64 = (body: string): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return bytes.toString('base64');
};

const text = async (output: { Body?: { transformToString(): Promise<string> } }): Promise<string> => output.Body!.transformToString();

describe('S3 emulator, through the real S3Client', () => {
  let clock: ManualClock;
  let emulator: S3Emulator;
  let writer: S3Client;
  let attacker: S3Client;

  beforeEach(async () => {
    clock = manualClock(START);
    emulator = await startS3Emulator({ clock: clock.now });
    writer = s3Client(emulator.endpoint);
    attacker = s3Client(emulator.endpoint, ATTACKER_KEY_ID);
  });

  afterEach(async () => {
    writer.destroy();
    attacker.destroy();
    await emulator.close();
  });

  /** A bucket created with Object Lock (so versioning), as the digest bucket is. */
  const lockedBucket = () => writer.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));

  const put = (input: Partial<PutObjectCommandInput> & Pick<PutObjectCommandInput, 'Key' | 'Body'>) =>
    writer.send(new PutObjectCommand({ Bucket: BUCKET, ...input }));

  /** A digest written as the digest writer will: COMPLIANCE retention for `days`. */
  const lockedDigest = (key: string, body: string, days = 30) =>
    put({ Key: key, Body: body, ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(START + days * DAY) });

  describe('Object Lock in COMPLIANCE mode', () => {
    it('refuses an attacker who deletes the locked version by its id, and keeps it readable', async () => {
      await lockedBucket();
      const { VersionId } = await lockedDigest('digests/0001.json', '{"seq":1}');

      const refused = await rejectionOf(attacker.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId })));

      expect(refused.name).toBe('AccessDenied');
      expect(refused.$metadata.httpStatusCode).toBe(403);
      expect(refused.message).toBe('Access Denied because object protected by object lock.');
      const stored = await attacker.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId }));
      expect(await text(stored)).toBe('{"seq":1}');
      expect(stored.ObjectLockMode).toBe('COMPLIANCE');
      expect(stored.ObjectLockRetainUntilDate).toEqual(new Date(START + 30 * DAY));
      // Bypassing governance does nothing for COMPLIANCE.
      expect(
        (
          await rejectionOf(
            attacker.send(
              new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId, BypassGovernanceRetention: true }),
            ),
          )
        ).name,
      ).toBe('AccessDenied');
    });

    it('turns an overwrite into a new version and a plain delete into a delete marker: the locked version reads back unchanged', async () => {
      await lockedBucket();
      const original = await lockedDigest('digests/0001.json', '{"seq":1,"head":"8e62"}');

      const forged = await attacker.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', Body: '{"seq":1,"head":"0000"}' }),
      );
      expect(forged.VersionId).not.toBe(original.VersionId);
      expect(await text(await writer.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json' })))).toBe(
        '{"seq":1,"head":"0000"}',
      );
      const marker = await attacker.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json' }));
      expect(marker.DeleteMarker).toBe(true);
      const gone = await rejectionOf(writer.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json' })));
      expect(gone).toBeInstanceOf(NoSuchKey);

      const kept = await writer.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId: original.VersionId }));
      expect(await text(kept)).toBe('{"seq":1,"head":"8e62"}');
      expect([kept.ETag, kept.VersionId, kept.ObjectLockMode]).toEqual([original.ETag, original.VersionId, 'COMPLIANCE']);
      expect(
        emulator
          .bucket(BUCKET)!
          .objects.get('digests/0001.json')!
          .map((version) => (version.deleteMarker ? 'delete marker' : (version.retention?.mode ?? 'unlocked'))),
      ).toEqual(['COMPLIANCE', 'unlocked', 'delete marker']);
    });

    it('refuses to shorten, loosen or remove COMPLIANCE retention, and lets it be extended', async () => {
      await lockedBucket();
      const { VersionId } = await lockedDigest('digests/0001.json', '{}', 30);
      const retention = (Mode: 'COMPLIANCE' | 'GOVERNANCE', days: number) =>
        attacker.send(
          new PutObjectRetentionCommand({
            Bucket: BUCKET,
            Key: 'digests/0001.json',
            VersionId,
            Retention: { Mode, RetainUntilDate: new Date(START + days * DAY) },
            BypassGovernanceRetention: true,
          }),
        );

      for (const attempt of [retention('COMPLIANCE', 1), retention('GOVERNANCE', 60)]) {
        const refused = await rejectionOf(attempt);
        expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      }
      const removal = await rejectionOf(
        attacker.send(new PutObjectRetentionCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId, Retention: {} })),
      );
      expect(removal.name).toBe('AccessDenied');
      const unchanged = await writer.send(new GetObjectRetentionCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId }));
      expect(unchanged.Retention).toEqual({ Mode: 'COMPLIANCE', RetainUntilDate: new Date(START + 30 * DAY) });

      await retention('COMPLIANCE', 365);
      const extended = await writer.send(new GetObjectRetentionCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId }));
      expect(extended.Retention).toEqual({ Mode: 'COMPLIANCE', RetainUntilDate: new Date(START + 365 * DAY) });
    });

    it('lets the version be deleted once its retention has passed, and not a moment before', async () => {
      await lockedBucket();
      const { VersionId } = await lockedDigest('digests/0001.json', '{}', 1);
      const remove = () => writer.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId }));

      clock.set(START + DAY - 1);
      expect((await rejectionOf(remove())).name).toBe('AccessDenied');
      clock.set(START + DAY + 1);
      await expect(remove()).resolves.toMatchObject({ VersionId, $metadata: { httpStatusCode: 204 } });
      expect(emulator.bucket(BUCKET)!.objects.has('digests/0001.json')).toBe(false);
    });

    it('applies the bucket default retention to every new version, the forged ones too', async () => {
      await lockedBucket();
      await writer.send(
        new PutObjectLockConfigurationCommand({
          Bucket: BUCKET,
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 } } },
        }),
      );

      const { VersionId } = await attacker.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'digests/forged.json', Body: '{}' }));

      const config = await writer.send(new GetObjectLockConfigurationCommand({ Bucket: BUCKET }));
      expect(config.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 } },
      });
      const head = await writer.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'digests/forged.json', VersionId }));
      expect([head.ObjectLockMode, head.ObjectLockRetainUntilDate]).toEqual(['COMPLIANCE', new Date(START + 7 * DAY)]);
      expect(
        (await rejectionOf(attacker.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/forged.json', VersionId })))).name,
      ).toBe('AccessDenied');
    });

    it('keeps the bucket versioned: suspending versioning is refused', async () => {
      await lockedBucket();

      const refused = await rejectionOf(
        attacker.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } })),
      );

      expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['InvalidBucketState', 409]);
      expect((await writer.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
    });
  });

  describe('GOVERNANCE mode and buckets without Object Lock', () => {
    it('lets a GOVERNANCE-locked version be deleted only with x-amz-bypass-governance-retention', async () => {
      await lockedBucket();
      const { VersionId } = await put({
        Key: 'k',
        Body: 'v',
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: new Date(START + DAY),
      });

      expect((await rejectionOf(writer.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k', VersionId })))).name).toBe('AccessDenied');
      await writer.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k', VersionId, BypassGovernanceRetention: true }));
      expect((await rejectionOf(writer.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k', VersionId })))).name).toBe('NoSuchVersion');
    });

    it('refuses lock parameters on a bucket without Object Lock, and a retain-until date in the past', async () => {
      await writer.send(new CreateBucketCommand({ Bucket: 'plain' }));
      const withoutLock = await rejectionOf(
        writer.send(
          new PutObjectCommand({
            Bucket: 'plain',
            Key: 'k',
            Body: 'v',
            ObjectLockMode: 'COMPLIANCE',
            ObjectLockRetainUntilDate: new Date(START + DAY),
          }),
        ),
      );
      expect([withoutLock.name, withoutLock.message]).toEqual(['InvalidRequest', 'Bucket is missing Object Lock Configuration']);
      expect((await rejectionOf(writer.send(new GetObjectLockConfigurationCommand({ Bucket: 'plain' })))).name).toBe(
        'ObjectLockConfigurationNotFoundError',
      );

      await lockedBucket();
      const past = await rejectionOf(
        put({ Key: 'k', Body: 'v', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(START - 1000) }),
      );
      expect([past.name, past.message]).toEqual(['InvalidArgument', 'The retain until date must be in the future!']);
    });

    it('replaces the null version of an unversioned bucket, then keeps versions once versioning is enabled', async () => {
      await writer.send(new CreateBucketCommand({ Bucket: 'plain' }));
      const first = await writer.send(new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'one' }));
      await writer.send(new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'two' }));
      expect(first.VersionId).toBeUndefined();
      expect(
        emulator
          .bucket('plain')!
          .objects.get('k')!
          .map((version) => version.versionId),
      ).toEqual(['null']);

      await writer.send(new PutBucketVersioningCommand({ Bucket: 'plain', VersioningConfiguration: { Status: 'Enabled' } }));
      const third = await writer.send(new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'three' }));
      const nullVersion = await writer.send(new GetObjectCommand({ Bucket: 'plain', Key: 'k', VersionId: 'null' }));

      expect(await text(nullVersion)).toBe('two');
      expect(third.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    });
  });

  describe('reading and listing', () => {
    it('lists keys under a prefix in pages joined by continuation tokens, each key once and in order', async () => {
      await lockedBucket();
      const keys = [
        'digests/2026/11/30/0003.json',
        'digests/2026/11/30/0001.json',
        'digests/2026/11/30/0002.json',
        'digests/2026/12/01/0004.json',
      ];
      for (const key of keys) await put({ Key: key, Body: key });
      await put({ Key: 'other/x', Body: 'x' });
      await put({ Key: 'digests/2026/12/01/0005.json', Body: 'deleted' });
      await writer.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/2026/12/01/0005.json' }));

      const firstPage = await writer.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'digests/', MaxKeys: 3 }));
      expect([firstPage.KeyCount, firstPage.IsTruncated, firstPage.MaxKeys]).toEqual([3, true, 3]);
      const secondPage = await writer.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'digests/', MaxKeys: 3, ContinuationToken: firstPage.NextContinuationToken! }),
      );
      expect([secondPage.KeyCount, secondPage.IsTruncated, secondPage.NextContinuationToken]).toEqual([1, false, undefined]);
      expect([...firstPage.Contents!, ...secondPage.Contents!].map((object) => object.Key)).toEqual([...keys].sort());
      expect(firstPage.Contents![0]).toMatchObject({
        Size: keys[1]!.length,
        StorageClass: 'STANDARD',
        ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
        LastModified: new Date(START),
      });

      const paged: string[] = [];
      for await (const page of paginateListObjectsV2({ client: writer, pageSize: 1 }, { Bucket: BUCKET, Prefix: 'digests/' })) {
        paged.push(...(page.Contents ?? []).map((object) => object.Key!));
      }
      expect(paged).toEqual([...keys].sort());
      const byDay = await writer.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'digests/2026/', Delimiter: '/' }));
      expect(byDay.CommonPrefixes).toEqual([{ Prefix: 'digests/2026/11/' }, { Prefix: 'digests/2026/12/' }]);
      expect(byDay.Contents).toBeUndefined();
      const bad = await rejectionOf(writer.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: 'forged' })));
      expect(bad.name).toBe('InvalidArgument');
    });

    it('answers GetObject and HeadObject with the body, metadata and a CRC32 the SDK checks', async () => {
      await lockedBucket();
      await put({ Key: 'digests/a b+c.json', Body: '{"x":1}', ContentType: 'application/json', Metadata: { 'chain-seq': '7' } });

      const got = await writer.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/a b+c.json', ChecksumMode: 'ENABLED' }));
      const head = await writer.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'digests/a b+c.json' }));

      expect(await text(got)).toBe('{"x":1}');
      expect([got.ContentType, got.ContentLength, got.Metadata, got.ChecksumCRC32]).toEqual([
        'application/json',
        7,
        { 'chain-seq': '7' },
        crc32Base64('{"x":1}'),
      ]);
      expect([head.ContentLength, head.ETag, head.VersionId]).toEqual([7, got.ETag, got.VersionId]);
      const missing = await rejectionOf(writer.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'nothing' })));
      expect(missing.$metadata.httpStatusCode).toBe(404);
      expect((await rejectionOf(writer.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })))).name).toBe('NoSuchBucket');
    });
  });

  describe('integrity of what is written', () => {
    it('verifies the CRC32 the SDK sends, in a header or an aws-chunked trailer, and refuses a body that does not match it', async () => {
      await lockedBucket();
      await put({ Key: 'streamed', Body: Readable.from([Buffer.from('{"part":'), Buffer.from('2}')]), ContentLength: 10 });
      expect(await text(await writer.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed' })))).toBe('{"part":2}');

      const wrong = await rejectionOf(put({ Key: 'k', Body: 'payload', ChecksumCRC32: 'AAAAAA==' }));

      expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['BadDigest', 400]);
      expect(wrong.message).toBe('The CRC32 you specified did not match the calculated checksum.');
      expect(emulator.bucket(BUCKET)!.objects.has('k')).toBe(false);
      const md5 = await rejectionOf(put({ Key: 'k', Body: 'payload', ContentMD5: '1B2M2Y8AsgTpgAmY7PhCfg==' }));
      expect(md5.name).toBe('BadDigest');
    });

    it('refuses an unsigned request with AccessDenied, and logs who wrote what', async () => {
      await lockedBucket();
      await attacker.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'v' }));

      const unsigned = await fetch(`${emulator.endpoint}/${BUCKET}/k`, { method: 'PUT', body: 'anonymous' });

      expect(unsigned.status).toBe(403);
      expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
      expect(
        emulator.requests().map(({ operation, callerAccessKeyId, key, outcome }) => [operation, callerAccessKeyId, key, outcome]),
      ).toEqual([
        ['CreateBucket', WRITER_KEY_ID, undefined, 'OK'],
        ['PutObject', ATTACKER_KEY_ID, 'k', 'OK'],
        [`PUT /${BUCKET}/k`, undefined, 'k', 'AccessDenied'],
      ]);
    });
  });
});

describe('S3 emulator: injected faults', () => {
  it('fails the next PutObject it is told to over its control API, storing nothing, then writes again', async () => {
    const emulator = await startS3Emulator();
    const writer = s3Client(emulator.endpoint);
    try {
      await writer.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
      await postJson(`${emulator.endpoint}/__emulator/faults`, { PutObject: { count: 1 } });

      const failed = await rejectionOf(writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'v' })));

      expect([failed.name, failed.$metadata.httpStatusCode]).toEqual(['InternalError', 500]);
      expect(emulator.bucket(BUCKET)!.objects.has('k')).toBe(false);
      await writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'v' }));
      expect(emulator.bucket(BUCKET)!.objects.get('k')).toHaveLength(1);
    } finally {
      writer.destroy();
      await emulator.close();
    }
  });
});

describe('S3 emulator: buckets kept in a data folder', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 's3-emulator-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds every version, lock and body again after a restart on the same folder, and still refuses the delete', async () => {
    const clock = manualClock(START);
    const first = await startS3Emulator({ dataDir, clock: clock.now });
    const client1 = s3Client(first.endpoint);
    await client1.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
    const { VersionId } = await client1.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'digests/0001.json',
        Body: '{"seq":1}',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(START + DAY),
      }),
    );
    client1.destroy();
    await first.close();

    expect(readdirSync(dataDir).sort()).toEqual(['s3-emulator-objects', 's3-emulator.json']);
    const second = await startS3Emulator({ dataDir, clock: clock.now });
    const client2 = s3Client(second.endpoint, ATTACKER_KEY_ID);
    try {
      expect(await text(await client2.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId })))).toBe(
        '{"seq":1}',
      );
      const refused = await rejectionOf(client2.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'digests/0001.json', VersionId })));
      expect(refused.name).toBe('AccessDenied');
    } finally {
      client2.destroy();
      await second.close();
    }
  });
});
