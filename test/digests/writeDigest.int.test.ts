/**
 * The digest writer against the real parts: the ledger in dynalite, the key in the KMS emulator, the digests in
 * the S3 emulator (Object Lock, COMPLIANCE), all through the real SDK clients. Drills end and are sealed; the
 * chain verifies with nothing but the key's public half.
 */
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type S3DigestArchive } from '../../src/adapters/aws/s3DigestArchive';
import { DynamoDigestBookkeeping } from '../../src/adapters/dynamodb/digestBookkeepingStore';
import { clientOptions } from '../../src/config';
import { digestBytes, digestKey, newDigest, parseDigest } from '../../src/domain/digest';
import { signed, signingKey } from '../domain/digest/digestChainBuilder';
import { writeDigest } from '../../src/digests/writeDigest';
import { BadDigestRequestError, handleDigestRequest } from '../../src/handlers/digestWriter';
import { scheduledEvent } from '../../src/local/scheduler';
import { completedDrill, planCopy } from '../audit/support/drills';
import { cloneAt, eventOf, foldAt, forgedItem, RawLedger } from '../audit/support/rawLedger';
import { samplePlan } from '../fixtures/plan';
import { type DigestWorld, startDigestWorld } from './digestWorld';

describe('the signed digest chain', () => {
  let digests: DigestWorld;
  let archive: S3DigestArchive;

  beforeAll(async () => {
    digests = await startDigestWorld();
    archive = digests.archive;
  });
  afterAll(async () => {
    await digests.stop();
  });

  const chain = () => digests.chain();
  const documents = async () => (await chain()).verified.map((digest) => digest.document);
  const start = (planId: string) => digests.startDrill(planId);

  it('given a drill that completes, then its end is sealed before the notification names the digest, and the record of the notification after', async () => {
    const executionId = await completedDrill(digests.world, planCopy('rp-sealed', samplePlan));
    const ledger = await digests.world.ledger(executionId);
    const end = ledger.find((event) => event.type === 'Finalized');
    const notified = ledger.find((event) => event.type === 'NotificationSent');
    expect(notified).toBeDefined();

    const sealed = (await documents()).flatMap((document) =>
      document.heads.filter((head) => head.executionId === executionId).map((head) => ({ digestSeq: document.digestSeq, seq: head.seq })),
    );
    // The end, the record of its notification, then (a drill) each pass of its cleanup that recorded something.
    expect(sealed.slice(0, 2)).toEqual([
      { digestSeq: expect.any(Number) as number, seq: end?.seq },
      { digestSeq: expect.any(Number) as number, seq: notified?.seq },
    ]);
    const published = digests.world.sns.messages().at(-1);
    expect(published?.messageAttributes.ledgerDigest?.StringValue).toBe(archive.location(digestKey('digests/', sealed[0]?.digestSeq ?? 0)));
    expect(published?.message).toContain(`Signed digest: #${sealed[0]?.digestSeq} at s3://drs-ledger-digests/digests/`);
    expect((await chain()).problems).toEqual([]);
  });

  it('given heads already sealed, when sealed again, then nothing is written and the receipts name the digest that has them', async () => {
    const before = (await archive.listKeys()).length;
    const [executionId] = (await documents()).at(-1)?.heads.map((head) => head.executionId) ?? [];
    const result = await writeDigest(digests.writer, { executionIds: [executionId as string], trigger: 'ExecutionEnded' });
    expect(result.written).toBeUndefined();
    expect(result.receipts).toEqual([expect.objectContaining({ executionId, key: digestKey('digests/', before) })]);
    expect(await archive.listKeys()).toHaveLength(before);
  });

  it('given running executions, when the schedule fires, then one digest records every running head', async () => {
    const running = [await start('rp-run-1'), await start('rp-run-2')];
    const result = await handleDigestRequest(digests.writer, scheduledEvent('us-east-1', 'drs-ledger-digests', new Date()));
    expect(result.written?.heads).toBe(2);
    const newest = (await documents()).at(-1);
    expect(newest?.trigger).toBe('Schedule');
    expect(newest?.heads.map((head) => head.executionId)).toEqual([...running].sort());
    for (const executionId of running)
      await digests.world.call({ operation: 'cancel', executionId, requestedBy: 'dr-lead@example.com', reason: 'test over' });
  });

  it('given an end whose seal failed (the writer was down), when the schedule fires, then that ended execution is sealed at its head', async () => {
    digests.writerDown(true);
    const executionId = await completedDrill(digests.world, planCopy('rp-unsealed', samplePlan));
    digests.writerDown(false);
    expect(await digests.checkAgainstDigests(executionId)).toMatchObject({ status: 'uncovered' });
    await handleDigestRequest(digests.writer, scheduledEvent('us-east-1', 'drs-ledger-digests', new Date()));
    expect(await digests.checkAgainstDigests(executionId)).toMatchObject({ status: 'covered', eventsAfter: 0 });
  });

  it('given several writers at once, then each claims its own number: no fork, no gap, every receipt names a digest that exists', async () => {
    const executionIds = await Promise.all(['rp-race-1', 'rp-race-2', 'rp-race-3', 'rp-race-4'].map((planId) => start(planId)));
    const results = await Promise.all(
      executionIds.map((id) => writeDigest(digests.writer, { executionIds: [id], trigger: 'ExecutionEnded' })),
    );
    const check = await chain();
    expect(check.problems).toEqual([]);
    const numbers = results.map((result) => result.written?.digestSeq);
    expect(new Set(numbers).size).toBe(4);
    for (const result of results) expect(check.verified.map((digest) => digest.key)).toContain(result.receipts[0]?.key);
    for (const executionId of executionIds)
      await digests.world.call({ operation: 'cancel', executionId, requestedBy: 'dr-lead@example.com', reason: 'test over' });
  });

  it('given a chain note that lies (ahead of the bucket), then the writer still continues the chain from its real end', async () => {
    const book = new DynamoDigestBookkeeping(digests.world.harness.dynamo.client, digests.config.tables.executions);
    const newest = (await chain()).newestSeq;
    await book.raiseChainHint(newest + 50);
    const executionId = await start('rp-hint');
    const result = await writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' });
    expect(result.written?.digestSeq).toBe(newest + 1);
    expect((await chain()).problems).toEqual([]);
    await digests.world.call({ operation: 'cancel', executionId, requestedBy: 'dr-lead@example.com', reason: 'test over' });
  });

  it('given a ledger whose sealed head was rewritten since its digest, then nothing new is sealed and a tamper alarm is raised', async () => {
    const executionId = await start('rp-rewritten');
    await writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' });
    const { client, config } = digests.world.harness.dynamo;
    const raw = new RawLedger(client, config.tables.events, executionId);
    const items = await raw.items();
    const head = items.length;
    // The insider rewrites the head item (a different actor, hashed anew) and grows the chain from it.
    const edited = { ...eventOf(cloneAt(items, head)), actor: 'someone-else@example.com' };
    const prevHash =
      head === 1 ? undefined : (await digests.world.harness.deps.store.read(executionId, { fromSeq: head - 1, toSeq: head - 1 }))[0]?.hash;
    const rewrittenHead = forgedItem(edited, prevHash as string, foldAt(items, head));
    await raw.put(rewrittenHead);

    const before = (await archive.listKeys()).length;
    const result = await writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' });
    expect(result.written).toBeUndefined();
    expect(await archive.listKeys()).toHaveLength(before);
    expect(digests.alarms).toContainEqual(
      expect.objectContaining({
        kind: 'LedgerBroken',
        source: 'digest',
        executionId,
        detail: expect.stringContaining(`item ${head} has hash`) as string,
      }),
    );
  });

  it('given a digest in the bucket, then no one can overwrite or delete it: COMPLIANCE retention holds and the writer never writes over it', async () => {
    const [firstKey] = await archive.listKeys();
    const original = await archive.get(firstKey as string);
    expect(
      await archive.putIfAbsent(firstKey as string, Buffer.from('{}'), Buffer.from('x'), new Date(Date.now() + 86_400_000).toISOString()),
    ).toBe(false);
    const s3 = new S3Client({ ...clientOptions(digests.config, digests.s3.endpoint), forcePathStyle: true });
    try {
      const written = await s3.send(new PutObjectCommand({ Bucket: 'drs-ledger-digests', Key: firstKey, Body: 'forged' }));
      await expect(
        s3.send(
          new DeleteObjectCommand({
            Bucket: 'drs-ledger-digests',
            Key: firstKey,
            VersionId: digests.s3.bucket('drs-ledger-digests')?.objects.get(firstKey as string)?.[0]?.versionId,
          }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
      expect(written.VersionId).toBeDefined();
    } finally {
      s3.destroy();
    }
    // An unconditional put adds a version over the key; the chain check then reads a digest that is not signed.
    expect((await chain()).problems[0]).toEqual({
      key: firstKey,
      problem: expect.stringMatching(/^digest #1 cannot be trusted/) as string,
    });
    expect(parseDigest((original as NonNullable<typeof original>).bytes).ok).toBe(true);
  });

  it('given a request that is neither the schedule nor a list of execution ids, then it is refused and nothing is written', async () => {
    const before = (await archive.listKeys()).length;
    await expect(handleDigestRequest(digests.writer, { executionIds: ['../../x'], trigger: 'ExecutionEnded' })).rejects.toThrow(
      BadDigestRequestError,
    );
    await expect(handleDigestRequest(digests.writer, { executionIds: [], trigger: 'Whenever' })).rejects.toThrow(/trigger/);
    expect(await archive.listKeys()).toHaveLength(before);
  });

  it('given a digest planted at the top of the chain (well formed, signed by another key), then the writer never chains onto it', async () => {
    const check = await chain();
    const plantedKey = digestKey('digests/', check.newestSeq + 1);
    const other = signingKey();
    const forged = digestBytes(
      newDigest({
        digestSeq: check.newestSeq + 1,
        createdAt: new Date(digests.world.clock.now()).toISOString(),
        trigger: 'Schedule',
        keyId: digests.config.digests?.keyId as string,
        previous: null,
        heads: [],
      }),
    );
    await archive.putIfAbsent(plantedKey, forged, signed(forged, other.privateKey), new Date(Date.now() + 86_400_000).toISOString());
    const executionId = await start('rp-after-plant');
    await expect(writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' })).rejects.toThrow(
      /is not a digest signed by arn:aws:kms:/,
    );
    expect((await archive.listKeys()).at(-1)).toBe(plantedKey);
  });
});
