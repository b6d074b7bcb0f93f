/**
 * Object Lock keeps every version of a digest, but a DeleteObject without a version id stacks a delete marker on its
 * key: the digest then lists and reads as if it had never been written, and If-None-Match: * succeeds over the
 * marker. The attacks below are made with the real S3 client against the S3 emulator, as someone the bucket policy
 * failed to stop (it denies DeleteObject to everyone: test/infrastructure/cloudformation.test.ts).
 */
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type S3DigestArchive } from '../../src/adapters/aws/s3DigestArchive';
import { clientOptions } from '../../src/config';
import { digestKey } from '../../src/domain/digest';
import { writeDigest } from '../../src/digests/writeDigest';
import { LOCAL_DIGEST_BUCKET } from '../../src/local/digestInfrastructure';
import { type DigestWorld, startDigestWorld } from './digestWorld';

describe('a digest hidden under a delete marker', () => {
  let digests: DigestWorld;
  let archive: S3DigestArchive;
  let s3: S3Client;
  /** The running executions, one sealed in each of the first three digests. */
  const sealed: string[] = [];

  beforeAll(async () => {
    digests = await startDigestWorld();
    archive = digests.archive;
    s3 = new S3Client({ ...clientOptions(digests.config, digests.s3.endpoint), forcePathStyle: true });
    for (const planId of ['rp-hidden-1', 'rp-hidden-2', 'rp-hidden-3']) {
      const executionId = await start(planId);
      await writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' });
      sealed.push(executionId);
    }
  });
  afterAll(async () => {
    s3.destroy();
    await digests.stop();
  });

  const chain = () => digests.chain();
  const start = (planId: string) => digests.startDrill(planId);
  const versionsOf = (digestSeq: number) => digests.s3.bucket(LOCAL_DIGEST_BUCKET)?.objects.get(digestKey('digests/', digestSeq)) ?? [];
  const hide = async (digestSeq: number) => {
    await s3.send(new DeleteObjectCommand({ Bucket: LOCAL_DIGEST_BUCKET, Key: digestKey('digests/', digestSeq) }));
  };
  /** An administrator's repair: the delete marker itself deleted (by its version id), the digest shows again. */
  const unhide = async (digestSeq: number) => {
    for (const version of versionsOf(digestSeq).filter((each) => each.deleteMarker))
      await s3.send(
        new DeleteObjectCommand({ Bucket: LOCAL_DIGEST_BUCKET, Key: digestKey('digests/', digestSeq), VersionId: version.versionId }),
      );
  };

  it('given a digest in the middle hidden, when the chain is verified, then that digest is named deleted, not merely missing', async () => {
    await hide(2);
    try {
      const check = await chain();
      expect(check.problems).toEqual([{ key: digestKey('digests/', 2), problem: 'digest #2 was deleted (a delete marker hides it)' }]);
      expect(check.verified.map((digest) => digest.document.digestSeq)).toEqual([1]);
      expect(check.newestSeq).toBe(3);
    } finally {
      await unhide(2);
    }
    expect((await chain()).problems).toEqual([]);
  });

  it('given the newest digest hidden, when the writer seals a new head, then it writes nothing over it, raises an alarm, and verifiers name it deleted', async () => {
    await hide(3);
    try {
      const executionId = await start('rp-hidden-after');
      await expect(writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' })).rejects.toThrow(
        /digest #3 \(digests\/000000000003\.json\) was deleted: a delete marker hides it/,
      );
      // The original and the marker: no second digest #3 was written over the marker (a fork of the chain).
      expect(versionsOf(3).map((version) => (version.deleteMarker ? 'marker' : 'digest'))).toEqual(['digest', 'marker']);
      expect(versionsOf(4)).toEqual([]);
      expect(digests.alarms).toContainEqual(
        expect.objectContaining({
          executionId,
          source: 'digest',
          detail: expect.stringMatching(/^Not sealed in a digest: digest #3 .* was deleted/) as string,
        }),
      );
      // A shorter chain to a listing; a broken one to a verifier.
      const check = await chain();
      expect(check.problems).toEqual([{ key: digestKey('digests/', 3), problem: 'digest #3 was deleted (a delete marker hides it)' }]);
      expect(check.newestSeq).toBe(3);
    } finally {
      await unhide(3);
    }
  });

  it('given every digest hidden (the listing is empty, the chain note says 3), when the writer seals, then it refuses at #1 and verifiers name each', async () => {
    for (const digestSeq of [1, 2, 3]) await hide(digestSeq);
    try {
      expect(await archive.listKeys()).toEqual([]);
      const executionId = await start('rp-all-hidden');
      await expect(writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' })).rejects.toThrow(
        /digest #1 \(digests\/000000000001\.json\) was deleted/,
      );
      expect(versionsOf(1).filter((version) => !version.deleteMarker)).toHaveLength(1);
      const check = await chain();
      expect(check.problems.map((problem) => problem.problem)).toEqual(
        [1, 2, 3].map((n) => `digest #${n} was deleted (a delete marker hides it)`),
      );
      expect(check.verified).toEqual([]);
    } finally {
      for (const digestSeq of [1, 2, 3]) await unhide(digestSeq);
    }
    expect((await chain()).problems).toEqual([]);
  });

  it('given a key the chain never reached, then probing it says absent: a chain that merely ends is not tampered with', async () => {
    expect(await archive.presence(digestKey('digests/', 99))).toBe('absent');
    expect(await archive.presence(digestKey('digests/', 1))).toBe('present');
    await hide(1);
    expect(await archive.presence(digestKey('digests/', 1))).toBe('deleted');
    await unhide(1);
  });

  it('given an object planted at a number far ahead of the chain, when the chain is verified, then the probes stay bounded and the gap is named', async () => {
    const farAhead = digestKey('digests/', 999_999_999_999);
    await s3.send(new PutObjectCommand({ Bucket: LOCAL_DIGEST_BUCKET, Key: farAhead, Body: '{}' }));
    const check = await chain();
    expect(check.problems.map((problem) => problem.problem)).toEqual([
      'digest #4 to #999999999998 are missing: the chain has a gap',
      expect.stringMatching(/^digest #999999999999 cannot be trusted/) as string,
    ]);
    expect(check.verified).toHaveLength(3);
  });
});
